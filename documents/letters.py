"""The documents printed for someone outside Pathway: a referral letter for a partner without
the system, the repatriation file of a return from Thailand, and a consent form pre-filled for
signature. Each is built for a reader who already reached the case and the record through their
permissions (documents.views and documents.api check and audit), and withholds the same things
the case page withholds from that reader (health content from police)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from casework import health, permissions
from casework.models import Case, Repatriation
from casework.templatetags.casework import step_title
from core.pages import local_name
from documents.content import Document, Section
from documents.seal import HANDOVER_STEP, signature_blocks
from documents.summary import day, person_name, person_section, printed_line
from referrals import coverage
from referrals.models import Consent, Referral

COORDINATION_STEPS = ("return_coordination", "nationality_verification_travel_documents")


def referral_letter(*, user: Any, case: Case, referral: Referral) -> Document:
    """What the receiving organisation needs to act, and only the data categories the referral
    shares (the consent covers them); the reason is withheld from a reader without health when it
    may describe health."""
    services = list(referral.service_types.all())  # health types already left out (case_referrals)
    about_health = health.about_health(services, referral.shared_categories)
    health_visible = permissions.view_health.allows(user, case)
    rows = [(_("Case code"), case.person.case_code)]
    if "identity" in referral.shared_categories:
        rows += [(_("Name"), person_name(user, case)), (_("Sex"), case.person.get_sex_display())]
    if "origin" in referral.shared_categories and case.person.origin_province_id:
        rows.append((_("Province of origin"), local_name(case.person.origin_province)))
    request = [
        (_("Services requested"), ", ".join(local_name(service) for service in services)),
        (_("Urgency"), referral.get_urgency_display()),
    ]
    if health_visible or not about_health:
        request.append((_("Reason"), referral.reason))
    if referral.consent is not None:
        request.append((_("Consent given on"), day(referral.consent.given_at)))
    categories = referral.shared_categories if health_visible else health.without_health(referral.shared_categories)
    request.append((_("Information shared"), ", ".join(str(label) for label in coverage.category_labels(categories))))
    sender = referral.from_worker.get_full_name() or referral.from_worker.username
    return Document(
        kind="referral_letter",
        title=_("Referral letter"),
        case_code=case.person.case_code,
        intro=_(
            "To %(receiver)s: %(sender)s of %(organisation)s refers the person below to you for the services "
            "listed. Please keep this letter confidential and tell us when the service starts."
        )
        % {
            "receiver": local_name(referral.to_organisation),
            "sender": sender,
            "organisation": local_name(referral.from_organisation),
        },
        sections=[Section(_("Person"), rows), Section(_("Referral"), request)],
        printed=printed_line(user),
    )


def repatriation_file(*, user: Any, case: Case, trip: Repatriation) -> Document:
    """The file that travels with a person returning from Thailand: who she is, how her
    nationality was verified, the family assessment, the travel document step and the handover."""
    steps = {step.code: step for step in trip.steps.all()}
    for step in steps.values():
        step.repatriation = trip
    coordination = next((steps[code] for code in COORDINATION_STEPS if code in steps), None)
    handover = steps.get(HANDOVER_STEP)

    def step_rows(step: Any) -> list[tuple[str, str]]:
        if step is None:
            return []
        rows = [(_("Step"), step_title(step)), (_("Status"), step.get_status_display())]
        if step.done_on:
            rows.append((_("Done on"), day(step.done_on)))
        elif step.due_on:
            rows.append((_("Due on"), day(step.due_on)))
        if step.responsible_in_laos_id:
            rows.append((_("Responsible in Lao PDR"), local_name(step.responsible_in_laos)))
        if step.responsible_abroad:
            rows.append((_("Responsible abroad"), step.responsible_abroad))
        if step.notes:
            rows.append((_("Notes"), step.notes))
        return rows

    person = person_section(user, case)
    assessment = [(_("Result"), trip.get_family_assessment_display() or _("Not assessed yet"))]
    if trip.family_assessment_notes:
        assessment.append((_("Notes"), trip.family_assessment_notes))
    if trip.destination:
        assessment.append((_("Return to"), trip.get_destination_display()))
    handover_rows = [(_("Returning from"), local_name(trip.from_country))]
    if trip.partner_abroad:
        handover_rows.append((_("Partner abroad"), trip.partner_abroad))
    if trip.border_point_id:
        handover_rows.append((_("Border point"), local_name(trip.border_point)))
    verification = [(_("Nationality"), local_name(case.person.nationality)), *step_rows(coordination)]
    return Document(
        kind="repatriation_file",
        title=_("Repatriation file"),
        case_code=case.person.case_code,
        sections=[
            person,
            Section(_("Nationality verification"), verification),
            Section(_("Family assessment"), assessment),
            Section(_("Travel document"), step_rows(coordination), _("No travel document step in this return.")),
            Section(_("Handover"), handover_rows + step_rows(handover)),
        ],
        signatures=signature_blocks(handover, label=_("Received by"), signed_at=day) if handover else [],
        printed=printed_line(user),
    )


def consent_form(*, user: Any, case: Case, consent: Consent) -> Document:
    """The consent as recorded, worded for the person (or guardian) to sign."""
    services = list(consent.service_types.all())
    withheld = not permissions.view_health.allows(user, case) and health.about_health(services, consent.data_categories)
    categories = health.without_health(consent.data_categories) if withheld else consent.data_categories
    rows = [
        (_("Case code"), case.person.case_code),
        (_("Name"), person_name(user, case)),
        (_("Organisation that may receive the information"), local_name(consent.recipient)),
        (_("Information"), ", ".join(str(label) for label in coverage.category_labels(categories))),
        (_("Services"), ", ".join(local_name(s) for s in services if not (withheld and s.health))),
        (_("Purpose"), consent.purpose),
        (_("Given by"), consent.get_given_by_display()),
        (_("Given on"), day(consent.given_at)),
    ]
    guardian = consent.guardian
    if guardian is not None:
        rows.append((_("Guardian"), f"{guardian.get_relationship_display()}: {guardian.name}"))
    if consent.expires_at:
        rows.append((_("Valid until"), day(consent.expires_at)))
    if consent.withdrawn_at:
        rows.append((_("Withdrawn on"), day(consent.withdrawn_at)))
    return Document(
        kind="consent_form",
        title=_("Consent to share information"),
        case_code=case.person.case_code,
        intro=_(
            "I agree that the organisation named below may receive the information listed, for the services and "
            "the purpose written here. I may withdraw this consent at any time by telling my social worker."
        ),
        sections=[Section(_("Consent"), rows)],
        signatures=signature_blocks(consent, label=_("Signature"), signed_at=day),
        printed=printed_line(user),
    )
