"""A subject access request: everything Pathway holds about one person, as one JSON document,
for a manager over one of the person's cases (casework.permissions.export_person).

Like every export of personal data it is audited (one row: the person, the sections, how many
records, the format) in the same transaction, and a child's record (a case identified while
under 18) is never exported (docs/design/access.md). The export covers the cases in the manager's own scope
(not those read through an emergency grant) and says how many others exist; tier-3 notes
(counselling, medical) keep their text back unless the manager is also the assigned counsellor,
and are listed so the request can be completed by them; the timeline passes the same tier rule
as on screen (casework.selectors.case_timeline).
Other apps add their sections (stays, consents, referrals) through casework.extensions."""

from __future__ import annotations

import json
import tempfile
import zipfile
from typing import IO, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.actors import Staff
from accounts.models import AuditAction
from accounts.services import audit_record
from casework import extensions, permissions, selectors
from casework.assessment_permissions import view_assessment
from casework.attachment_permissions import view_attachment
from casework.models import Case, Person
from casework.models.cases import DATABASE_KEPT
from casework.models.people import NAME_INDEX_FIELDS
from casework.privacy import as_record
from casework.services.attachments import attachment_read
from casework.timeline import CASE_EVENTS
from core import uploads
from core.errors import NotFound, PermissionDenied

FORMAT = "pathway-subject-access/1"
WITHHELD = "[withheld: tier 3, only the assigned counsellor may read it]"


def child_records(person: Person) -> bool:
    """Was the person under 18 when one of their cases was identified?"""
    return person.cases.filter(child_at_identification=True).exists()


@transaction.atomic
def subject_access_export(*, actor: Staff, person: Person, fmt: str = "json") -> dict[str, Any]:
    if not permissions.view_person.allows(actor, person):
        raise NotFound(_("Not found."))
    if not permissions.export_person.allows(actor, person):
        raise PermissionDenied(_("Only a manager of one of the person's cases may export their data."))
    if child_records(person):
        raise PermissionDenied(
            _("A child's record is never exported. Show it on screen with the guardian or the best-interest officer.")
        )
    # The cases in the manager's own scope: an emergency grant reads tiers 1-2 on screen, and an
    # export holds the health services too (view_health, the rule every representation follows).
    visible = list(
        permissions.view_health.scope(actor, Case.objects.filter(person=person))
        .prefetch_related("exploitation_forms")
        .order_by("identified_on", "id")
    )
    case_ids = [case.pk for case in visible]
    document: dict[str, Any] = {
        "format": FORMAT,
        "generated_at": timezone.now(),
        "person": as_record(person, exclude=NAME_INDEX_FIELDS),
        "records_merged_into_this_one": [as_record(p, exclude=NAME_INDEX_FIELDS) for p in person.merged.all()],
        "family": [as_record(member) for member in person.family.all()],
        "cases": [_case(actor, case) for case in visible],
        "cases_outside_your_scope": person.cases.count() - len(visible),
    }
    for other in sorted(extensions.PERSON_RECORDS.values(), key=lambda r: r.key):
        document.update(other.collect(person, case_ids))
    count = _count(document)
    audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        obj=person,
        fields=[key for key in document if key not in ("format", "generated_at")],
        reason=f"subject access request: {count} records, {fmt}",
    )
    return document


def _case(actor: Staff, case: Case) -> dict[str, Any]:
    notes = []
    readable = set(permissions.view_note.scope(actor).filter(case=case).values_list("pk", flat=True))
    for note in case.notes.order_by("written_at", "id"):
        record = as_record(note)
        if note.pk not in readable:
            record["text"] = WITHHELD
        notes.append(record)
    plan = case.plan if hasattr(case, "plan") else None  # the reverse one-to-one raises when absent
    return {
        **as_record(case, exclude=DATABASE_KEPT),  # the notes below say when the case was last written in
        "exploitation_forms": [form.pk for form in case.exploitation_forms.all()],
        "screenings": [
            {**as_record(s), "indicators": [as_record(i, exclude=["screening"]) for i in s.observed.all()]}
            for s in case.screenings.order_by("screened_on", "created_at")
        ],
        "services": [as_record(s) for s in case.services.order_by("created_at", "id")],
        "notes": notes,
        "plan": {
            **as_record(plan),
            "goals": [as_record(g) for g in plan.goals.all()],
            "approved_versions": [as_record(v) for v in plan.versions.all()],
        }
        if plan
        else None,
        "follow_up_visits": [as_record(v) for v in case.follow_ups.all()],
        "assessments": _assessments(actor, case),
        "repatriations": [
            {**as_record(r), "steps": [as_record(s) for s in r.steps.order_by("position")]}
            for r in case.repatriations.order_by("started_at")
        ],
        "transfers": [as_record(t) for t in case.transfers.order_by("requested_at")],
        "shares": [as_record(s) for s in case.shares.order_by("granted_at")],
        # Her legal proceedings and hearings (tier 2); the perpetrators are other people's records.
        "legal_proceedings": [
            {**as_record(p), "hearings": [as_record(h) for h in p.hearings.order_by("held_on", "id")]}
            for p in case.proceedings.order_by("recorded_at", "id")
        ],
        "timeline": [
            {**as_record(e), "label": CASE_EVENTS.label(e.kind)}
            for e in selectors.timeline_shown(
                user=actor, case=case, events=selectors.case_timeline(user=actor, case=case).order_by("at", "id")
            )
        ],
    }


def _assessments(actor: Staff, case: Case) -> list[dict[str, Any]]:
    """Every assessment of the case, on its version; the answers of a form whose tier the manager
    may not read (wellbeing: the assigned counsellor's) held back, like tier-3 notes."""
    readable = set(view_assessment.scope(actor, case.assessments.all()).values_list("pk", flat=True))
    rows = []
    for assessment in case.assessments.select_related("version__questionnaire").order_by("assessed_on", "recorded_at"):
        record = as_record(assessment) | {
            "questionnaire": assessment.version.questionnaire.code,
            "version": assessment.version.number,
        }
        if assessment.pk not in readable:
            record |= {"answers": WITHHELD, "score": None}
        rows.append(record)
    return rows


def _count(value: Any) -> int:
    """Records in the document: every dict with an id."""
    if isinstance(value, dict):
        return int("id" in value) + sum(_count(v) for v in value.values())
    if isinstance(value, list):
        return sum(_count(v) for v in value)
    return 0


@transaction.atomic
def subject_access_archive(*, actor: Staff, person: Person) -> IO[bytes]:
    """The export with the files: a ZIP holding `subject-access.json` (the export, in the same
    form as the JSON download) and every attached file it lists that the requester may read now,
    decrypted, named `files/<kind>-<id>.<ext>` (never the uploaded file's name). The export's
    audit row and a read row for each file are written in this transaction: no row, no archive.
    Written to a temporary file (rewound, for the response to stream): memory holds one file at
    a time, not the archive."""
    document = subject_access_export(actor=actor, person=person, fmt="zip")
    listed = [row["id"] for row in document.get("attachments", [])]
    readable = {str(pk) for pk in view_attachment.scope(actor).filter(pk__in=listed).values_list("pk", flat=True)}
    out = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the response, which closes it
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "subject-access.json", json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
        )
        for attachment_id in listed:
            if attachment_id not in readable:
                continue
            attachment, content = attachment_read(actor=actor, attachment_id=attachment_id)
            extension = uploads.ALLOWED.get(attachment.content_type, "bin")
            archive.writestr(f"files/{attachment.kind}-{attachment.pk}.{extension}", content)
    out.seek(0)
    return out
