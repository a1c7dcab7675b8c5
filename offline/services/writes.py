"""Each kind of offline write, applied through the casework service that makes the same change
online: the same validation, permissions, timeline and audit. A handler gets the payload the
device queued and the unsaved SyncWrite row, and returns the answer (ids and codes only)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from accounts.actors import Staff
from accounts.models import AuditAction
from accounts.services import audit_record
from casework.models import Case, FollowUpVisit
from casework.permissions import view_case
from casework.services import assistance, attachments, cases, follow_ups, people, screening
from core.errors import ApplicationError, Conflict, not_found
from offline.models import SyncWrite, WriteKind, WriteStatus

# What the device may register or change of a person: the identity fields a field worker takes
# down; everything else waits for the office.
PERSON_TEXT = ("given_name_lo", "family_name_lo", "given_name_latin", "family_name_latin", "phone", "origin_village")
TEMP_PREFIX = "TMP-"
Handler = Callable[[Staff, dict[str, Any], SyncWrite], dict[str, Any]]


def invalid(name: str, message: str = "") -> ApplicationError:
    """The refusal of one field of a write, worded as the forms word it."""
    messages = [message or _("Enter a valid value.")]
    return ApplicationError(_("Please correct the errors below."), fields={name: messages})


def _text(payload: dict[str, Any], name: str, *, limit: int = 10_000) -> str:
    value = payload.get(name, "")
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > limit:
        raise invalid(name)
    return value


def _optional_date(payload: dict[str, Any], name: str) -> date | None:
    value = payload.get(name)
    return None if value in (None, "") else _date(payload, name)


def _date(payload: dict[str, Any], name: str) -> date:
    try:
        return date.fromisoformat(str(payload.get(name)))
    except ValueError:
        raise invalid(name, _("Enter a valid date.")) from None


def _uuid(value: Any, name: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise invalid(name) from None


def resolve_case(actor: Staff, ref: str) -> Case:
    """The case a write is about: its id, or the temporary code of an intake made on the device
    (applied earlier in the same queue: the device sends its writes in order)."""
    if ref.startswith(TEMP_PREFIX):
        intake = SyncWrite.objects.filter(user=actor, temp_code=ref, status=WriteStatus.APPLIED).first()
        if intake is None:
            raise not_found("case")
        ref = intake.answer["case_id"]
    try:
        return view_case.get(actor, Case.objects.select_related("person"), pk=ref)
    except ApplicationError:
        raise not_found("case") from None


def intake(actor: Staff, payload: dict[str, Any], row: SyncWrite) -> dict[str, Any]:
    temp_code = _text(payload, "temp_code", limit=40)
    if not temp_code.startswith(TEMP_PREFIX):
        raise invalid("temp_code")
    values: dict[str, Any] = {name: _text(payload, name, limit=200).strip() for name in PERSON_TEXT}
    values["sex"] = _text(payload, "sex", limit=10)
    values["date_of_birth"] = _optional_date(payload, "date_of_birth")
    age = payload.get("estimated_age")
    if age not in (None, ""):
        if not isinstance(age, int) or isinstance(age, bool):
            raise invalid("estimated_age", _("Enter a number."))
        values["estimated_age"] = age
    case = cases.case_open(
        actor=actor,
        category=_text(payload, "category", limit=30),
        identification_route=_text(payload, "identification_route", limit=30),
        identified_on=_date(payload, "identified_on"),
        person_values=values,
    )
    row.temp_code, row.case_code = temp_code, case.person.case_code
    return {"case_id": str(case.pk), "case_code": case.person.case_code, "temp_code": temp_code}


def note(actor: Staff, payload: dict[str, Any], row: SyncWrite) -> dict[str, Any]:
    case = resolve_case(actor, row.case_ref)
    kind = _text(payload, "kind", limit=20) or "general"
    added = assistance.note_add(actor=actor, case=case, text=_text(payload, "text"), kind=kind)
    return {"note_id": str(added.pk), "case_id": str(case.pk)}


def screening_write(actor: Staff, payload: dict[str, Any], row: SyncWrite) -> dict[str, Any]:
    case = resolve_case(actor, row.case_ref)
    chosen = payload.get("indicators") or []
    if not isinstance(chosen, list):
        raise invalid("indicators", _("Enter a list."))
    guardian = payload.get("guardian_or_social_worker_present")
    recorded = screening.screening_record(
        actor=actor,
        case=case,
        place=_text(payload, "place", limit=200),
        screened_on=_date(payload, "screened_on"),
        indicators=[(str(code), "") for code in chosen],
        outcome=_text(payload, "outcome", limit=30) or None,
        override_reason=_text(payload, "override_reason"),
        notes=_text(payload, "notes"),
        guardian_or_social_worker_present=guardian if isinstance(guardian, bool) else None,
    )
    return {"screening_id": str(recorded.pk), "case_id": str(case.pk), "suggested": recorded.suggested_outcome}


def visit(actor: Staff, payload: dict[str, Any], row: SyncWrite) -> dict[str, Any]:
    case = resolve_case(actor, row.case_ref)
    found = FollowUpVisit.objects.filter(pk=_uuid(payload.get("visit_id"), "visit_id"), case=case).first()
    if found is None:
        raise not_found("visit_id")
    follow_ups.follow_up_record(
        actor=actor,
        visit=found,
        done_on=_date(payload, "done_on"),
        notes=_text(payload, "notes"),
        place=_text(payload, "place", limit=200),
        met_with=_text(payload, "met_with", limit=200),
        wellbeing=_text(payload, "wellbeing", limit=20),
    )
    return {"visit_id": str(found.pk), "case_id": str(case.pk)}


def person_change(actor: Staff, payload: dict[str, Any], row: SyncWrite) -> dict[str, Any]:
    """Changes to identity fields, each with the value the device saw (`base`). A field someone
    else changed since is never overwritten: it waits, with both values, for the worker's choice
    (a later write that `resolves` this one); the fields nobody else touched are applied."""
    case = resolve_case(actor, row.case_ref)
    person = case.person
    base, changes = payload.get("base") or {}, payload.get("changes") or {}
    if not isinstance(base, dict) or not isinstance(changes, dict) or set(changes) - set(PERSON_TEXT):
        raise invalid("changes")
    wanted = {name: _text(changes, name, limit=200).strip() for name in changes}
    current = {name: getattr(person, name) or "" for name in wanted}
    conflicts = {
        name: {"server": current[name], "device": value}
        for name, value in wanted.items()
        if current[name] != (base.get(name) or "") and current[name] != value
    }
    apply = {name: value for name, value in wanted.items() if name not in conflicts and value != current[name]}
    if apply:
        people.person_update(actor=actor, person=person, **apply)
    _close_resolved(actor, payload.get("resolves"))
    answer: dict[str, Any] = {"case_id": str(case.pk), "applied": sorted(apply)}
    if conflicts:
        audit_record(actor=actor, action=AuditAction.VIEW, obj=person, fields=sorted(conflicts))
        row.status, row.conflict = WriteStatus.CONFLICT, json.dumps(conflicts)
        answer["conflicts"] = sorted(conflicts)
    return answer


def photo(actor: Staff, payload: dict[str, Any], row: SyncWrite) -> dict[str, Any]:
    """A photo of a document taken on the device, added as any upload is (attachment_add: the
    size limit, the type from the content, EXIF and GPS dropped). The file arrives as multipart
    (api.sync_photo puts it in the payload): a JSON write has no file and is refused."""
    case = resolve_case(actor, row.case_ref)
    if not isinstance(payload.get("file"), UploadedFile):
        raise invalid("file", _("Take a photo first."))
    added = attachments.attachment_add(
        actor=actor,
        owner_type="case",
        owner_id=case.pk,
        kind=_text(payload, "kind", limit=30),
        file=payload["file"],
        description=_text(payload, "description", limit=200),
    )
    return {"attachment_id": str(added.pk), "case_id": str(case.pk)}


def _close_resolved(actor: Staff, key: Any) -> None:
    """The worker chose between the values of an earlier write's conflict: it is settled, and
    the values it kept are dropped."""
    if key is None:
        return
    key = _uuid(key, "resolves")
    updated = SyncWrite.objects.filter(pk=key, user=actor, kind=WriteKind.PERSON, status=WriteStatus.CONFLICT).update(
        status=WriteStatus.RESOLVED, conflict=""
    )
    if updated != 1 and not SyncWrite.objects.filter(pk=key, user=actor, status=WriteStatus.RESOLVED).exists():
        raise Conflict(_("This conflict is not waiting for a choice."))


HANDLERS: dict[str, Handler] = {
    WriteKind.INTAKE: intake,
    WriteKind.NOTE: note,
    WriteKind.SCREENING: screening_write,
    WriteKind.VISIT: visit,
    WriteKind.PERSON: person_change,
    WriteKind.PHOTO: photo,
}
