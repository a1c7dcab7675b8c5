"""The national statistics as JSON, for the ministry's partners' own systems: the same protected
tables as the page (docs/statistics.md), never a person. Each call is an export and is audited."""

from __future__ import annotations

from typing import Any

from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.actors import signed_in
from accounts.models import AuditAction
from accounts.services import audit_record
from core.errors import PermissionDenied
from core.replica import replica_reads
from national_statistics import htcds_views, queries, tables
from national_statistics.permissions import run_statistics, statistics_owners
from national_statistics.queries import Scope


class StatisticsQuerySerializer(serializers.Serializer):
    measure = serializers.ChoiceField(choices=list(queries.MEASURES), help_text="What is counted (persons)")
    breakdown = serializers.ChoiceField(choices=list(queries.BREAKDOWNS), help_text="The rows; the columns are years")
    first = serializers.IntegerField(min_value=2000, max_value=2100, help_text="First year")
    last = serializers.IntegerField(min_value=2000, max_value=2100, help_text="Last year (inclusive)")

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if data["last"] < data["first"] or data["last"] - data["first"] >= queries.MAX_YEARS:
            raise serializers.ValidationError({"last": [_("Choose at most twenty years, the first before the last.")]})
        if data["measure"] not in queries.ONLY_FOR.get(data["breakdown"], {data["measure"]}):
            raise serializers.ValidationError({"breakdown": [str(queries.NOT_A_BREAKDOWN[data["breakdown"]])]})
        return data


class StatisticsLineSerializer(serializers.Serializer):
    # The metaclass moves declared fields off the class; the stubs only see a clash with Field.label.
    label = serializers.CharField()  # type: ignore[assignment]
    values = serializers.ListField(
        child=serializers.IntegerField(allow_null=True), help_text="One per column; null = hidden"
    )
    total = serializers.IntegerField(
        allow_null=True, help_text="The sum of the line's values over the years; null when one of them is hidden"
    )
    is_total = serializers.BooleanField()


@extend_schema_serializer(many=False)  # the list action answers one table, not an array of them
class StatisticsTableSerializer(serializers.Serializer):
    title = serializers.CharField()
    threshold = serializers.IntegerField(
        help_text="Figures from 1 to threshold - 1 are hidden, with a complement in the same year (docs/statistics.md)"
    )
    row_title = serializers.CharField()
    columns = serializers.ListField(child=serializers.CharField(), source="col_labels")
    lines = StatisticsLineSerializer(many=True, help_text="The rows, then the line of the years' totals")


class StatisticsViewSet(viewsets.ViewSet):
    """Protected aggregate tables (statisticians: every case; managers: their organisations')."""

    @extend_schema(parameters=[StatisticsQuerySerializer], responses=StatisticsTableSerializer)
    def list(self, request: Request) -> Response:
        """One count by a breakdown and year, small cells hidden (null)."""
        if not run_statistics.allows(request.user, None):
            raise PermissionDenied(_("You cannot see the national statistics."))
        query = StatisticsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        with replica_reads(request):  # the heavy read; its audit row below goes to the primary
            table = tables.by_year(
                data["measure"],
                data["breakdown"],
                first=data["first"],
                last=data["last"],
                scope=Scope(owners=statistics_owners(request.user)),
            )
        audit_record(
            actor=signed_in(request),
            action=AuditAction.EXPORT,
            object_type="statistics",
            object_id="api",
            fields=[f"{key}={value}" for key, value in sorted(data.items())],
        )
        return Response(StatisticsTableSerializer(table).data)


class HtcdsQuerySerializer(serializers.Serializer):
    table = serializers.ChoiceField(
        choices=["victims", "events", "perpetrators"],
        default="victims",
        help_text="victims, events or perpetrators (CSV; XLSX has all three)",
    )
    file = serializers.ChoiceField(
        choices=["csv", "xlsx"], default="csv", help_text="csv (one table) or xlsx (all three)"
    )


class HtcdsExportViewSet(viewsets.ViewSet):
    """The de-identified record-level export in IOM's HTCDS v2.0 (docs/htcds.md), for the people
    whose consent covers it: managers (their organisations' cases) and statisticians. Audited."""

    @extend_schema(
        parameters=[HtcdsQuerySerializer],
        responses={(200, "text/csv"): OpenApiTypes.BINARY, (200, htcds_views.XLSX_TYPE): OpenApiTypes.BINARY},
    )
    def list(self, request: Request) -> HttpResponseBase:
        """The victims, events or perpetrators table as CSV, or all three as XLSX, streamed."""
        scope = htcds_views.htcds_scope(request.user)
        query = HtcdsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        table, kind = query.validated_data["table"], query.validated_data["file"]
        what = f"{table}.csv" if kind == "csv" else "export.xlsx"
        audit_record(actor=signed_in(request), action=AuditAction.EXPORT, object_type="htcds", object_id=f"api:{what}")
        return htcds_views.csv_download(scope, table) if kind == "csv" else htcds_views.xlsx_download(scope)
