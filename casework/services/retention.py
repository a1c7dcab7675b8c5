"""The retention rule (docs/data-protection.md): a person whose cases have all been closed for
longer than RETENTION_YEARS is anonymised. Identity (tier 2) and free text (tier 2/3 notes,
reasons, assessments) are cleared in the live rows and in their pghistory rows; what the
statistics and reports count stays: category, sex, nationality, province, dates, stays,
services, screenings' findings, and a birth date moved to the earliest day of its year that
keeps the person's age on each identification date. The person row stays (case codes on paper
files still lead somewhere) with `anonymised_at` set, so a second run skips it.

Other apps clear what they hold through casework.extensions.PERSON_RECORDS. Each batch is one
transaction with one audit row per person (no names: the person's id and the cleared fields)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import AuditAction
from accounts.services import audit_record_many
from casework import extensions
from casework.choices import CaseStatus
from casework.models import (
    PERSON_IDENTITY_FIELDS,
    BestInterestsDetermination,
    Case,
    CaseNote,
    CasePlan,
    CasePlanGoal,
    CasePlanVersion,
    CaseShare,
    CaseTransfer,
    FamilyMember,
    FollowUpVisit,
    Person,
    Repatriation,
    RepatriationStep,
    Screening,
    Service,
)
from casework.models.screening import ScreeningIndicator
from casework.privacy import clear, generalised_birth_date, history_models
from core.actors import SYSTEM

# Identity fields emptied on the person (the birth date is generalised instead), and the blind
# indexes of the names emptied with them (an anonymised person is found by no name).
PERSON_BLANK = (*(f for f in PERSON_IDENTITY_FIELDS if f != "date_of_birth"), "origin_district")
PERSON_NO_NAME_INDEXES: dict[str, list[str]] = {"name_index_latin": [], "name_index_lo": []}
# (model, how it reaches the person, fields emptied, free-text fields redacted)
CASEWORK_TEXT: tuple[tuple[type[Any], str, tuple[str, ...], tuple[str, ...]], ...] = (
    (FamilyMember, "person_id", ("name", "phone"), ("notes",)),
    (Case, "person_id", (), ("closure_note",)),
    (CaseShare, "case__person_id", (), ("purpose",)),
    (CaseTransfer, "case__person_id", (), ("reason", "decline_reason")),
    (CaseNote, "case__person_id", (), ("text",)),
    (CasePlan, "case__person_id", (), ("summary", "return_reason")),
    (CasePlanGoal, "plan__case__person_id", (), ("objective",)),
    (CasePlanVersion, "plan__case__person_id", ("goals",), ("summary",)),
    (FollowUpVisit, "case__person_id", (), ("notes", "place", "met_with", "next_step", "reschedule_reason")),
    (Service, "case__person_id", (), ("notes",)),
    (Screening, "case__person_id", (), ("notes", "override_reason")),
    (ScreeningIndicator, "screening__case__person_id", (), ("note",)),
    (Repatriation, "case__person_id", (), ("family_assessment_notes", "best_interests_decision", "cancellation_note")),
    (RepatriationStep, "repatriation__case__person_id", (), ("reason", "notes")),
    (BestInterestsDetermination, "case__person_id", (), ("reasons",)),
)
AUDITED_FIELDS = [
    *(f"person.{name}" for name in (*PERSON_BLANK, "date_of_birth")),
    *(f"{model._meta.model_name}.{name}" for model, _, blank, redact in CASEWORK_TEXT for name in (*blank, *redact)),
]


def retention_cutoff(now: datetime | None = None, years: int | None = None) -> datetime:
    """Cases closed before this moment are past the retention period."""
    now = now or timezone.now()
    years = settings.RETENTION_YEARS if years is None else years
    try:
        return now.replace(year=now.year - years)
    except ValueError:  # 29 February in a year that has none
        return now.replace(year=now.year - years, day=28)


def people_due(*, before: datetime) -> QuerySet[Person]:
    """People not yet anonymised who have cases, all closed before `before`."""
    cases = Case.objects.filter(person=OuterRef("pk"))
    recent = cases.filter(~Q(status=CaseStatus.CLOSED) | Q(closed_at__isnull=True) | Q(closed_at__gte=before))
    return Person.objects.filter(Exists(cases), anonymised_at__isnull=True, merged_into__isnull=True).exclude(
        Exists(recent)
    )


def anonymise_closed_cases(*, before: datetime, batch_size: int = 200, dry_run: bool = False) -> int:
    """Anonymise everyone `people_due` finds, `batch_size` people per transaction; with
    `dry_run`, only count them. Returns the number of people (records merged into them not
    counted)."""
    if dry_run:
        return people_due(before=before).count()
    done = 0
    while True:
        with transaction.atomic():
            # Deferred foreign-key checks pile up in a long transaction on tracked tables (docs/development.md).
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            batch = list(people_due(before=before).order_by("pk").select_for_update(skip_locked=True)[:batch_size])
            if not batch:
                return done
            anonymise_people(batch, reason=f"retention: every case closed before {before.date().isoformat()}")
            done += len(batch)


def anonymise_people(people: list[Person], *, reason: str) -> None:
    """Clear the identity and free text of `people` and of the records merged into them, in
    the caller's transaction, and write one audit row per person record cleared."""
    survivors = [person.pk for person in people]
    records = list(Person.objects.filter(Q(pk__in=survivors) | Q(merged_into_id__in=survivors)))
    ids = [person.pk for person in records]
    _generalise_birth_dates(records)
    clear(Person.objects.filter(pk__in=ids), blank=PERSON_BLANK, **PERSON_NO_NAME_INDEXES)
    Person.objects.filter(pk__in=ids).update(anonymised_at=timezone.now())
    for model, to_person, blank, redact in CASEWORK_TEXT:
        clear(model.objects.filter(**{f"{to_person}__in": ids}), blank=blank, redact=redact)
    for other in extensions.PERSON_RECORDS.values():
        other.anonymise(ids)
    audit_record_many(actor=SYSTEM, action=AuditAction.ANONYMISE, objects=records, fields=AUDITED_FIELDS, reason=reason)


def _generalise_birth_dates(records: list[Person]) -> None:
    """Each birth date becomes the earliest day of its year that keeps the ages on the person's
    identification dates (a merged record takes those of the record it was merged into)."""
    identified: dict[Any, list[date]] = defaultdict(list)
    for person_id, on in Case.objects.filter(person__in=records).values_list("person_id", "identified_on"):
        identified[person_id].append(on)
    for person in records:
        if person.date_of_birth is None:
            continue
        dates = identified[person.merged_into_id or person.pk]
        kept = generalised_birth_date(person.date_of_birth, dates)
        Person.objects.filter(pk=person.pk).update(date_of_birth=kept, birth_date_estimated=True)
        for history in history_models(Person):
            history._default_manager.filter(pgh_obj_id=person.pk).update(date_of_birth=kept, birth_date_estimated=True)
