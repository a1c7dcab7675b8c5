"""A worker asks a shelter to admit her client; the shelter's staff accept (an admission through
`stay_admit`, in the same transaction) or decline with a reason. Each step writes the case
timeline and the audit row; the answer is final (a new need is a new request)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.actors import Staff
from accounts.models import AuditAction
from casework.choices import CaseStatus
from casework.models import Case
from casework.services.common import record, require
from core.errors import Conflict
from core.limits import REASON_MAX_LENGTH
from core.validation import required_text
from shelters import permissions
from shelters.models import AdmissionRequest, AdmissionRequestStatus, Bed, Shelter, Stay
from shelters.services.rules import _refuse
from shelters.services.stays import answer_request, stay_admit

NEEDED_WITHIN = timedelta(days=366)  # a request for a place more than a year ahead is a typo


@transaction.atomic
def admission_request_create(
    *, actor: Staff, case: Case, shelter: Shelter, needed_from: date, note: str = ""
) -> AdmissionRequest:
    """Ask `shelter` to admit the case's person from `needed_from`. The case's workers ask
    (404 for a case the actor cannot see, 403 for one they only read); one waiting request per
    case and shelter."""
    require(permissions.request_admission, actor, case, _("You cannot ask for a shelter place on this case."))
    if not shelter.is_active:
        _refuse("shelter", _("This shelter no longer admits residents."))
    if case.status == CaseStatus.CLOSED:
        _refuse("case", _("This case is closed; it must be reopened before an admission."))
    today = timezone.localdate()
    if needed_from < today:
        _refuse("needed_from", _("This date is in the past."))
    if needed_from > today + NEEDED_WITHIN:
        _refuse("needed_from", _("Ask at most a year ahead."))
    note = (note or "").strip()
    if len(note) > REASON_MAX_LENGTH:
        _refuse("note", _("At most %(max)d characters.") % {"max": REASON_MAX_LENGTH})
    admission = AdmissionRequest(case=case, shelter=shelter, needed_from=needed_from, note=note, requested_by=actor)
    try:
        with transaction.atomic():
            admission.save(force_insert=True)
    except IntegrityError as error:
        raise Conflict(_("A request to this shelter is already waiting for an answer.")) from error
    record(
        case,
        actor,
        "admission_requested",
        action=AuditAction.CREATE,
        obj=admission,
        shelter=shelter.code,
        request=str(admission.pk),
        needed_from=needed_from.isoformat(),
    )
    return admission


def _require_answer(actor: Staff, admission: AdmissionRequest) -> AdmissionRequest:
    """404 for a request the actor cannot see, 403 for one they see but whose shelter they do not
    work; then the row, locked, which must still be waiting (409 otherwise)."""
    permissions.answer_admission_request.require(
        actor,
        admission,
        _("Only the shelter's staff answer its admission requests."),
        seen=permissions.view_admission_request,
    )
    locked = (
        AdmissionRequest.objects.select_for_update(of=("self",)).select_related("shelter", "case").get(pk=admission.pk)
    )
    if locked.status != AdmissionRequestStatus.PENDING:
        raise Conflict(_("This request has already been answered."))
    return locked


@transaction.atomic
def admission_request_accept(
    *,
    actor: Staff,
    admission: AdmissionRequest,
    admitted_on: date,
    bed: Bed | None = None,
    planned_discharge_on: date | None = None,
) -> Stay:
    """Admit the person as asked: every rule of `stay_admit` applies, and the admission answers
    the request (stays._answer_requests), all or nothing."""
    locked = _require_answer(actor, admission)
    stay = stay_admit(
        actor=actor,
        shelter=locked.shelter,
        case=locked.case,
        admitted_on=admitted_on,
        bed=bed,
        planned_discharge_on=planned_discharge_on,
    )
    admission.refresh_from_db()
    return stay


@transaction.atomic
def admission_request_decline(*, actor: Staff, admission: AdmissionRequest, reason: str) -> AdmissionRequest:
    """Decline with a reason the worker reads on the case (the shelter is full, does not take
    this person)."""
    locked = _require_answer(actor, admission)
    reason = required_text(reason, field="reason", message=_("Say why the shelter cannot admit the person."))
    if len(reason) > REASON_MAX_LENGTH:
        _refuse("reason", _("At most %(max)d characters.") % {"max": REASON_MAX_LENGTH})
    answer_request(actor, locked, AdmissionRequestStatus.DECLINED, decline_reason=reason)
    return locked
