"""Emergency access (docs/design/access.md: break-glass): a manager or administrator opens one case outside
their scope by giving a reason. The grant is read-only (tiers 1-2), lasts
settings.BREAK_GLASS_HOURS (1 hour by default), is written to the audit log with the reason
(AuditAction.BREAK_GLASS), shows on the case's timeline, and alerts the owning organisation's
managers in the app and by e-mail (case code and link only). While it lasts, every read of the
case's identity is audited with the grant's reason (casework.selectors.record_identity_read).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.actors import Staff
from accounts.models import AuditAction, Role, User
from accounts.services import audit_record
from casework import timeline
from casework.models import BreakGlassGrant, Case
from casework.permissions import BREAK_GLASS_ROLES, forget_grants, view_case
from core.errors import ApplicationError, PermissionDenied
from core.permissions import has_role
from notifications.alerts import send_alert
from notifications.registry import Alert

REASON_MAX_LENGTH = 2000
ALERT = Alert(
    code="break_glass",
    title=gettext_lazy("Emergency access"),
    message=gettext_lazy(
        "Someone outside your organisation opened this case through emergency access. "
        "The reason is in the case's access log."
    ),
)


def grant_duration() -> timedelta:
    return timedelta(hours=getattr(settings, "BREAK_GLASS_HOURS", 1))


@transaction.atomic
def break_glass_open(*, actor: Staff, case_code: str, reason: str, now: datetime | None = None) -> BreakGlassGrant:
    """Open the case with this code (the person's latest case) for `actor` for one grant
    duration. Refused (400, per field) without a reason or for an unknown code, and for a case
    the actor can already open; only managers and administrators may do this at all (403)."""
    if not has_role(actor, *BREAK_GLASS_ROLES):
        raise PermissionDenied(_("Only managers and administrators can use emergency access."))
    now = now or timezone.now()
    code, reason = (case_code or "").strip().upper(), (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = [_("Say why you must open this case now.")]
    elif len(reason) > REASON_MAX_LENGTH:
        errors["reason"] = [_("At most %(n)d characters.") % {"n": REASON_MAX_LENGTH}]
    case = None
    if not code:
        errors["case_code"] = [_("This field is required.")]
    else:
        case = (
            Case.objects.select_related("person").filter(person__case_code=code).order_by("-created_at", "id").first()
        )
        if case is None:
            errors["case_code"] = [_("No case has this code.")]
        elif view_case.allows(actor, case):
            errors["case_code"] = [_("You can already open this case; no emergency access is needed.")]
    if errors:
        raise ApplicationError(_("Please correct the errors below."), fields=errors)
    assert case is not None
    grant = BreakGlassGrant.objects.create(
        user=actor, case=case, reason=reason, starts_at=now, expires_at=now + grant_duration()
    )
    forget_grants(actor)
    audit_record(actor=actor, action=AuditAction.BREAK_GLASS, obj=case, fields=["expires_at"], reason=reason)
    # The timeline says that it happened and until when; the reason stays in the access log.
    timeline.write(case, actor, "break_glass", grant=str(grant.pk), until=grant.expires_at.isoformat())
    managers = User.objects.filter(organisation_id=case.owner_id, roles__contains=[Role.MANAGER], is_active=True)
    send_alert(
        ALERT,
        object_id=grant.pk,
        case_id=case.pk,
        case_code=case.person.case_code,
        organisation_id=case.owner_id,
        users=managers.exclude(pk=actor.pk),
        now=now,
    )
    return grant
