"""The national statistics page, the CTDC-style export's report, and their downloads
(docs/statistics.md).

Who: users for whom `run_statistics` counts at least one case: statisticians (every case) and
managers (their organisations' cases). Everyone else gets 403. Every figure shown or downloaded
is an aggregate that went through small-cell protection, or a k-anonymous record without any
identifier; no view here reads a person's record. Downloads are exports and are audited.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.actors import signed_in
from accounts.models import AuditAction
from accounts.services import audit_record
from core.errors import PermissionDenied
from national_statistics import ctdc, queries, summary, tables
from national_statistics.permissions import run_statistics, statistics_owners
from national_statistics.queries import Scope
from shelters import charts, exports
from shelters.models import Shelter
from shelters.views import aggregates_only

TABLES = {
    "by-year": gettext_lazy("The table above"),
    "child-victims": gettext_lazy("Child victims of trafficking by year"),
    "repatriated": gettext_lazy("Repatriated by country of return"),
    "shelter-residents": gettext_lazy("Shelter residents by category, age and sex"),
    "proceedings": gettext_lazy("Legal proceedings by stage reached"),
    "verdicts": gettext_lazy("Outcomes of legal proceedings"),
}
# The tables that are one measure by one breakdown (tables.by_year).
BY_YEAR_TABLES = {"proceedings": ("proceedings", "proceeding_stage"), "verdicts": ("verdicts", "outcome")}
CHARTS = ("trend", "provinces")


class StatisticsForm(forms.Form):
    measure = forms.ChoiceField(label=gettext_lazy("Count"), choices=list(queries.MEASURES.items()))
    breakdown = forms.ChoiceField(
        label=gettext_lazy("By"), choices=[(key, queries.DIMENSIONS[key][0]) for key in queries.BREAKDOWNS]
    )
    first = forms.IntegerField(label=gettext_lazy("From year"), min_value=2000, max_value=2100)
    last = forms.IntegerField(label=gettext_lazy("To year (inclusive)"), min_value=2000, max_value=2100)
    shelter = forms.ChoiceField(label=gettext_lazy("Shelter (residents table)"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice = self.fields["shelter"]
        assert isinstance(choice, forms.ChoiceField)
        choice.choices = [("", _("All shelters"))] + [
            (code, name) for code, name in Shelter.objects.order_by("name_en").values_list("code", "name_en")
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("first"), data.get("last")
        if first and last:
            if last < first:
                self.add_error("last", _("The last year is before the first."))
            elif last - first >= queries.MAX_YEARS:
                self.add_error("last", _("Choose at most twenty years."))
        measure, breakdown = data.get("measure"), data.get("breakdown")
        if breakdown and measure and measure not in queries.ONLY_FOR.get(breakdown, {measure}):
            self.add_error("breakdown", str(queries.NOT_A_BREAKDOWN[breakdown]))
        return data


def _scope(request: HttpRequest) -> Scope:
    if not run_statistics.allows(request.user, None):
        raise PermissionDenied(_("You cannot see the national statistics."))
    return Scope(owners=statistics_owners(request.user))


def _form(request: HttpRequest) -> StatisticsForm:
    this_year = timezone.localdate().year
    data = request.GET.copy()
    for key, value in (("measure", "identified"), ("breakdown", "province"), ("last", this_year)):
        data.setdefault(key, str(value))
    last = str(data["last"])
    data.setdefault("first", str(int(last) - 4 if last.isdigit() else this_year - 4))
    return StatisticsForm(data)


def _shelter_id(form: StatisticsForm) -> Any:
    code = form.cleaned_data.get("shelter")
    return Shelter.objects.get(code=code).pk if code else None


def _table(name: str, form: StatisticsForm, scope: Scope) -> tables.Published:
    data = form.cleaned_data
    years = {"first": data["first"], "last": data["last"], "scope": scope}
    if name == "by-year":
        return tables.by_year(data["measure"], data["breakdown"], **years)
    if name == "child-victims":
        return tables.child_victims(**years)
    if name == "repatriated":
        return tables.repatriated(**years)
    if name in BY_YEAR_TABLES:
        return tables.by_year(*BY_YEAR_TABLES[name], **years)
    return tables.shelter_residents(**years, shelter=_shelter_id(form))


def _chart(name: str, form: StatisticsForm, scope: Scope, main: tables.Published | None = None) -> Any:
    data = form.cleaned_data
    if name == "trend":
        totals = tables.yearly_totals(first=data["first"], last=data["last"], scope=scope)
        return charts.trend_chart(
            list(range(data["first"], data["last"] + 1)),
            [(str(queries.MEASURES[measure]), points) for measure, points in totals.items()],
            title=_("Persons per year (figures below the threshold are gaps)"),
            chart_id="chart-trend",
        )
    if main is None or data["breakdown"] != "province":
        main = tables.by_year(data["measure"], "province", first=data["first"], last=data["last"], scope=scope)
    return charts.bar_chart(
        [(line.label, line.total) for line in main.lines if not line.is_total],
        title=_("%(measure)s by province, %(first)s-%(last)s")
        % {"measure": queries.MEASURES[data["measure"]], "first": data["first"], "last": data["last"]},
        empty=_("Nobody to count in these years."),
        chart_id="chart-provinces",
        hidden_label=tables.HIDDEN,
    )


def _query(form: StatisticsForm) -> str:
    query = QueryDict(mutable=True)
    query.update({key: str(value) for key, value in form.cleaned_data.items() if value not in (None, "")})
    return "?" + query.urlencode()


def _audit_export(request: HttpRequest, what: str, form: StatisticsForm) -> None:
    audit_record(
        actor=signed_in(request),
        action=AuditAction.EXPORT,
        object_type="statistics",
        object_id=what,
        fields=[f"{key}={value}" for key, value in sorted(form.cleaned_data.items()) if value not in (None, "")],
    )


@aggregates_only
def statistics_page(request: HttpRequest) -> HttpResponse:
    """The tables, the charts and the CTDC-style export's report."""
    scope = _scope(request)
    form = _form(request)
    if not form.is_valid():
        return render(request, "statistics/statistics.html", {"form": form}, status=400)
    published = {name: _table(name, form, scope) for name in TABLES}
    query = _query(form)
    context = {
        "form": form,
        "threshold": tables.threshold(),
        "hidden": tables.HIDDEN,
        "tables": [
            (
                name,
                table,
                [(fmt.upper(), reverse("statistics:download", args=[name, fmt]) + query) for fmt in ("csv", "xlsx")],
            )
            for name, table in published.items()
        ],
        "charts": [
            (
                name,
                _chart(name, form, scope, published["by-year"]),
                reverse("statistics:chart", args=[name]) + query,
            )
            for name in CHARTS
        ],
        "ctdc_page": reverse("statistics:ctdc-report") + query,
        "counted_at": summary.counted_at(scope, form.cleaned_data["first"], form.cleaned_data["last"]),
        "refresh_minutes": settings.STATISTICS_REFRESH_SECONDS // 60,
    }
    return render(request, "statistics/statistics.html", context)


@aggregates_only
def statistics_ctdc_report(request: HttpRequest) -> HttpResponse:
    """What the CTDC-style export would publish now: what was generalised, how many left out."""
    scope = _scope(request)
    form = _form(request)
    if not form.is_valid():
        return render(request, "statistics/statistics.html", {"form": form}, status=400)
    anonymised = summary.ctdc_export(scope)
    query = _query(form)
    context = {
        "ctdc": anonymised,
        "ctdc_report": ctdc.report_lines(anonymised),
        "ctdc_links": [(fmt.upper(), reverse("statistics:ctdc", args=[fmt]) + query) for fmt in ("csv", "xlsx")],
        "back": reverse("statistics:page") + query,
    }
    return render(request, "statistics/statistics_ctdc.html", context)


@aggregates_only
def statistics_download(request: HttpRequest, table: str, fmt: str) -> HttpResponseBase:
    scope = _scope(request)
    form = _form(request)
    if not form.is_valid():
        return render(request, "statistics/statistics.html", {"form": form}, status=400)
    sheet = _table(table, form, scope).sheet()
    _audit_export(request, f"{table}.{fmt}", form)
    filename = f"statistics_{table}_{form.cleaned_data['first']}_{form.cleaned_data['last']}"
    return exports.csv_response(sheet, filename) if fmt == "csv" else exports.xlsx_response(sheet, filename)


@aggregates_only
def statistics_ctdc(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """The k-anonymous records; the XLSX adds the report of what was generalised or suppressed."""
    scope = _scope(request)
    form = _form(request)
    if not form.is_valid():
        return render(request, "statistics/statistics.html", {"form": form}, status=400)
    result = summary.ctdc_export(scope)
    _audit_export(request, f"ctdc.{fmt}", form)
    filename = f"ctdc_k{result.k}_{timezone.localdate().isoformat()}"
    records = ctdc.records_sheet(result)
    if fmt == "csv":
        return exports.csv_response(records, filename)
    return exports.xlsx_response(records, filename, more=[ctdc.report_sheet(result)], names=["records", "report"])


@aggregates_only
def statistics_chart(request: HttpRequest, chart: str) -> HttpResponseBase:
    """A chart of the page as an SVG file."""
    scope = _scope(request)
    form = _form(request)
    if not form.is_valid():
        return render(request, "statistics/statistics.html", {"form": form}, status=400)
    svg = _chart(chart, form, scope)
    _audit_export(request, f"{chart}.svg", form)
    response = HttpResponse(charts.standalone(svg), content_type="image/svg+xml")
    response["Content-Disposition"] = (
        f'attachment; filename="{chart}_{form.cleaned_data["first"]}_{form.cleaned_data["last"]}.svg"'
    )
    return response
