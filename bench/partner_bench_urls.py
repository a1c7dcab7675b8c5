"""The product's routes plus, for the benchmark only, a bare DRF list view over the same
referrals table (bench/bench_partner_list.py compares the partner list endpoint with it).

The bare view is what DRF gives out of the box: a ListAPIView, a ModelSerializer of the
referral's own fields with the case code and the person's names and sex, CursorPagination by
`change_seq` with pages of 100. It authenticates with the same partner token (one indexed
query) and lists the same rows (sent to the token's organisation, no drafts, optionally
`updated_since`), but knows nothing of consent, disclosure, throttling or the audit log.
`bare-cases/` is the staff case list's floor (bench/bench_people_pages.py): a ListAPIView of
`.values()` over the same cases (the caller's scope, same order, same paginator), no serializer.
Never shipped: only the benchmark's settings (bench/partner_bench_settings.py) route to it."""

from typing import Any

from django.urls import path
from rest_framework import generics, serializers
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer

from casework import selectors
from config.urls import urlpatterns as product_urlpatterns
from referrals.models import Referral
from referrals.partner.authentication import HasPartnerToken, PartnerTokenAuthentication


class BareReferralSerializer(serializers.ModelSerializer):
    case_code = serializers.CharField(source="case.person.case_code")
    from_organisation = serializers.SlugRelatedField(slug_field="code", read_only=True)
    to_organisation = serializers.SlugRelatedField(slug_field="code", read_only=True)
    services = serializers.SlugRelatedField(source="service_types", slug_field="code", many=True, read_only=True)
    given_name_lo = serializers.CharField(source="case.person.given_name_lo")
    family_name_lo = serializers.CharField(source="case.person.family_name_lo")
    given_name_latin = serializers.CharField(source="case.person.given_name_latin")
    family_name_latin = serializers.CharField(source="case.person.family_name_latin")
    sex = serializers.CharField(source="case.person.sex")

    class Meta:
        model = Referral
        fields = [
            "id",
            "case_code",
            "status",
            "from_organisation",
            "to_organisation",
            "services",
            "urgency",
            "reason",
            "sent_at",
            "acknowledge_due_at",
            "answer_due_at",
            "decline_reason",
            "outcome",
            "change_seq",
            "given_name_lo",
            "family_name_lo",
            "given_name_latin",
            "family_name_latin",
            "sex",
        ]


class BarePagination(CursorPagination):
    page_size = 100
    ordering = "change_seq"


class BareReferralList(generics.ListAPIView):
    authentication_classes = [PartnerTokenAuthentication]
    permission_classes = [HasPartnerToken]
    renderer_classes = [JSONRenderer]
    serializer_class = BareReferralSerializer
    pagination_class = BarePagination

    def get_queryset(self) -> Any:
        referrals = Referral.objects.filter(to_organisation_id=self.request.auth.organisation_id).exclude(
            status="draft"
        )
        since = self.request.query_params.get("updated_since")
        if since:
            referrals = referrals.filter(updated_at__gte=serializers.DateTimeField().to_internal_value(since))
        return referrals.select_related("case__person", "from_organisation", "to_organisation").prefetch_related(
            "service_types"
        )


class BareCaseList(generics.ListAPIView):
    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer]

    def get_queryset(self) -> Any:
        return selectors.case_list(user=self.request.user).values(
            "id", "person__case_code", "status", "category", "identified_on", "owner__code", "assigned_worker__username"
        )

    def list(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        return self.get_paginated_response(list(self.paginate_queryset(self.get_queryset()) or []))


urlpatterns = [
    path("api/bench/bare-referrals/", BareReferralList.as_view(), name="bench-bare-referrals"),
    path("api/bench/bare-cases/", BareCaseList.as_view(), name="bench-bare-cases"),
    *product_urlpatterns,
]
