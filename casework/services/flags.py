"""Risk flags on a case (issue 20.2): raise one (or the same on several cases at once), clear
it with a reason. Each write checks `permissions.raise_flag` and writes the audit row and the
timeline row (level only, never the reason) in one transaction. An urgent flag alerts the
case's assigned worker and its organisation's managers at once, in the app and by e-mail (the
alert carries the case code only: notifications/alerts.py); clearing it resolves the alert."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.actors import Staff
from accounts.models import AuditAction, Role, User
from casework import permissions
from casework.choices import RiskLevel
from casework.models import Case, CaseFlag
from casework.services.common import record, require
from core.errors import ApplicationError
from notifications.alerts import resolve_alert, send_alert
from notifications.registry import Alert

REASON_MAX_LENGTH = 500
ALERT = Alert(
    code="urgent_flag",
    title=gettext_lazy("Urgent risk on a case"),
    message=gettext_lazy("This case was flagged as an urgent risk. Open the case to see the flag."),
)


def _validate(level: str, reason: str, review_by: date | None, today: date) -> None:
    errors: dict[str, list[str]] = {}
    if level not in RiskLevel.values:
        errors["level"] = [_("Choose a risk level.")]
    if not reason:
        errors["reason"] = [_("Say what the risk is (without names).")]
    elif len(reason) > REASON_MAX_LENGTH:
        errors["reason"] = [_("At most %(n)d characters.") % {"n": REASON_MAX_LENGTH}]
    if review_by is not None and review_by < today:
        errors["review_by"] = [_("The review date cannot be in the past.")]
    if errors:
        raise ApplicationError(_("Please correct the errors below."), fields=errors)


def alert_recipients(case: Case) -> Any:
    """The case's assigned worker and the active managers of its organisation."""
    return User.objects.filter(is_active=True).filter(
        Q(pk=case.assigned_worker_id) | Q(organisation_id=case.owner_id, roles__contains=[Role.MANAGER])
    )


def _raise(actor: Staff, case: Case, level: str, reason: str, review_by: date | None, now: datetime) -> CaseFlag:
    flag = CaseFlag.objects.create(
        case=case, level=level, reason=reason, review_by=review_by, raised_by=actor, raised_at=now
    )
    record(case, actor, "flag_raised", action=AuditAction.CREATE, obj=flag, level=level)
    if level == RiskLevel.URGENT:
        send_alert(
            ALERT,
            object_id=flag.pk,
            case_id=case.pk,
            case_code=case.person.case_code,
            organisation_id=case.owner_id,
            users=alert_recipients(case).exclude(pk=actor.pk),
            now=now,
        )
    return flag


@transaction.atomic
def case_flag_raise(
    *, actor: Staff, case: Case, level: str, reason: str, review_by: date | None = None, now: datetime | None = None
) -> CaseFlag:
    require(permissions.raise_flag, actor, case, _("You cannot flag this case."))
    now = now or timezone.now()
    reason = (reason or "").strip()
    _validate(level, reason, review_by, timezone.localdate(now))
    return _raise(actor, case, level, reason, review_by, now)


@transaction.atomic
def case_flag_clear(*, actor: Staff, flag: CaseFlag, reason: str, now: datetime | None = None) -> CaseFlag:
    require(permissions.raise_flag, actor, flag.case, _("You cannot clear this case's flags."))
    if flag.cleared_at is not None:
        raise ApplicationError(_("This flag is already cleared."))
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Please correct the errors below."), fields={"reason": [_("Say why.")]})
    if len(reason) > REASON_MAX_LENGTH:
        raise ApplicationError(
            _("Please correct the errors below."),
            fields={"reason": [_("At most %(n)d characters.") % {"n": REASON_MAX_LENGTH}]},
        )
    now = now or timezone.now()
    flag.cleared_by, flag.cleared_at, flag.clear_reason = actor, now, reason
    flag.save(update_fields=["cleared_by", "cleared_at", "clear_reason"])
    record(flag.case, actor, "flag_cleared", obj=flag, fields=["cleared_at"], level=flag.level)
    resolve_alert(ALERT, object_id=flag.pk, now=now)
    return flag


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


@dataclass
class BulkResult:
    flagged: list[CaseFlag] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # case codes the actor sees but may not flag
    not_found: int = 0  # ids of cases the actor cannot see (or that do not exist)


@transaction.atomic
def case_flags_raise_many(
    *,
    actor: Staff,
    case_ids: Iterable[Any],
    level: str,
    reason: str,
    review_by: date | None = None,
    now: datetime | None = None,
) -> BulkResult:
    """The same flag on several cases, in one transaction: the cases the actor may flag are
    flagged; the others are listed (by code when the actor sees them, counted otherwise)."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    _validate(level, reason, review_by, timezone.localdate(now))
    wanted = {str(case_id) for case_id in case_ids}
    valid = [case_id for case_id in wanted if _is_uuid(case_id)]
    if not wanted:
        raise ApplicationError(_("Choose at least one case."), fields={"cases": [_("Choose at least one case.")]})
    visible = list(
        permissions.view_case.scope(actor, Case.objects.select_related("person"))
        .filter(pk__in=valid)
        .order_by("person__case_code")
    )
    result = BulkResult(not_found=len(wanted) - len(visible))
    for case in visible:
        if permissions.raise_flag.allows(actor, case):
            result.flagged.append(_raise(actor, case, level, reason, review_by, now))
        else:
            result.refused.append(case.person.case_code)
    return result
