"""The shelter reports as data: occupancy, the shelters' own table, residents by year and bed
utilisation, for the same choices, scope and refusals as the report page and its downloads
(shelters/report_requests.py) and audited as the downloads are (one `export` row per answer).

Each answer is the report's sheet, the one the CSV and XLSX render: its columns (a stable code
and the title in the caller's language) and its rows (a stable key and, by column code, the
values). Nothing here names a column: a column or row the report gains appears in the API, the
CSV and the XLSX alike. docs/reports.md lists the codes."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from core.replica import replica_reads
from shelters.exports import Sheet
from shelters.report_requests import REPORTS, Choice, audit_export, read_choice, report_sheet


class ReportQuerySerializer(serializers.Serializer):
    """The report page's choices (validated by its form: the same refusals, the same messages)."""

    shelter = serializers.CharField(
        required=False,
        help_text="A shelter's code; left out, every shelter the caller may report on. One outside the "
        "caller's scope answers 404, as a code that does not exist.",
    )
    start = serializers.DateField(required=False, help_text="First night (YYYY-MM-DD); default 1 January of this year")
    end = serializers.DateField(
        required=False,
        help_text="Last night, included (YYYY-MM-DD); default today. At most ten years from `start`. "
        "The by-year report covers the calendar years from `start` to `end`.",
    )
    by_form = serializers.BooleanField(
        required=False,
        help_text="`on`/`true`: the shelter table and the by-year table break human trafficking down by "
        "form of exploitation (rows `trafficking.labour`, `trafficking.sexual`, ...).",
    )


class ReportColumnSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable and language-neutral: the key of the rows' `values`")
    title = serializers.CharField(help_text="The column's title in the caller's language (as in the CSV)")


class ReportRowSerializer(serializers.Serializer):
    key = serializers.CharField(
        help_text="Stable: a category code, a shelter's code, `total`, or a period's first day (utilisation)"
    )
    # The metaclass moves declared fields off the class; the stubs only see a clash with Field.label.
    label = serializers.CharField(help_text="The row's name in the caller's language")  # type: ignore[assignment]
    values = serializers.DictField(
        child=serializers.JSONField(allow_null=True),
        help_text="By column code: a count, a percentage or average rounded to 0.1, a boolean, a date or "
        "text; null where there is nothing to compute (no bed, no exit).",
    )


EXAMPLE = {
    "report": "shelter-table",
    "title": "Residents by category, sex and age, 2025-01-01 to 2025-01-31, MLSW Transit Centre",
    "shelter": "mlsw-transit-vientiane",
    "shelters": ["mlsw-transit-vientiane"],
    "start": "2025-01-01",
    "end": "2025-01-31",
    "columns": [{"code": "category", "title": "Category"}, {"code": "total", "title": "Total"}],
    "rows": [
        {"key": "trafficking", "label": "Human trafficking", "values": {"category": "trafficking", "total": 2}},
        {"key": "total", "label": "Total", "values": {"category": "total", "total": 3}},
    ],
}


@extend_schema_serializer(examples=[OpenApiExample("The shelters' table (two columns shown)", value=EXAMPLE)])
class ReportSerializer(serializers.Serializer):
    report = serializers.ChoiceField(choices=list(REPORTS))
    title = serializers.CharField(help_text="The report, its period and its shelters, in the caller's language")
    shelter = serializers.CharField(allow_null=True, help_text="The shelter chosen; null for the caller's whole scope")
    shelters = serializers.ListField(child=serializers.CharField(), help_text="The codes of the shelters counted")
    start = serializers.DateField()
    end = serializers.DateField()
    columns = ReportColumnSerializer(many=True)
    rows = ReportRowSerializer(many=True)


def report_data(report: str, choice: Choice, sheet: Sheet) -> dict[str, Any]:
    """The sheet as the API answers it: the codes' rendering of the CSV, row by row."""
    return {
        "report": report,
        "title": sheet.title,
        "shelter": choice.code or None,
        "shelters": sorted(choice.shelters.values_list("code", flat=True)),
        "start": choice.start,
        "end": choice.end,
        "columns": [{"code": code, "title": title} for code, title in zip(sheet.codes, sheet.header, strict=True)],
        "rows": [
            {
                "key": line[0],
                "label": sheet.labels[index] if sheet.labels else str(sheet.rows[index][0]),
                "values": dict(zip(sheet.codes, line, strict=True)),
            }
            for index, line in enumerate(sheet.lines("codes"))
        ],
    }


class ReportViewSet(viewsets.ViewSet):
    """The report page's reports as JSON, one URL per report (`REPORTS`: a report added there
    is served here too): for users who may run shelter reports (a shelter's staff, its operator's
    managers), over the shelters in their scope; anyone else gets 403."""

    lookup_field = "report"

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "report",
                str,
                OpenApiParameter.PATH,
                enum=list(REPORTS),
                description="occupancy: one row per shelter and the total (bed nights, utilisation, "
                "admissions, exits by destination and group, lengths of stay, non-residential assistance); "
                "shelter-table: persons by category (each row the table has) and the total of distinct "
                "persons, by sex and age at admission; by-year: residents and children by calendar year "
                "and category; utilisation: bed nights per month (per ISO week for three months or less). "
                "docs/reports.md lists every column code.",
            ),
            ReportQuerySerializer,
        ],
        responses={
            200: ReportSerializer,
            404: OpenApiResponse(
                {"$ref": "#/components/schemas/Error"},  # core.api.schema.document_error_answers adds it
                description="No such report, or the shelter named is outside your scope or does not exist "
                "(the two look the same).",
            ),
        },
    )
    def retrieve(self, request: Request, report: str) -> Response:
        """One report for a shelter (or the caller's whole scope) and a period."""
        form, choice = read_choice(request.user, request.query_params)
        if report not in REPORTS:
            raise Http404(_("Not found."))
        if choice is None:
            raise ValidationError(form.errors.as_data())
        with replica_reads(request):
            sheet = report_sheet(report, choice)
        audit_export(request, report, "json", choice)
        return Response(ReportSerializer(report_data(report, choice, sheet)).data)
