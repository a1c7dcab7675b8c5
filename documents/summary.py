"""The case summary, built once for both ways of printing it (the print page and the PDF): the
person, the case, the screening outcome, services, stays, referrals and repatriation steps, each
read through the permission that governs the same tab of the case page. A police reader gets no
health service, counselling included (view_service), and no health referral (case_referrals);
tier-3 notes are never part of a summary."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db.models import Prefetch
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _

from casework import permissions
from casework.models import Case, RepatriationStep
from casework.templatetags.casework import step_title
from core.pages import local_name
from documents.content import Document, Section
from referrals.selectors import case_referrals
from shelters.permissions import view_stay

DASH = " \N{EN DASH} "  # between the first and the last day


def day(value: date | datetime | None) -> str:
    """Day/month/year, the one date format of every page and document."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    return dateformat.format(value, "d/m/Y")


def person_name(user: Any, case: Case) -> str:
    """The person's names (both scripts) for a reader who may see who this is; else nothing."""
    person = case.person
    if not permissions.view_identity(user, person):
        return ""
    lao = " ".join(part for part in (person.given_name_lo, person.family_name_lo) if part)
    latin = " ".join(part for part in (person.given_name_latin, person.family_name_latin) if part)
    return " / ".join(part for part in (lao, latin) if part)


def person_section(user: Any, case: Case) -> Section:
    person = case.person
    identity = permissions.view_identity(user, person)
    rows = [(_("Case code"), person.case_code)]
    if identity:
        rows.append((_("Name"), person_name(user, case)))
        if person.date_of_birth:
            rows.append((_("Date of birth"), day(person.date_of_birth)))
        elif person.estimated_age is not None:
            rows.append((_("Estimated age"), str(person.estimated_age)))
    rows += [(_("Sex"), person.get_sex_display()), (_("Nationality"), local_name(person.nationality))]
    if identity and person.origin_province_id:
        origin = ", ".join(filter(None, [local_name(person.origin_district), local_name(person.origin_province)]))
        rows.append((_("Place of origin"), origin))
    return Section(_("Person"), rows)


def case_section(case: Case) -> Section:
    rows = [
        (_("Category"), case.get_category_display()),
        (_("Status"), case.get_status_display()),
        (_("Organisation"), local_name(case.owner)),
        (_("Identified on"), day(case.identified_on)),
        (_("How identified"), case.get_identification_route_display()),
    ]
    worker = case.assigned_worker
    if worker is not None:
        rows.append((_("Social worker"), worker.get_full_name() or worker.username))
    if case.exploitation_country_id:
        rows.append((_("Country of exploitation"), local_name(case.exploitation_country)))
    return Section(_("Case"), rows)


def screening_section(user: Any, case: Case) -> Section:
    screenings = permissions.view_screening.scope(user).filter(case=case).order_by("-screened_on", "-id")
    rows = []
    for screening in screenings:
        outcome = screening.get_outcome_display()
        if screening.decided_on:
            outcome += " · " + _("decided on %(day)s") % {"day": day(screening.decided_on)}
        rows.append((day(screening.screened_on), outcome))
    return Section(_("Screening outcome"), rows, _("No screening recorded."))


def services_section(user: Any, case: Case) -> Section:
    services = (
        permissions.view_service.scope(user).filter(case=case).select_related("service_type").order_by("created_at")
    )
    rows = []
    for service in services:
        when = DASH.join(filter(None, [day(service.started_on or service.planned_on), day(service.ended_on)]))
        rows.append((local_name(service.service_type), " · ".join(filter(None, [service.get_status_display(), when]))))
    return Section(_("Services"), rows, _("No service recorded."))


def stays_section(user: Any, case: Case) -> Section:
    stays = view_stay.scope(user).filter(case=case).select_related("shelter").order_by("-created_at")
    rows = []
    for stay in stays:
        until = day(stay.during.upper) if stay.during.upper else _("still staying")
        rows.append((local_name(stay.shelter), f"{day(stay.during.lower)}{DASH}{until}"))
    return Section(_("Shelter stays"), rows, _("No stay recorded."))


def referrals_section(user: Any, case: Case) -> Section:
    rows = []
    for referral in case_referrals(user=user, case=case):
        services = ", ".join(local_name(service) for service in referral.service_types.all())
        sent = _("sent on %(day)s") % {"day": day(referral.sent_at)} if referral.sent_at else ""
        value = " · ".join(filter(None, [services, referral.get_status_display(), sent]))
        rows.append((local_name(referral.to_organisation), value))
    return Section(_("Referrals"), rows, _("No referral recorded."))


def repatriation_sections(user: Any, case: Case) -> list[Section]:
    trips = (
        permissions.view_repatriation.scope(user)
        .filter(case=case)
        .select_related("from_country")
        .prefetch_related(Prefetch("steps", queryset=RepatriationStep.objects.order_by("position")))
    )
    sections = []
    for trip in trips:
        rows = [(_("From"), local_name(trip.from_country)), (_("Status"), trip.get_status_display())]
        for step in trip.steps.all():
            step.repatriation = trip
            when = day(step.done_on) or (_("due %(day)s") % {"day": day(step.due_on)} if step.due_on else "")
            rows.append((step_title(step), " · ".join(filter(None, [step.get_status_display(), when]))))
        sections.append(Section(_("Repatriation steps"), rows))
    return sections or [Section(_("Repatriation steps"), [], _("No repatriation."))]


def printed_line(user: Any) -> str:
    return _("Printed on %(day)s by %(user)s. Confidential.") % {
        "day": day(timezone.now()),
        "user": user.get_full_name() or user.username,
    }


def case_summary(*, user: Any, case: Case) -> Document:
    """The summary of a case the caller already reached through view_case (the view checks and
    audits): each section as the same tab of the case page would show it to this reader."""
    return Document(
        kind="case_summary",
        title=_("Case summary"),
        case_code=case.person.case_code,
        sections=[
            person_section(user, case),
            case_section(case),
            screening_section(user, case),
            services_section(user, case),
            stays_section(user, case),
            referrals_section(user, case),
            *repatriation_sections(user, case),
        ],
        printed=printed_line(user),
    )
