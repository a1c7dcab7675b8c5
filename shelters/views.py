"""Shelter pages: the occupancy and statistics report and its CSV/XLSX downloads.

Who may see them: users for whom `run_reports` selects at least one shelter (managers over the
operator, the shelter's own staff); anyone else gets 403, and a shelter outside their scope 404,
as if it did not exist. The pages show counts only, never a person (docs/reports.md): reading
them reads no tier-2 or tier-3 field, so they write no access-log row (`aggregates_only`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any, Literal

from django import forms
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core.errors import PermissionDenied
from core.pages import DateField, local_name
from core.replica import replica_reads
from shelters import charts, exports, reports
from shelters.choices import EXIT_GROUPS, ExitDestination, ExitGroup
from shelters.models import Shelter
from shelters.permissions import run_reports

REPORTS = {
    "occupancy": gettext_lazy("Occupancy"),
    "shelter-table": gettext_lazy("Residents by category, sex and age"),
    "by-year": gettext_lazy("Residents by year"),
    "non-residential": gettext_lazy("Non-residential assistance by kind, sex and age"),
}


def aggregates_only(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """For views that show aggregates only: GET and HEAD alone (reading writes nothing), never
    cached by the browser, and marked `reads_personal_data = False`, the reason they write no
    access-log row (docs/design/access.md audits reads of tier-2 and tier-3 records; a count is neither).
    Their reads go to the read replica where there is one (core/replica.py); their writes (the
    audit row of a download) to the primary."""

    @never_cache
    @require_safe
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        with replica_reads(request):
            return view(request, *args, **kwargs)

    wrapped.reads_personal_data = False  # type: ignore[attr-defined]
    return wrapped


class ReportForm(forms.Form):
    shelter = forms.ChoiceField(label=gettext_lazy("Shelter"), required=False)
    start = DateField(label=gettext_lazy("From"))
    end = DateField(
        label=gettext_lazy("To (inclusive)"),
        help_text=gettext_lazy("The nights from the first date to the last, both included."),
    )
    by_form = forms.BooleanField(
        label=gettext_lazy("Break human trafficking down by form of exploitation"),
        required=False,
        help_text=gettext_lazy(
            "Labour, sexual and other forms, as recorded on the case; a person counts once per row."
        ),
    )

    def __init__(self, *args: Any, shelters: list[Shelter], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        all_label = _("All shelters I may report on (%(count)s)") % {"count": len(shelters)}
        choice = self.fields["shelter"]
        assert isinstance(choice, forms.ChoiceField)
        choice.choices = [("", all_label)] + [(s.code, local_name(s)) for s in shelters]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The last date is before the first."))
            elif end >= _add_years(start, reports.MAX_PERIOD_YEARS):
                self.add_error("end", _("Choose a period of at most ten years."))
        return data


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _with_defaults(query: QueryDict) -> QueryDict:
    """Dates not in the query at all (a first visit, a link naming only the shelter) default to
    1 January of this year to today; a date sent empty stays empty and is an error."""
    today = timezone.localdate()
    data = query.copy()
    data.setdefault("start", today.replace(month=1, day=1).isoformat())
    data.setdefault("end", today.isoformat())
    return data


def _scope(request: HttpRequest) -> list[Shelter]:
    """The shelters the user may report on; none at all is a 403."""
    shelters = list(run_reports.scope(request.user).order_by("name_en", "code"))
    if not shelters:
        raise PermissionDenied(_("You cannot run shelter reports."))
    return shelters


def _read_form(request: HttpRequest, shelters: list[Shelter]) -> ReportForm:
    code = request.GET.get("shelter", "")
    if code and code not in {shelter.code for shelter in shelters}:
        raise Http404(_("Not found."))  # outside the scope looks the same as missing
    return ReportForm(_with_defaults(request.GET), shelters=shelters)


@aggregates_only
def occupancy_report(request: HttpRequest) -> HttpResponse:
    """The report page: figures, two charts, the shelters' table and the by-year table."""
    scope = _scope(request)
    form = _read_form(request, scope)
    if not form.is_valid():
        return render(request, "shelters/occupancy_report.html", {"form": form}, status=400)
    shelters, code, label = _selection(request, form, scope)
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    occupancy = reports.occupancy(shelters, start, end)
    step: Literal["month", "week"] = "month" if (end - start).days > 92 else "week"
    series = reports.utilisation_series(shelters, start, end, step=step)
    by_form = form.cleaned_data["by_form"]
    table = reports.shelter_table(shelters, start, end, by_exploitation=by_form)
    years = reports.residents_by_year(shelters, start.year, end.year, by_exploitation=by_form)
    query = _query(code, start, end, by_form)
    context = {
        "form": form,
        "label": label,
        "start": start,
        "end": end,
        "occupancy": occupancy,
        "total": occupancy.total,
        "occupancy_lines": [(row.shelter.name, row, False) for row in occupancy.rows if row.shelter]
        + [(_("Total"), occupancy.total, True)],
        "exit_rows": _exit_rows(occupancy.total),
        "series": series,
        "step": step,
        "table": table,
        "years": years,
        "non_residential": reports.non_residential_table(shelters, start, end),
        "utilisation_chart": charts.utilisation_chart(series),
        "category_chart": charts.category_chart(table),
        "buckets": [key for key, _low, _high in reports.LOS_BUCKETS],
        "downloads": [
            (
                name,
                [
                    (fmt.upper(), reverse("shelters:report-download", args=[slug, fmt]) + query)
                    for fmt in ("csv", "xlsx")
                ],
            )
            for slug, name in REPORTS.items()
        ],
    }
    return render(request, "shelters/occupancy_report.html", context)


@aggregates_only
def report_download(request: HttpRequest, report: str, fmt: str) -> HttpResponseBase:
    """One report as CSV or XLSX, for the same choices as the page."""
    scope = _scope(request)
    form = _read_form(request, scope)
    if not form.is_valid():
        return render(request, "shelters/occupancy_report.html", {"form": form}, status=400)
    shelters, code, label = _selection(request, form, scope)
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    by_form = form.cleaned_data["by_form"]
    title = exports.period_title(str(REPORTS[report]), start, end, label)
    if report == "occupancy":
        sheet = exports.occupancy_sheet(reports.occupancy(shelters, start, end), title)
    elif report == "shelter-table":
        table = reports.shelter_table(shelters, start, end, by_exploitation=by_form)
        sheet = exports.shelter_table_sheet(table, title)
    elif report == "non-residential":
        sheet = exports.non_residential_sheet(reports.non_residential_table(shelters, start, end), title)
    else:
        years = reports.residents_by_year(shelters, start.year, end.year, by_exploitation=by_form)
        sheet = exports.by_year_sheet(years, title)
    filename = f"{report}_{code or 'all'}_{start.isoformat()}_{end.isoformat()}"
    if fmt == "csv":
        return exports.csv_response(sheet, filename)
    return exports.xlsx_response(sheet, filename)


def _selection(request: HttpRequest, form: ReportForm, scope: list[Shelter]) -> tuple[Any, str, str]:
    code = form.cleaned_data["shelter"]
    shelters = run_reports.scope(request.user)
    if code:
        chosen = next(shelter for shelter in scope if shelter.code == code)
        return shelters.filter(code=code), code, local_name(chosen)
    count = len(scope)
    return (
        shelters,
        "",
        ngettext("the %(count)s shelter in your scope", "all %(count)s shelters in your scope", count)
        % {"count": count},
    )


def _query(code: str, start: dt.date, end: dt.date, by_form: bool = False) -> str:
    query = QueryDict(mutable=True)
    if code:
        query["shelter"] = code
    query.update({"start": start.isoformat(), "end": end.isoformat()})
    if by_form:
        query["by_form"] = "on"
    return "?" + query.urlencode()


def _exit_rows(total: reports.OccupancyRow) -> list[tuple[str, str, int]]:
    labels, groups = dict(ExitDestination.choices), dict(ExitGroup.choices)
    return [(str(labels[d]), str(groups[EXIT_GROUPS[d]]), n) for d, n in total.exits_by_destination.items()]
