"""What the report page, its downloads and the reports API share: which reports there are, who
may run them on which shelters (`run_reports`, the one rule), the choice of shelter and period
(one form, so the page and the API refuse the same input), each report as a `Sheet`, and the
audit row of an export. docs/reports.md describes the figures and the column codes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from django import forms
from django.db.models import QuerySet
from django.http import Http404, QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.actors import signed_in
from accounts.models import AuditAction
from accounts.services import audit_record
from core.errors import PermissionDenied
from core.pages import DateField, local_name
from shelters import exports, reports
from shelters.models import Shelter
from shelters.permissions import run_reports

# The reports by their stable name (URLs, file names, audit rows) and their translated title.
REPORTS = {
    "occupancy": gettext_lazy("Occupancy"),
    "shelter-table": gettext_lazy("Residents by category, sex and age"),
    "by-year": gettext_lazy("Residents by year"),
    "utilisation": gettext_lazy("Bed utilisation over time"),
    "non-residential": gettext_lazy("Non-residential assistance by kind, sex and age"),
}


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


@dataclass(frozen=True)
class Choice:
    """A valid choice of shelters and period, within the user's scope."""

    shelters: QuerySet[Shelter]
    code: str  # the one shelter chosen, or "" for the whole scope
    label: str
    start: dt.date
    end: dt.date
    by_form: bool = False  # trafficking broken down by form of exploitation

    def filename(self, report: str) -> str:
        return f"{report}_{self.code or 'all'}_{self.start.isoformat()}_{self.end.isoformat()}"


def report_scope(user: Any) -> list[Shelter]:
    """The shelters the user may report on; none at all is a 403."""
    shelters = list(run_reports.scope(user).order_by("name_en", "code"))
    if not shelters:
        raise PermissionDenied(_("You cannot run shelter reports."))
    return shelters


def read_choice(user: Any, query: Mapping[str, Any]) -> tuple[ReportForm, Choice | None]:
    """The form over `query` (dates left out default to 1 January of this year to today; a date
    sent empty is an error) and, when it is valid, the choice. No shelter to report on is a 403;
    a shelter outside the scope a 404, as if it did not exist."""
    scope = report_scope(user)
    code = query.get("shelter", "") or ""
    if code and code not in {shelter.code for shelter in scope}:
        raise Http404(_("Not found."))
    form = ReportForm(_with_defaults(query), shelters=scope)
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    start, end = data["start"], data["end"]
    shelters = run_reports.scope(user)
    if data["shelter"]:
        chosen = next(shelter for shelter in scope if shelter.code == data["shelter"])
        return form, Choice(
            shelters.filter(code=chosen.code), chosen.code, local_name(chosen), start, end, data["by_form"]
        )
    count = len(scope)
    label = ngettext("the %(count)s shelter in your scope", "all %(count)s shelters in your scope", count) % {
        "count": count
    }
    return form, Choice(shelters, "", label, start, end, data["by_form"])


def _with_defaults(query: Mapping[str, Any]) -> QueryDict:
    today = timezone.localdate()
    data = QueryDict(mutable=True)
    for name in ("shelter", "start", "end", "by_form"):
        if name in query:
            data[name] = query[name]
    data.setdefault("start", today.replace(month=1, day=1).isoformat())
    data.setdefault("end", today.isoformat())
    return data


def utilisation_step(start: dt.date, end: dt.date) -> Literal["month", "week"]:
    """Months for a period of more than three months, else weeks (the page's chart and table)."""
    return "month" if (end - start).days > 92 else "week"


def report_sheet(report: str, choice: Choice) -> exports.Sheet:
    """One report for the choice, as the sheet that the CSV, the XLSX and the API render."""
    shelters, start, end = choice.shelters, choice.start, choice.end
    title = exports.period_title(str(REPORTS[report]), start, end, choice.label)
    if report == "occupancy":
        return exports.occupancy_sheet(reports.occupancy(shelters, start, end), title)
    if report == "shelter-table":
        table = reports.shelter_table(shelters, start, end, by_exploitation=choice.by_form)
        return exports.shelter_table_sheet(table, title)
    if report == "non-residential":
        return exports.non_residential_sheet(reports.non_residential_table(shelters, start, end), title)
    if report == "by-year":
        years = reports.residents_by_year(shelters, start.year, end.year, by_exploitation=choice.by_form)
        return exports.by_year_sheet(years, title)
    if report == "utilisation":
        series = reports.utilisation_series(shelters, start, end, step=utilisation_step(start, end))
        return exports.utilisation_sheet(series, title)
    raise ValueError(f"No report {report!r}.")


def audit_export(request: Any, report: str, fmt: str, choice: Choice) -> None:
    """The export row of a download or an API answer (docs/audit.md), written before the answer:
    which report, in which format, for which shelter and period (counts only, no person)."""
    audit_record(
        actor=signed_in(request),
        action=AuditAction.EXPORT,
        object_type="shelter_report",
        object_id=f"{report}.{fmt}",
        fields=[f"shelter={choice.code or 'all'}", f"start={choice.start}", f"end={choice.end}"],
    )
