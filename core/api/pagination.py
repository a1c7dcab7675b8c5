"""Pagination shared by every API list.

Staff lists page by number (small, filtered sets a person scrolls). Their count is exact up to
10,000 rows and capped beyond (`count_capped: true`): counting 60,000 visible cases cost more
than fetching the page, and nobody pages past 200 pages of 50 — they filter. (Partners pull
with the change-stream cursor of referrals.partner instead.)"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

COUNT_CAP = 10_000


class CappedCountPaginator(Paginator):
    @cached_property
    def count(self) -> int:
        # COUNT over a LIMITed subquery: stops after COUNT_CAP + 1 rows (lists are just measured).
        head = self.object_list[: COUNT_CAP + 1]
        return head.count() if isinstance(head, QuerySet) else len(head)


class StablePageNumberPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    django_paginator_class = CappedCountPaginator

    def get_paginated_response(self, data: Any) -> Response:
        assert self.page is not None  # DRF asks for the response only after paginate_queryset found a page
        count = self.page.paginator.count
        return Response(
            {
                "count": min(count, COUNT_CAP),
                "count_capped": count > COUNT_CAP,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count_capped"] = {
            "type": "boolean",
            "description": f"More than {COUNT_CAP} rows match and `count` is {COUNT_CAP}: narrow the filters.",
        }
        return response
