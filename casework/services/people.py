"""Registering people: the case code, identity fields and family members."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.actors import Staff
from accounts.models import AuditAction, Province
from accounts.services import audit_record
from casework import permissions
from casework.models import PERSON_IDENTITY_FIELDS, Case, FamilyMember, Person
from casework.services.common import record, validate
from casework.services.dates import (
    BIRTH_FIELDS,
    CASE_DATE_FIELDS,
    case_date_errors,
    check_person_dates,
    estimate_default_date,
    person_date_errors,
    recompute_child_flags,
)
from core import batch
from core.errors import ApplicationError, NotFound, PermissionDenied

PERSON_FIELDS = (
    *PERSON_IDENTITY_FIELDS,
    "sex",
    "birth_date_estimated",
    "estimated_age",
    "age_estimated_on",
    "nationality_id",
    "ethnicity_id",
    "languages",
    "interpreter_needed",
    "interpreter_language",
    "origin_province_id",
    "origin_district_id",
)


def allocate_case_code(*, province: Province, year: int) -> str:
    """Take the next number for this province and year, e.g. VT-2026-00042.

    The UPSERT locks the counter row until the caller's transaction ends: concurrent
    registrations wait for each other, and a rolled-back registration returns its number.
    In a batch (core.batch) the row is locked and read once, the numbers counted on in memory
    and the last one written when the batch ends: one row updated thousands of times in one
    transaction leaves as many row versions, each update slower than the one before."""
    if not connection.in_atomic_block:
        raise RuntimeError("allocate_case_code must run inside the registering transaction")
    taken = batch.memo(("case_code", province.pk, year), lambda: _CodeBlock(province.pk, year))
    number = taken.next() if taken is not None else _counter_add(province.pk, year, 1)
    return f"{province.code}-{year}-{number:05d}"


def _counter_add(province_id: Any, year: int, step: int) -> int:
    """Add `step` to the counter (a new one starts at `step`) and return its value, locked."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO casework_casecodecounter (province_id, year, last_number) VALUES (%s, %s, %s)
            ON CONFLICT (province_id, year)
            DO UPDATE SET last_number = casework_casecodecounter.last_number + EXCLUDED.last_number
            RETURNING last_number
            """,
            [province_id, year, step],
        )
        (number,) = cursor.fetchone()
    return int(number)


class _CodeBlock:
    """A batch's numbers of one province and year: the counter locked and read at the first,
    the last written back when the batch ends."""

    def __init__(self, province_id: Any, year: int) -> None:
        self.province_id, self.year = province_id, year
        self.last = self.stored = _counter_add(province_id, year, 0)
        batch.at_end(self.write)

    def next(self) -> int:
        self.last += 1
        return self.last

    def write(self) -> None:
        if self.last != self.stored:
            _counter_add(self.province_id, self.year, self.last - self.stored)


def check_person_values(values: dict[str, Any]) -> None:
    """Rules between the person's fields (their dates: casework.services.dates)."""
    errors = person_value_errors(values)
    if errors:
        raise ApplicationError(_("Please correct the errors below."), fields=errors)


def person_value_errors(values: dict[str, Any]) -> dict[str, list[str]]:
    """The messages by field of check_person_values; the intake form shows them with its own."""
    errors: dict[str, list[str]] = {}
    birth = values.get("date_of_birth")
    estimate = values.get("estimated_age")
    if estimate is not None and not 0 <= estimate <= 120:
        errors["estimated_age"] = [_("An estimated age must be between 0 and 120.")]
    if estimate is not None and birth:
        errors["estimated_age"] = [_("Give either a date of birth or an estimated age, not both.")]
    if estimate is None and values.get("age_estimated_on") is not None:
        errors["age_estimated_on"] = [_("Give the estimated age this date is for.")]
    district, province = values.get("origin_district"), values.get("origin_province")
    if district is not None and province is not None and district.province_id != province.pk:
        errors["origin_district"] = [_("This district is not in the province of origin.")]
    return errors


def intake_errors(person_values: dict[str, Any], case_values: dict[str, Any]) -> dict[str, list[str]]:
    """What person_register and case_open would refuse in these values, by field, checked
    before anything is written: the intake form adds them to its own errors, so a future birth
    date is reported with a missing category, not after it is fixed."""
    today = timezone.localdate()
    errors = person_value_errors(person_values)
    birth = {name: person_values[name] for name in BIRTH_FIELDS if person_values.get(name) is not None}
    if birth.get("estimated_age") is not None:
        birth.setdefault("age_estimated_on", case_values.get("identified_on") or today)
    person = Person(**birth)
    case = Case(person=person, **{name: case_values.get(name) for name in CASE_DATE_FIELDS})
    for more in (person_date_errors(person, today=today), case_date_errors(case, today=today)):
        for name, messages in more.items():
            errors.setdefault(name, messages)
    return errors


def person_register(
    *,
    actor: Staff,
    registration_province: Province,
    registered_on: date | None = None,
    identified_on: date | None = None,
    **values: Any,
) -> Person:
    """Create a person with a new case code. Called by case_open (intake), which owns the
    transaction and the permission check: a person is only ever registered with a case. An
    estimated age without its date is the age on `identified_on`, the first case's
    identification date (estimate_default_date), not on the day of registration."""
    registered_on = registered_on or timezone.localdate()
    if values.get("estimated_age") is not None and values.get("age_estimated_on") is None:
        values["age_estimated_on"] = identified_on or registered_on
    check_person_values(values)
    person = Person(
        registration_province=registration_province, registered_on=registered_on, created_by=actor, **values
    )
    check_person_dates(person)
    validate(person, exclude=["case_code"])
    person.case_code = allocate_case_code(province=registration_province, year=registered_on.year)
    person.save(force_insert=True)
    audit_record(
        actor=actor, action=AuditAction.CREATE, obj=person, fields=[f for f in PERSON_IDENTITY_FIELDS if values.get(f)]
    )
    return person


@transaction.atomic
def person_update(*, actor: Staff, person: Person, **changes: Any) -> Person:
    """Change identity or profile fields; refused unless the actor may change one of the
    person's open cases."""
    unknown = set(changes) - {field.removesuffix("_id") for field in PERSON_FIELDS}
    if unknown:
        raise ApplicationError(_("Unknown fields."), fields={name: [_("Not a person field.")] for name in unknown})
    case = changeable_case(actor, person)
    estimate = changes.get("estimated_age", person.estimated_age)
    if estimate is None:
        if "age_estimated_on" not in changes and person.age_estimated_on is not None:
            changes["age_estimated_on"] = None  # no estimate, no date of one
    elif changes.get("age_estimated_on") is None and (
        "age_estimated_on" in changes or estimate != person.estimated_age
    ):
        # A new estimate without its date refers to the first identification (as at intake); an
        # unchanged one keeps its date.
        changes["age_estimated_on"] = estimate_default_date(person)
    merged = {name: getattr(person, name) for name in ("date_of_birth", "estimated_age", "age_estimated_on")}
    merged.update(changes)
    check_person_values(merged)
    for name, value in changes.items():
        if getattr(person, name) != value:  # an unchanged encrypted value keeps its ciphertext
            setattr(person, name, value)
    check_person_dates(person)
    validate(person)
    person.save()
    if set(BIRTH_FIELDS) & set(changes):
        recompute_child_flags(person)
    record(case, actor, "person_updated", obj=person, fields=sorted(changes), fields_changed=sorted(changes))
    return person


@transaction.atomic
def family_member_add(*, actor: Staff, person: Person, relationship: str, name: str, **values: Any) -> FamilyMember:
    case = changeable_case(actor, person)
    member = FamilyMember(person=person, relationship=relationship, name=name, **values)
    validate(member)
    member.save()
    record(case, actor, "family_member_added", action=AuditAction.CREATE, obj=member, relationship=relationship)
    return member


FAMILY_MEMBER_FIELDS = ("relationship", "name", "is_guardian", "phone", "lives_in_village_of_origin", "notes")


@transaction.atomic
def family_member_update(*, actor: Staff, member: FamilyMember, **changes: Any) -> FamilyMember:
    """Correct a relative's or guardian's details (a guardian may consent for a child)."""
    unknown = set(changes) - set(FAMILY_MEMBER_FIELDS)
    if unknown:
        not_ours = [_("Not a family member field.")]
        raise ApplicationError(_("Unknown fields."), fields=dict.fromkeys(unknown, not_ours))
    case = changeable_case(actor, member.person)
    changed = sorted(name for name, value in changes.items() if getattr(member, name) != value)
    for name in changed:  # an unchanged encrypted value keeps its ciphertext
        setattr(member, name, changes[name])
    validate(member)
    member.save()
    record(case, actor, "family_member_changed", obj=member, fields=changed, fields_changed=changed)
    return member


@transaction.atomic
def family_member_remove(*, actor: Staff, member: FamilyMember) -> None:
    """Remove a relative recorded by mistake (or twice). The audit and timeline rows keep who
    removed which relationship and when, never the name."""
    case = changeable_case(actor, member.person)
    record(
        case,
        actor,
        "family_member_removed",
        action=AuditAction.DELETE,
        obj=member,
        fields=["family"],
        relationship=member.relationship,
    )
    member.delete()


def changeable_case(actor: Staff, person: Person) -> Case:
    """The rule for changing a person's record, which pages ask before showing a form: the
    newest of the person's cases the actor may change (the timeline row goes there)."""
    cases = list(person.cases.order_by("-created_at"))
    for case in cases:
        if permissions.change_case.allows(actor, case):
            return case
    if any(permissions.view_case.allows(actor, case) for case in cases):
        raise PermissionDenied(_("You cannot change this person's record."))
    raise NotFound(_("Not found."))
