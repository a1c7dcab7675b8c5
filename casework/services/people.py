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


def allocate_case_codes(*, province: Province, year: int, count: int) -> list[str]:
    """Take the next `count` numbers for this province and year at once, e.g. VT-2026-00042 (one
    for a registration, many for a register import's people: one UPSERT, not one per person).

    The UPSERT locks the counter row until the caller's transaction ends: concurrent
    registrations wait for each other, and a rolled-back registration returns its numbers."""
    if not connection.in_atomic_block:
        raise RuntimeError("allocate_case_codes must run inside the registering transaction")
    last = _counter_add(province.pk, year, count)
    return [f"{province.code}-{year}-{number:05d}" for number in range(last - count + 1, last + 1)]


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
    """What person_prepare and case_prepare would refuse in these values, by field, checked
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


def person_prepare(
    *,
    actor: Staff,
    registration_province: Province,
    registered_on: date | None = None,
    identified_on: date | None = None,
    **values: Any,
) -> Person:
    """A new person (case_open registers one with each new case), checked by every rule of a
    new person but not saved and without its case code: the one place those rules are applied,
    for a form and for each row of a register import (people_register_many writes them). An estimated age without its
    date is the age on `identified_on`, the first case's identification date
    (estimate_default_date), not on the day of registration."""
    registered_on = registered_on or timezone.localdate()
    if values.get("estimated_age") is not None and values.get("age_estimated_on") is None:
        values["age_estimated_on"] = identified_on or registered_on
    check_person_values(values)
    person = Person(
        registration_province=registration_province, registered_on=registered_on, created_by=actor, **values
    )
    check_person_dates(person)
    validate(person, exclude=["case_code"])
    return person


def people_register_many(*, actor: Staff, people: list[Person]) -> None:
    """Write people made by person_prepare: their case codes taken together for each province
    and year (in the list's order), one INSERT (for one person, the model's own save) and one
    audit row each naming the identity fields given."""
    by_counter: dict[tuple[Province, int], list[Person]] = {}
    for person in people:
        by_counter.setdefault((person.registration_province, person.registered_on.year), []).append(person)
    for (province, year), group in by_counter.items():
        for person, code in zip(
            group, allocate_case_codes(province=province, year=year, count=len(group)), strict=True
        ):
            person.case_code = code
    if len(people) == 1:
        people[0].save(force_insert=True)
    else:
        for person in people:
            person.index_names()  # what Person.save does, which bulk_create skips
        batch.copy_rows(people)
    for person in people:
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=person,
            fields=[name for name in PERSON_IDENTITY_FIELDS if getattr(person, name)],
        )


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
