"""Who may read and delete attachments (casework.models.Attachment), each predicate beside its filter.

No rule of its own: a file is read by whoever reads the record it belongs to (casework.permissions:
view_case for a case's records, view_person for the person's own files), and a file of the health
tier (a medical document, any file of a health service) only by the case's health readers
(view_health: never police, never through an emergency grant). The app that holds an owner may
widen this with the same rule it applies to that record (extensions.AttachmentOwner.also_visible:
a referral's receiver, under the consent). Every check runs at the moment of the request, so a
revoked share or a withdrawn consent takes effect at once. Deleted files are no longer read."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from accounts.models import Role
from casework import extensions
from casework.models import Attachment, AttachmentTier, Case, Person
from casework.permissions import change_case, view_case, view_health, view_person
from core.permissions import define, has_role


def _health_cases(user: Any) -> Any:
    return Case.objects.filter(view_health.filter(user))


def _with_record(user: Any, attachment: Attachment) -> bool:
    health = attachment.tier == AttachmentTier.HEALTH
    if attachment.case_id is not None:
        case = attachment.case
        return view_case.allows(user, case) and (not health or view_health.allows(user, case))
    person = attachment.person
    if not view_person.allows(user, person):
        return False
    return not health or any(view_health.allows(user, case) for case in person.cases.all())


def _with_records(user: Any) -> Q:
    cases = Case.objects.filter(view_case.filter(user)).values("pk")
    people = Person.objects.filter(view_person.filter(user)).values("pk")
    not_health = ~Q(tier=AttachmentTier.HEALTH)
    on_case = Q(case__in=cases) & (not_health | Q(case__in=_health_cases(user).values("pk")))
    on_person = (
        Q(case__isnull=True)
        & Q(person__in=people)
        & (not_health | Q(person__in=_health_cases(user).values("person_id")))
    )
    return on_case | on_person


def _can_view(user: Any, attachment: Attachment) -> bool:
    if attachment.deleted_at is not None:
        return False
    if _with_record(user, attachment):
        return True
    owner = extensions.ATTACHMENT_OWNERS.get(attachment.owner_type)
    return bool(owner and owner.also_visible and owner.also_visible(user, attachment))


def _visible(user: Any) -> Q:
    q = _with_records(user)
    for owner in extensions.attachment_owners():
        if owner.also_filter is not None:
            q |= owner.also_filter(user)
    return Q(deleted_at__isnull=True) & q


view_attachment = define("casework.view_attachment", Attachment, predicate=_can_view, filter=_visible)


# --- Deleting: the workers of the case (of one of the person's cases, for the person's own files)
def _can_delete(user: Any, attachment: Attachment) -> bool:
    if attachment.deleted_at is not None or not _with_record(user, attachment):
        return False
    if attachment.case_id is not None:
        return change_case.allows(user, attachment.case)
    return any(change_case.allows(user, case) for case in attachment.person.cases.all())


def _deletable(user: Any) -> Q:
    changeable = Case.objects.filter(change_case.filter(user))
    mine = Q(case__in=changeable.values("pk")) | Q(case__isnull=True, person__in=changeable.values("person_id"))
    return Q(deleted_at__isnull=True) & _with_records(user) & mine


delete_attachment = define("casework.delete_attachment", Attachment, predicate=_can_delete, filter=_deletable)


def may_attach(user: Any) -> bool:
    """Could the user attach a file to anything at all (the case's workers, police at screening, an
    assigned worker): asked before an upload is read, so that others get a 403, not a 400. The
    record named in the upload is then checked by its own rule (extensions.AttachmentOwner.may_add)."""
    if has_role(user, Role.SOCIAL_WORKER, Role.COUNSELLOR, Role.POLICE):
        return True
    return bool(user.is_authenticated) and Case.objects.filter(change_case.filter(user)).exists()


def may_read_health_of(user: Any, person: Any, case: Any) -> bool:
    """May the user add (and so read) a health-tier file on this record: the same health rule."""
    if case is not None:
        return view_health.allows(user, case)
    return any(view_health.allows(user, each) for each in person.cases.all())
