"""Who works in a shelter: the postings its operator's managers make."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.actors import Staff
from accounts.models import AuditAction, Role, User
from accounts.permissions import change_user, view_user
from accounts.services import audit_record
from casework.permissions import managed_organisations
from core.errors import ApplicationError, Conflict, NotFound, PermissionDenied
from shelters.models import Shelter, ShelterStaff
from shelters.services.stays import UNIQUE_VIOLATION


# --- Staff postings -------------------------------------------------------------------------------
@transaction.atomic
def staff_post(*, actor: Staff, shelter: Shelter, user: User) -> ShelterStaff:
    """Post a `shelter_staff` user to a shelter: they then work there and see its current
    residents. An administrator posts anyone; a manager over the operator posts staff they see."""
    _require_staffing(actor, shelter, user)
    if not (user.is_active and user.has_role(Role.SHELTER_STAFF)):
        message = _("Only active shelter staff can be posted to a shelter.")
        raise ApplicationError(message, fields={"user": [message]})
    try:
        with transaction.atomic():
            posting = ShelterStaff.objects.create(shelter=shelter, user=user)
    except IntegrityError as error:
        if getattr(error.__cause__, "sqlstate", None) != UNIQUE_VIOLATION:
            raise
        raise Conflict(_("This user is already posted to this shelter.")) from error
    user.__dict__.pop("_pathway_shelters", None)  # the posting applies to this request too
    audit_record(actor=actor, action=AuditAction.CREATE, obj=posting, fields=["shelter", "user"])
    return posting


@transaction.atomic
def staff_unpost(*, actor: Staff, shelter: Shelter, user: User) -> None:
    _require_staffing(actor, shelter, user)
    posting = ShelterStaff.objects.select_for_update().filter(shelter=shelter, user=user).first()
    if posting is None:
        raise NotFound(_("This user is not posted to this shelter."))
    audit_record(actor=actor, action=AuditAction.DELETE, obj=posting, fields=["shelter", "user"])
    posting.delete()
    user.__dict__.pop("_pathway_shelters", None)


def _require_staffing(actor: Staff, shelter: Shelter, user: User) -> None:
    if change_user.allows(actor, user):
        return
    if shelter.operator_id in managed_organisations(actor):
        if not view_user.allows(actor, user):
            raise NotFound(_("Not found."))
        return
    raise PermissionDenied(_("Only an administrator or a manager of the shelter's operator can post staff."))
