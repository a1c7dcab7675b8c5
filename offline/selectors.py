"""Reads of the offline app: the cases a worker may take, and the copy of each chosen case the
device stores (encrypted) until its next sync. Every read of identity is audited; taking cases
to a device is audited with the device's id as the reason, so the log says which cases a lost
device held."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from accounts.actors import Staff
from accounts.models import AuditAction
from accounts.services import audit_record_many
from casework.models import PERSON_IDENTITY_FIELDS, Case, CaseNote, FollowUpVisit, Indicator, Screening
from casework.permissions import view_health, view_note
from casework.screening_rule import definition
from casework.selectors import record_identity_read
from casework.services.screening import load_thresholds
from core.errors import PermissionDenied
from offline.models import Device
from offline.permissions import can_work_offline, take_case
from offline.services.writes import PERSON_TEXT

LIST_LIMIT = 200  # a worker's own open cases; more than a phone should carry
NOTES_KEPT = 20  # the latest notes of a case travel with it


def takeable_cases(*, actor: Staff) -> list[Case]:
    if not can_work_offline(actor):
        raise PermissionDenied(_("The field app is for case workers."))
    cases = list(
        take_case.scope(actor, Case.objects.select_related("person")).order_by("-created_at", "id")[:LIST_LIMIT]
    )
    record_identity_read(user=actor, objects=[case.person for case in cases])
    return cases


def case_bundles(*, actor: Staff, device: Device, case_ids: list[str]) -> list[dict[str, Any]]:
    """The chosen cases as the device keeps them: tier 1 and identity, the notes the worker may
    read (tier 3 only for the assigned counsellor), the visits still to make, the screenings."""
    notes = view_note.scope(actor, CaseNote.objects.order_by("-written_at"))
    cases = list(
        take_case.scope(actor, Case.objects.select_related("person"))
        .filter(pk__in=case_ids)
        .prefetch_related(
            Prefetch("notes", queryset=notes, to_attr="visible_notes"),
            Prefetch("follow_ups", queryset=FollowUpVisit.objects.filter(done_on__isnull=True).order_by("due_on")),
            Prefetch("screenings", queryset=Screening.objects.order_by("-screened_on")),
        )
    )
    audit_record_many(
        actor=actor,
        action=AuditAction.EXPORT,
        objects=[case.person for case in cases],
        fields=PERSON_IDENTITY_FIELDS,
        reason=f"offline: device {device.pk}",
    )
    # the cases where a photo may be of a medical document (attachment_add asks the same rule)
    health = set(
        view_health.scope(actor, Case.objects.filter(pk__in=[case.pk for case in cases])).values_list("pk", flat=True)
    )
    return [_bundle(case, health_files=case.pk in health) for case in cases]


def _bundle(case: Case, *, health_files: bool) -> dict[str, Any]:
    """`health_files`: may the worker add a medical document (a photo of one) to this case."""
    person = case.person
    return {
        "id": str(case.pk),
        "code": person.case_code,
        "category": case.category,
        "status": case.status,
        "health_files": health_files,
        "identified_on": case.identified_on.isoformat(),
        "exploitation_started_on": _iso(case.exploitation_started_on),
        "person": {
            **{name: getattr(person, name) or "" for name in PERSON_TEXT},
            "sex": person.sex,
            "date_of_birth": _iso(person.date_of_birth),
            "estimated_age": person.estimated_age,
            "age_estimated_on": _iso(person.age_estimated_on),
        },
        "notes": [
            {"kind": note.kind, "text": note.text, "written_at": note.written_at.isoformat()}
            for note in case.visible_notes[:NOTES_KEPT]  # type: ignore[attr-defined]
        ],
        "visits": [{"id": str(visit.pk), "due_on": visit.due_on.isoformat()} for visit in case.follow_ups.all()],
        "screenings": [
            {"screened_on": item.screened_on.isoformat(), "outcome": item.outcome} for item in case.screenings.all()
        ],
    }


def _iso(value: Any) -> str:
    return value.isoformat() if value else ""


def screening_rule() -> dict[str, Any]:
    """The COMMIT rule as the server applies it now (casework.screening_rule.definition)."""
    return definition(load_thresholds(), Indicator.objects.filter(active=True).order_by("element", "code"))


def indicator_labels() -> list[dict[str, str]]:
    rows = Indicator.objects.filter(active=True).order_by("element", "dimension", "code")
    return [
        {"code": row.code, "element": row.element, "applies_to": row.applies_to, "en": row.text_en, "lo": row.text_lo}
        for row in rows
    ]
