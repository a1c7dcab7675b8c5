"""A case's audit trail for the managers over it: who viewed or changed the case and its person
(the access log), and which fields changed when (row history, names of fields only)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from casework import permissions, selectors
from casework.models import Case
from core.pages import paginate, query_without_page


@require_safe
def case_audit(request: HttpRequest, case_id: Any) -> HttpResponse:
    user = request.user
    case = permissions.view_case.get(user, Case.objects.select_related("person"), pk=case_id)
    page = paginate(request, selectors.case_access_log(user=user, case=case), per_page=50)  # 403 unless manager
    changes = selectors.case_changes(user=user, case=case, limit=100)
    return render(
        request,
        "casework/case_audit.html",
        {
            "case": case,
            "page": page,
            "events": list(page.object_list),
            "changes": changes,
            "query": query_without_page(request),
        },
    )
