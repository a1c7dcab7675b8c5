"""Shelter pages: the occupancy and statistics report and its CSV/XLSX downloads.

Who may see them: users for whom `run_reports` selects at least one shelter (managers over the
operator, the shelter's own staff); anyone else gets 403, and a shelter outside their scope 404,
as if it did not exist (shelters/report_requests.py, shared with the reports API). The pages show
counts only, never a person (docs/reports.md): reading them reads no tier-2 or tier-3 field, so
the page writes no access-log row (`aggregates_only`); a download is an export and writes one
`export` row (docs/audit.md), as the API does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core.replica import replica_reads
from shelters import charts, exports, reports
from shelters.choices import EXIT_GROUPS, ExitDestination, ExitGroup
from shelters.report_requests import REPORTS, audit_export, read_choice, report_sheet, utilisation_step


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


@aggregates_only
def occupancy_report(request: HttpRequest) -> HttpResponse:
    """The report page: figures, two charts, the shelters' table and the by-year table."""
    form, choice = read_choice(request.user, request.GET)
    if choice is None:
        return render(request, "shelters/occupancy_report.html", {"form": form}, status=400)
    shelters, start, end = choice.shelters, choice.start, choice.end
    occupancy = reports.occupancy(shelters, start, end)
    step = utilisation_step(start, end)
    series = reports.utilisation_series(shelters, start, end, step=step)
    table = reports.shelter_table(shelters, start, end, by_exploitation=choice.by_form)
    years = reports.residents_by_year(shelters, start.year, end.year, by_exploitation=choice.by_form)
    query = _query(choice.code, start, end, choice.by_form)
    context = {
        "form": form,
        "label": choice.label,
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
    """One report as CSV or XLSX, for the same choices as the page; `columns=codes` heads the
    columns with their language-neutral codes instead of their titles. Audited as an export."""
    form, choice = read_choice(request.user, request.GET)
    columns = request.GET.get("columns", "titles")
    if choice is not None and columns not in exports.COLUMN_MODES:
        form.add_error(None, _("Columns are headed by their titles or by their codes (columns=codes)."))
        choice = None
    if choice is None:
        return render(request, "shelters/occupancy_report.html", {"form": form}, status=400)
    mode: exports.Columns = "codes" if columns == "codes" else "titles"
    sheet = report_sheet(report, choice)
    audit_export(request, report, fmt, choice)
    if fmt == "csv":
        return exports.csv_response(sheet, choice.filename(report), mode)
    return exports.xlsx_response(sheet, choice.filename(report), columns=mode)


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
