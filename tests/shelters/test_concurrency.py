"""Double booking under real concurrency: many connections admit at the same instant, released
together by a barrier. The bed lock and the exclusion constraints must let exactly one through,
and every other writer must get a 409 (never a 500, never a second row)."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from casework.models import Case
from core.errors import ApplicationError, Conflict
from shelters import services
from shelters.models import Bed, BedOutage, Shelter, Stay
from tests.concurrency import run_concurrently
from tests.factories import open_case, refer_to_shelter

pytestmark = pytest.mark.django_db(transaction=True)

WRITERS = 50


@pytest.fixture
def sengsavang(reference):
    return Shelter.objects.get(code="sengsavang-savannakhet")


@pytest.fixture
def staff(people, sengsavang):
    services.staff_post(actor=people.admin, shelter=sengsavang, user=people.shelter_staff)
    return people.shelter_staff


def referred_case(actor, shelter):
    """A case its worker referred to the shelter for a placement (what an admission rests on)."""
    case = open_case(actor)
    refer_to_shelter(case, shelter)
    return case


def open_cases(actor, count, shelter):
    """Committed in one transaction: one commit instead of fifty."""
    with transaction.atomic():
        return [referred_case(actor, shelter).pk for _ in range(count)]


def split(outcomes):
    stays = [outcome for outcome in outcomes if isinstance(outcome, Stay)]
    conflicts = [outcome for outcome in outcomes if isinstance(outcome, Conflict)]
    others = [outcome for outcome in outcomes if not isinstance(outcome, Stay | Conflict)]
    return stays, conflicts, others


@pytest.mark.slow  # fifty cases opened, then fifty threads: 5-6 s (the races below stay in the quick loop)
def test_fifty_people_admitted_into_one_bed_at_once_one_gets_it(people, staff, sengsavang):
    case_ids = open_cases(people.social_worker, WRITERS, sengsavang)
    bed_id = Bed.objects.get(shelter=sengsavang, label="B01").pk
    on = timezone.localdate() - timedelta(days=3)

    def prepare(index):
        return (
            User.objects.get(pk=staff.pk),
            Shelter.objects.get(pk=sengsavang.pk),
            Case.objects.select_related("person").get(pk=case_ids[index]),
            Bed.objects.get(pk=bed_id),
        )

    def admit(prepared):
        actor, shelter, case, bed = prepared
        return services.stay_admit(actor=actor, shelter=shelter, case=case, admitted_on=on, bed=bed)

    stays, conflicts, others = split(run_concurrently(WRITERS, prepare, admit))
    assert others == []
    assert (len(stays), len(conflicts)) == (1, WRITERS - 1)
    assert {error.message for error in conflicts} == {"This bed is already taken for these dates."}
    assert list(Stay.objects.values_list("pk", flat=True)) == [stays[0].pk]


def test_one_person_admitted_into_fifty_beds_at_once_gets_one(people, staff, sengsavang):
    """No bed lock is shared here (each writer takes a different bed): only the one-place-per-
    person constraint stands between the writers."""
    case_id = referred_case(people.social_worker, sengsavang).pk
    bed_ids = list(Bed.objects.filter(shelter=sengsavang).order_by("label").values_list("pk", flat=True)[:WRITERS])
    assert len(bed_ids) == WRITERS
    on = timezone.localdate() - timedelta(days=3)

    def prepare(index):
        return (
            User.objects.get(pk=staff.pk),
            Shelter.objects.get(pk=sengsavang.pk),
            Case.objects.select_related("person").get(pk=case_id),
            Bed.objects.get(pk=bed_ids[index]),
        )

    def admit(prepared):
        actor, shelter, case, bed = prepared
        return services.stay_admit(actor=actor, shelter=shelter, case=case, admitted_on=on, bed=bed)

    stays, conflicts, others = split(run_concurrently(WRITERS, prepare, admit))
    assert others == []
    assert (len(stays), len(conflicts)) == (1, WRITERS - 1)
    assert {error.message.split(" at ")[0] for error in conflicts} == {"This person is already staying"}
    assert Stay.objects.count() == 1


def test_twenty_moves_of_one_stay_at_once_one_wins(people, staff, sengsavang):
    """Each writer read the stay while it was open; the compare-and-swap lets one close it and
    every other writer is told it already ended, leaving exactly two stays."""
    on = timezone.localdate() - timedelta(days=10)
    first = services.stay_admit(
        actor=staff,
        shelter=sengsavang,
        case=referred_case(people.social_worker, sengsavang),
        admitted_on=on,
        bed=Bed.objects.get(shelter=sengsavang, label="B01"),
    )
    bed_ids = list(Bed.objects.filter(shelter=sengsavang).exclude(label="B01").values_list("pk", flat=True)[:20])

    def prepare(index):
        return User.objects.get(pk=staff.pk), Stay.objects.get(pk=first.pk), Bed.objects.get(pk=bed_ids[index])

    def move(prepared):
        actor, stay, bed = prepared
        return services.stay_move_bed(actor=actor, stay=stay, to_bed=bed, on=on + timedelta(days=4))

    stays, conflicts, others = split(run_concurrently(20, prepare, move))
    assert others == []
    assert (len(stays), len(conflicts)) == (1, 19)
    assert {error.message for error in conflicts} == {"This stay has already ended. Reload it and try again."}
    assert Stay.objects.count() == 2
    assert Stay.objects.get(pk=stays[0].pk).previous_stay_id == first.pk


def test_admissions_racing_outages_on_one_bed_leave_one_or_the_other(people, staff, sengsavang):
    """The exclusion constraints cannot see across tables (a stay against an outage): only the
    bed lock both services take keeps a bed from being occupied and out of service at once."""
    half = WRITERS // 2
    case_ids = open_cases(people.social_worker, half, sengsavang)
    bed_id = Bed.objects.get(shelter=sengsavang, label="B01").pk
    on = timezone.localdate() - timedelta(days=3)

    def prepare(index):
        actor, bed = User.objects.get(pk=staff.pk), Bed.objects.get(pk=bed_id)
        if index < half:
            return actor, bed, Case.objects.select_related("person").get(pk=case_ids[index])
        return actor, bed, None

    def act(prepared):
        actor, bed, case = prepared
        if case is None:
            return services.bed_outage_start(actor=actor, bed=bed, start=on, reason="Repairs")
        return services.stay_admit(actor=actor, shelter=bed.shelter, case=case, admitted_on=on, bed=bed)

    outcomes = run_concurrently(WRITERS, prepare, act)
    refused = [outcome for outcome in outcomes if isinstance(outcome, ApplicationError)]
    assert len(refused) == WRITERS - 1, [outcome for outcome in outcomes if not isinstance(outcome, ApplicationError)]
    assert Stay.objects.count() + BedOutage.objects.count() == 1
