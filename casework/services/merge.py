"""Merging two records of the same person (found by casework.duplicates).

The record that goes (`merge`) is never deleted: it stays, pointing at the one that stays
(`merged_into`), so its history (pghistory rows, audit rows, the case codes on paper files)
still leads somewhere. Its cases and family members move to the record that stays, whose empty
identity fields are filled from the other record, never overwritten."""

from __future__ import annotations

import copy
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.actors import Staff
from accounts.models import AuditAction
from accounts.services import audit_record
from casework import permissions
from casework.models import Case, FamilyMember, Person
from casework.services.common import record, validate
from casework.services.dates import BIRTH_FIELDS, check_person_dates, recompute_child_flags
from core.errors import ApplicationError, NotFound, PermissionDenied

# Filled one by one when empty on the record that stays.
FILL_FIELDS = (
    "given_name_lo",
    "family_name_lo",
    "given_name_latin",
    "family_name_latin",
    "origin_village",
    "phone",
    "contact_notes",
    "identity_document",
    "ethnicity_id",
    "languages",
)
# Filled together or not at all (with BIRTH_FIELDS), so that a birth date never sits beside an
# estimate and an interpreter language never beside "no interpreter needed".
INTERPRETER_FIELDS = ("interpreter_needed", "interpreter_language")


@transaction.atomic
def person_merge(*, actor: Staff, keep: Person, merge: Person, reason: str) -> Person:
    """Fold `merge` into `keep`. Only a manager who manages a case of each person may do it
    (404 if either person is outside what they see, 403 if they see both but manage only one)."""
    rows = {p.pk: p for p in Person.objects.select_for_update().filter(pk__in={keep.pk, merge.pk}).order_by("pk")}
    if keep.pk not in rows or merge.pk not in rows:
        raise NotFound(_("Not found."))
    keep, merge = rows[keep.pk], rows[merge.pk]
    _check_access(actor, keep, merge)
    if keep.pk == merge.pk:
        raise ApplicationError(_("A record cannot be merged into itself."), fields={"merge": [_("Choose another.")]})
    if keep.merged_into_id or merge.merged_into_id:
        raise ApplicationError(
            _("This record was already merged into another one."),
            fields={"keep" if keep.merged_into_id else "merge": [_("Choose the record it was merged into.")]},
        )
    if not (reason or "").strip():
        raise ApplicationError(_("Say why these records are the same person."), fields={"reason": [_("Required.")]})

    filled = _fill_empty(keep, merge)
    check_person_dates(keep, cases=Case.objects.filter(person__in=[keep, merge]))  # the survivor's birth, all cases
    now = timezone.now()
    if filled:
        validate(keep)
        keep.save(update_fields=[*filled, "updated_at"])  # save() adds the name indexes

    moved = list(Case.objects.select_for_update().filter(person=merge).order_by("created_at", "id"))
    Case.objects.filter(pk__in=[case.pk for case in moved]).update(person=keep, updated_at=now)
    family = FamilyMember.objects.filter(person=merge).update(person=keep)
    # Records merged earlier into `merge` now point at the survivor: merged_into never chains.
    Person.objects.filter(merged_into=merge).update(merged_into=keep, updated_at=now)
    merge.merged_into = keep
    merge.save(update_fields=["merged_into", "updated_at"])
    recompute_child_flags(keep)

    for case in moved:
        case.person = keep
        record(case, actor, "person_merged", fields=["person"], kept=keep.case_code, merged=merge.case_code)
    changed = [name.removesuffix("_id") for name in filled]
    changed += ["cases"] if moved else []
    changed += ["family"] if family else []
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=keep, fields=changed, reason=reason)
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=merge, fields=["merged_into"], reason=reason)
    return keep


def merge_preview(*, keep: Person, merge: Person) -> tuple[Person, list[str]]:
    """What person_merge would leave, without writing: a copy of `keep` with its empty fields
    filled from `merge`, and the names of the fields filled (for the page that asks to confirm)."""
    result = copy.copy(keep)
    return result, [name.removesuffix("_id") for name in _fill_empty(result, merge)]


def can_merge(actor: Staff, keep: Person, merge: Person) -> bool:
    """person_merge's permission, asked before offering the form."""
    try:
        _check_access(actor, keep, merge)
    except (NotFound, PermissionDenied):
        return False
    return True


def _check_access(actor: Staff, keep: Person, merge: Person) -> None:
    """A merged record has no cases left: it is seen and managed through the one it went into."""
    wanted = {person.merged_into_id or person.pk for person in (keep, merge)}
    visible = set(
        permissions.view_case.scope(actor).filter(person_id__in=wanted).values_list("person_id", flat=True).distinct()
    )
    if not wanted <= visible:
        raise NotFound(_("Not found."))
    managed = set(
        permissions.manage_case.scope(actor).filter(person_id__in=wanted).values_list("person_id", flat=True).distinct()
    )
    if not wanted <= managed:
        raise PermissionDenied(_("Only a manager of both people's cases can merge their records."))


def _fill_empty(keep: Person, merge: Person) -> list[str]:
    """Copy what `keep` lacks from `merge`; return the attribute names filled."""
    filled = []
    for name in FILL_FIELDS:
        if _empty(getattr(keep, name)) and not _empty(getattr(merge, name)):
            setattr(keep, name, getattr(merge, name))
            filled.append(name)
    groups = [
        (BIRTH_FIELDS, keep.date_of_birth is None and keep.estimated_age is None),
        (INTERPRETER_FIELDS, not keep.interpreter_needed and not keep.interpreter_language),
    ]
    for names, keep_lacks in groups:
        if keep_lacks and any(not _empty(getattr(merge, name)) for name in names):
            for name in names:
                setattr(keep, name, getattr(merge, name))
            filled.extend(names)
    if keep.origin_province_id is None and keep.origin_district_id is None and merge.origin_province_id:
        keep.origin_province_id, keep.origin_district_id = merge.origin_province_id, merge.origin_district_id
        filled.extend(["origin_province_id", "origin_district_id"])
    elif (
        keep.origin_district_id is None
        and merge.origin_district_id is not None
        and keep.origin_province_id == merge.origin_province_id
    ):
        keep.origin_district_id = merge.origin_district_id
        filled.append("origin_district_id")
    return filled


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value is False
