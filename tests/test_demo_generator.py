"""The demo-data generator: the rows it writes hold together, look like the shelters' tables,
repeat for a seed, and leave the case-code counters ready for real registrations."""

import re
import statistics
from collections import Counter, defaultdict
from datetime import date, timedelta
from io import StringIO
from itertools import pairwise

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.backends.postgresql.psycopg_any import DateRange
from django.db.models import Count
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification, Organisation, Province, Role, User
from casework import permissions
from casework.ages import age_on, is_child_on
from casework.cadence import visit_dates
from casework.choices import ApprovalStatus, FamilyAssessment, ReturnDestination, StepStatus, Tier
from casework.models import (
    Case,
    CaseCodeCounter,
    CaseNote,
    CasePlan,
    FamilyMember,
    FollowUpPolicy,
    FollowUpVisit,
    Person,
    Repatriation,
    RepatriationStep,
    Screening,
    ScreeningIndicator,
    Service,
)
from casework.repatriation_flows import ASSESSMENT_STEPS, RETURN_STEP, flow_steps
from casework.screening_rule import Threshold, evaluate
from casework.services.cases import case_open
from core import crypto
from referrals.choices import ConsentGivenBy, DataCategory, ReferralStatus
from referrals.models import Consent, Referral
from referrals.permissions import consent_problems, is_child_for_consent
from referrals.selectors import disclosure, partner_events, partner_referrals
from referrals.services import due_within
from referrals.transitions import REFERRAL
from seeds import generator
from seeds.demo import create_demo_logins, seed_demo
from seeds.generator import generate, generate_occupancy_load, generate_referral_load
from seeds.generator.occupancy import BedBook
from shelters import permissions as shelter_permissions
from shelters.choices import ExitDestination
from shelters.models import Bed, BedOutage, NonResidentialAssistance, Shelter, Stay
from shelters.services import stay_admit
from tests.factories import open_case

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

TODAY = date(2026, 7, 1)


@pytest.fixture(scope="module")
def generated(module_db):
    """1,000 people, generated once for the module's tests that only read them."""
    with module_db.unblock():
        return generate(people=1000, seed=7, batch_size=400, today=TODAY)


def share(part, whole):
    return part / whole if whole else 0.0


def code_numbers():
    """{(province code, year): [numbers]} from the stored case codes."""
    numbers = defaultdict(list)
    for code in Person.objects.values_list("case_code", flat=True):
        province, year, number = code.split("-")
        numbers[(province, int(year))].append(int(number))
    return numbers


def assert_codes_gap_free_and_counted():
    numbers = code_numbers()
    counters = {
        (row.province.code, row.year): row.last_number for row in CaseCodeCounter.objects.select_related("province")
    }
    assert numbers, "no codes to check"
    for key, found in numbers.items():
        assert sorted(found) == list(range(1, len(found) + 1)), f"gap or duplicate in {key}"
        assert counters[key] == max(found), key
    assert set(counters) == set(numbers)


# --- Consistency --------------------------------------------------------------------------------
def test_the_counts_returned_are_the_rows_written_and_everyone_has_a_case(generated):
    assert generated["casework.person"] == Person.objects.count() == 1000
    for label, count in generated.items():
        assert apps.get_model(label)._default_manager.count() == count, label
    assert not Person.objects.filter(cases__isnull=True).exists()
    assert Case.objects.count() > Person.objects.count()  # some people have a second case


def test_owners_workers_and_approvers_belong_together(generated):
    cases = list(Case.objects.select_related("assigned_worker", "closure_approved_by", "owner"))
    for case in cases:
        worker = case.assigned_worker
        if case.status == "open":
            assert worker is None
        else:
            assert worker.organisation_id == case.owner_id
            assert Role.SOCIAL_WORKER in worker.roles or Role.COUNSELLOR in worker.roles
        if case.status == "closed":
            assert case.closure_reason and case.closed_at and case.closure_requested_by_id == worker.pk
            assert permissions.manage_case.allows(case.closure_approved_by, case)
        else:
            assert case.closure_approved_by is None
    owners = defaultdict(set)
    for person_id, owner_id in Case.objects.values_list("person_id", "owner_id"):
        owners[person_id].add(owner_id)
    for person in Person.objects.select_related("created_by"):
        assert person.created_by.organisation_id in owners[person.pk]
    for screening in Screening.objects.select_related("case", "screener"):
        assert screening.screener.organisation_id == screening.screener_organisation_id == screening.case.owner_id


def test_sensitive_notes_are_tier_3_and_written_by_the_assigned_counsellor(generated):
    sensitive = CaseNote.objects.filter(kind__in=["counselling", "medical"]).select_related("case", "author")
    assert sensitive.exists()
    for note in sensitive:
        assert note.tier == Tier.SENSITIVE
        assert note.author_id == note.case.assigned_worker_id
        assert Role.COUNSELLOR in note.author.roles
        assert permissions.view_note.allows(note.author, note)


def test_dates_follow_each_other(generated):
    for case in Case.objects.select_related("person"):
        assert case.person.registered_on <= case.identified_on <= TODAY
        end = case.closed_at.date() if case.closed_at else TODAY
        assert case.closure_requested_at is None or case.closure_requested_at.date() <= end
    for service in Service.objects.all():
        assert service.planned_on <= TODAY
        if service.started_on and service.ended_on:
            assert service.started_on <= service.ended_on <= TODAY
        assert (service.status == "done") <= (service.ended_on is not None)


def test_the_child_flag_follows_the_birth_date_or_estimate(generated):
    cases = list(Case.objects.select_related("person"))
    assert all(case.child_at_identification == is_child_on(case.person, case.identified_on) for case in cases)
    assert all(case.child_at_identification is not None for case in cases)


def test_case_codes_are_unique_gap_free_and_the_counter_is_the_maximum(generated):
    assert_codes_gap_free_and_counted()
    for person in Person.objects.select_related("registration_province"):
        assert re.fullmatch(
            rf"{person.registration_province.code}-{person.registered_on.year}-\d{{5}}", person.case_code
        )


def test_names_are_encrypted_and_indexed_as_registration_does(generated):
    """The generator writes with COPY, past save(): the values are still encrypted by the
    field and the blind indexes are those a registration computes."""
    from casework.names import NAME_FIELDS, name_indexes

    people = list(Person.objects.all())
    for person in people:
        indexes = name_indexes({name: getattr(person, name) for name in NAME_FIELDS})
        assert [person.name_index_latin, person.name_index_lo, person.name_index_key] == list(indexes.values())
        assert person.origin_district is None or person.origin_district.province_id == person.origin_province_id
    with connection.cursor() as cursor:
        cursor.execute("SELECT family_name_latin FROM casework_person UNION ALL SELECT name FROM casework_familymember")
        stored = [value for (value,) in cursor.fetchall()]
    assert len(stored) > len(people)
    assert all(value.startswith(crypto.field_keys().prefix) for value in stored)


def test_every_screening_stores_what_the_rule_makes_of_its_indicators(generated):
    from casework.models import ElementThreshold

    thresholds = {
        row.element: Threshold(strong=row.strong, medium=row.medium, weak=row.weak or None)
        for row in ElementThreshold.objects.all()
    }
    observed = defaultdict(list)
    for link in ScreeningIndicator.objects.select_related("indicator"):
        observed[link.screening_id].append(link.indicator)
    screenings = list(Screening.objects.select_related("case__person"))
    assert len({s.suggested_outcome for s in screenings}) == 3  # all three suggestions occur
    for screening in screenings:
        result = evaluate(
            observed[screening.pk], age_at_exploitation=screening.age_at_exploitation, thresholds=thresholds
        )
        stored = (screening.act_present, screening.means_present, screening.purpose_present)
        assert stored == (result.act, result.means, result.purpose)
        assert screening.suggested_outcome == result.suggested
        assert screening.outcome == screening.suggested_outcome or screening.override_reason
        child = screening.age_at_exploitation is not None and screening.age_at_exploitation < 18
        wrong_group = "adult" if child else "child"
        assert all(indicator.applies_to != wrong_group for indicator in observed[screening.pk])


def test_repatriations_follow_their_flow_and_the_safeguarding_rule(generated):
    repatriations = list(Repatriation.objects.select_related("case").prefetch_related("steps__depends_on"))
    assert repatriations
    for repatriation in repatriations:
        steps = sorted(repatriation.steps.all(), key=lambda step: step.position)
        templates = flow_steps(repatriation.flow)
        assert [step.code for step in steps] == [template.code for template in templates]
        for step, template in zip(steps, templates, strict=True):
            assert sorted(d.code for d in step.depends_on.all()) == sorted(template.depends_on)
            if step.status == StepStatus.DONE:
                assert all(d.status == StepStatus.DONE and d.done_on <= step.done_on for d in step.depends_on.all())
        done = {step.code for step in steps if step.status == StepStatus.DONE}
        assert bool(repatriation.family_assessment) == bool(done & ASSESSMENT_STEPS)
        assert bool(repatriation.destination) == (RETURN_STEP in done)
        if repatriation.family_assessment in (FamilyAssessment.UNSAFE, FamilyAssessment.NOT_FOUND):
            assert repatriation.destination != ReturnDestination.FAMILY
        if repatriation.status == "completed":
            assert len(done) == len(steps)
        if repatriation.case.status == "closed":
            assert repatriation.status in ("completed", "cancelled")
    assert not Repatriation.objects.filter(family_assessment__in=["unsafe", "not_found"], destination="family").exists()
    assert RepatriationStep.objects.filter(status="done").exists()


def test_proportions_look_like_the_shelters_tables(generated):
    """Loose bounds: trafficking and risk group far above rape, about a third children, mostly
    women and girls, mostly Lao, and repatriations mostly from Thailand."""
    cases = Case.objects.count()
    by_category = Counter(Case.objects.values_list("category", flat=True))
    assert 0.28 < share(by_category["trafficking"], cases) < 0.42
    assert 0.23 < share(by_category["risk_group"], cases) < 0.37
    assert share(by_category["rape"], cases) < 0.08
    assert by_category["trafficking"] > 5 * by_category["rape"]
    assert 0.25 < share(Case.objects.filter(child_at_identification=True).count(), cases) < 0.42
    assert 0.65 < share(Person.objects.filter(sex="female").count(), 1000) < 0.85
    assert share(Person.objects.filter(nationality="LA").count(), 1000) > 0.9
    trafficking = by_category["trafficking"]
    repatriations = Repatriation.objects.count()
    assert 0.08 < share(repatriations, trafficking) < 0.22
    assert share(Repatriation.objects.filter(from_country="TH").count(), repatriations) > 0.65
    statuses = Counter(Case.objects.values_list("status", flat=True))
    assert statuses["open"] and statuses["active"] and statuses["closed"]
    top = Person.objects.values("origin_province__code").annotate(n=Count("id")).order_by("-n")[:4]
    assert {"SV", "CH"} <= {row["origin_province__code"] for row in top}
    assert Screening.objects.filter(case__category="trafficking").count() > 0.8 * trafficking
    assert FamilyMember.objects.filter(is_guardian=True).exists()


# --- Repeatability and continuation ------------------------------------------------------------
def snapshot():
    return {
        "people": list(
            Person.objects.order_by("id").values_list(
                "id", "case_code", "given_name_latin", "family_name_lo", "date_of_birth", "estimated_age", "sex"
            )
        ),
        "cases": list(
            Case.objects.order_by("id").values_list(
                "id", "person_id", "category", "status", "identified_on", "owner__code", "assigned_worker__username"
            )
        ),
        "screenings": list(Screening.objects.order_by("id").values_list("id", "suggested_outcome", "outcome")),
        "services": list(Service.objects.order_by("id").values_list("id", "service_type", "status", "ended_on")),
        "steps": list(RepatriationStep.objects.order_by("id").values_list("id", "status", "done_on")),
        "stays": list(Stay.objects.order_by("id").values_list("id", "bed_id", "during", "exit_destination")),
        "outages": list(BedOutage.objects.order_by("id").values_list("id", "bed_id", "during")),
        "consents": list(Consent.objects.order_by("id").values_list("id", "recipient__code", "given_by")),
        "referrals": list(Referral.objects.order_by("id").values_list("id", "status", "to_organisation__code")),
        # Not the event numbers: they come from the database's sequence, which never goes back.
        "events": list(Referral.objects.order_by("id", "events__seq").values_list("id", "events__kind", "events__at")),
        "plans": list(CasePlan.objects.order_by("id").values_list("id", "status", "approved_by__username")),
        "visits": list(FollowUpVisit.objects.order_by("id").values_list("id", "due_on", "done_on")),
    }


def run_and_roll_back(**options):
    with transaction.atomic():
        generate(**options)
        taken = snapshot()
        transaction.set_rollback(True)
    return taken


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data(reference):
    first = run_and_roll_back(people=300, seed=11, today=TODAY)
    assert not Person.objects.exists()
    assert all(first.values())  # every kind of row is there to compare
    assert run_and_roll_back(people=300, seed=11, today=TODAY) == first
    assert run_and_roll_back(people=300, seed=12, today=TODAY)["people"] != first["people"]


def test_a_second_run_appends_with_continuing_codes(reference):
    generate(people=250, seed=5, batch_size=100, today=TODAY)
    before = {key: max(found) for key, found in code_numbers().items()}
    generate(people=250, seed=5, batch_size=100, today=TODAY)
    assert Person.objects.count() == 500
    assert_codes_gap_free_and_counted()
    after = code_numbers()
    assert any(len(after[key]) > top for key, top in before.items())  # the sequences went on


@time_machine.travel(date(2026, 7, 1), tick=False)
def test_an_interactive_registration_after_generation_takes_the_next_code(people):
    generate(people=300, seed=3)
    vientiane = Province.objects.get(code="VT")
    counter = CaseCodeCounter.objects.get(province=vientiane, year=2026)
    assert counter.last_number > 0  # the generator registered people in Vientiane this year
    case = open_case(people.social_worker, identified_on=date(2026, 6, 30))
    assert case.person.case_code == f"VT-2026-{counter.last_number + 1:05d}"
    generate(people=100, seed=3)
    assert_codes_gap_free_and_counted()


def test_bulk_create_writes_the_same_kind_of_rows(reference):
    counts = generate(people=120, seed=9, method="bulk_create", today=TODAY)
    assert counts["casework.person"] == Person.objects.count() == 120
    assert_codes_gap_free_and_counted()


def test_it_refuses_production_and_nonsense(reference, settings):
    with pytest.raises(ValueError, match="between"):
        generate(people=0)
    settings.PRODUCTION = True
    with pytest.raises(ImproperlyConfigured):
        generate(people=100)
    with pytest.raises(ImproperlyConfigured):
        seed_demo(people=100)
    assert not Person.objects.exists()


# --- The demo logins see data -------------------------------------------------------------------
@time_machine.travel(date(2026, 7, 1), tick=False)
def test_the_demo_logins_get_a_share_of_the_cases(reference):
    create_demo_logins()
    generate(people=1000, seed=2026, today=TODAY)
    demo = ["social.worker", "counsellor", "police", "manager"]
    users = {user.username: user for user in User.objects.filter(username__in=demo)}
    assert Case.objects.filter(assigned_worker=users["social.worker"]).exists()
    assert Case.objects.filter(assigned_worker=users["counsellor"]).exists()
    assert CaseNote.objects.filter(author=users["counsellor"], tier=Tier.SENSITIVE).exists()
    assert permissions.view_case.scope(users["police"]).exists()
    assert permissions.manage_case.scope(users["manager"]).filter(status="closed").exists()
    shelter_staff = User.objects.get(username="shelter.staff")  # posted to the LWU shelter
    assert Stay.objects.filter(admitted_by=shelter_staff, shelter__code="lwu-cpc-vientiane").exists()
    residents = shelter_permissions.view_stay.scope(shelter_staff)
    assert residents.exists() and not residents.exclude(during__upper_inf=True).exists()  # current ones only


def test_the_command_validates_prints_counts_never_names_and_skips_when_asked(reference):
    with pytest.raises(CommandError):
        call_command("seed_demo", "--people", "99")
    with pytest.raises(CommandError):
        call_command("seed_demo", "--people", "1000001")
    out = StringIO()
    call_command("seed_demo", "--people", "100", "--seed", "4", stdout=out)
    text = out.getvalue()
    assert "casework.person" in text and " 100" in text and " s" in text
    names = [n for pair in generator.GIVEN_FEMALE + generator.GIVEN_MALE + generator.FAMILY for n in pair]
    assert not [name for name in names if name in text]
    assert User.objects.filter(username="social.worker").exists()
    again = StringIO()
    call_command("seed_demo", "--people", "100", "--if-empty", stdout=again)
    assert "none generated" in again.getvalue()
    assert Person.objects.count() == 100


# --- Shelters: stays, transfers, outages, non-residential assistance ------------------------------
def stays_by(key):
    grouped = defaultdict(list)
    for stay in Stay.objects.select_related("shelter", "bed", "person", "case"):
        grouped[key(stay)].append(stay)
    for stays in grouped.values():
        stays.sort(key=lambda stay: stay.during.lower)
    return grouped


def assert_no_overlap(stays):
    for before, after in pairwise(stays):
        assert before.during.upper is not None and before.during.upper <= after.during.lower, (before.pk, after.pk)


def test_stays_never_overlap_per_bed_or_per_person_and_fit_their_case(generated):
    stays = list(Stay.objects.select_related("shelter", "bed", "person", "case"))
    assert generated["shelters.stay"] == len(stays) > 100
    for bed_stays in stays_by(lambda stay: stay.bed_id).values():
        assert_no_overlap(bed_stays)
    for person_stays in stays_by(lambda stay: stay.person_id).values():
        assert_no_overlap(person_stays)
    for stay in stays:
        admitted, discharged = stay.during.lower, stay.during.upper
        assert stay.bed.shelter_id == stay.shelter_id and admitted in stay.bed.in_service
        assert stay.person_id == stay.case.person_id
        assert stay.case.identified_on <= admitted <= TODAY
        assert discharged is None or admitted < discharged <= TODAY
        if stay.case.status == "closed":
            assert discharged is not None and discharged <= stay.case.closed_at.date()
        assert (discharged is None) == (stay.exit_destination == "")
        assert stay.planned_discharge_on is None or stay.planned_discharge_on > admitted
    lengths = defaultdict(list)
    for stay in stays:
        if stay.during.upper and stay.exit_destination != "bed_move" and stay.previous_stay_id is None:
            lengths[stay.shelter.is_transit_centre].append((stay.during.upper - stay.during.lower).days)
    assert 4 <= statistics.median(lengths[True]) <= 10  # transit centres: about a week
    assert 28 <= statistics.median(lengths[False]) <= 120  # shelters: weeks to months
    assert any(stay.during.upper is None for stay in stays)  # recent stays are still open
    assert (
        share(sum(stay.person.sex == "female" or stay.case.child_at_identification for stay in stays), len(stays)) > 0.8
    )


def test_stays_respect_each_shelters_admission_rules(generated):
    stays = list(Stay.objects.select_related("shelter", "person", "case", "previous_stay"))
    for stay in stays:
        shelter, person = stay.shelter, stay.person
        bed_move = stay.previous_stay is not None and stay.previous_stay.shelter_id == shelter.pk
        age = age_on(person, stay.during.lower)
        if bed_move:  # a move within the shelter keeps the episode and the age at admission
            assert stay.episode_started_on == stay.previous_stay.episode_started_on
            assert stay.age_at_admission == stay.previous_stay.age_at_admission
            continue
        assert stay.episode_started_on == stay.during.lower
        assert stay.age_at_admission == age
        assert not shelter.accepts_sexes or person.sex in shelter.accepts_sexes
        assert not shelter.accepts_categories or stay.case.category in shelter.accepts_categories
        if shelter.min_age is not None:
            assert age is not None and age >= shelter.min_age, stay.pk
        if shelter.max_age is not None:
            assert age is not None and age <= shelter.max_age, stay.pk
    assert {stay.shelter.code for stay in stays} == set(Shelter.objects.values_list("code", flat=True))


def test_exits_go_mostly_home_and_transfers_continue_the_same_day(generated):
    stays = {stay.pk: stay for stay in Stay.objects.select_related("shelter")}
    following = {stay.previous_stay_id: stay for stay in stays.values() if stay.previous_stay_id}
    exits = Counter(stay.exit_destination for stay in stays.values() if stay.exit_destination)
    assert exits.most_common(1)[0][0] == ExitDestination.FAMILY_REUNIFICATION
    assert share(exits[ExitDestination.FAMILY_REUNIFICATION], sum(exits.values())) > 0.4
    assert len(exits) >= 7 and exits[ExitDestination.OTHER_SHELTER] and exits[ExitDestination.LEFT_WITHOUT_NOTICE]
    for stay in stays.values():
        if stay.exit_destination in (ExitDestination.LEFT_WITHOUT_NOTICE, ExitDestination.REMIGRATED):
            assert stay.exit_reason  # shelters.services asks the worker for one
        if stay.exit_destination in (ExitDestination.BED_MOVE, ExitDestination.TRANSIT_CENTRE):
            assert stay.pk in following, stay.exit_destination
    assert len(following) >= 10
    for previous_id, stay in following.items():
        previous = stays[previous_id]
        assert previous.during.upper == stay.during.lower
        assert (previous.person_id, previous.case_id) == (stay.person_id, stay.case_id)
        if previous.shelter_id == stay.shelter_id:
            assert previous.exit_destination == ExitDestination.BED_MOVE and previous.bed_id != stay.bed_id
        elif stay.shelter.is_transit_centre:
            assert previous.exit_destination == ExitDestination.TRANSIT_CENTRE
        else:
            assert previous.exit_destination == ExitDestination.OTHER_SHELTER
    assert any(stays[p].shelter_id != s.shelter_id for p, s in following.items())  # transfers, not only moves


def test_the_bed_book_sees_every_night_the_database_holds(generated):
    """What the generator places stays and outages by: every stay and outage written so far is
    taken in it, the nights between them are free, and so is nothing outside a bed's service."""
    beds = list(Bed.objects.all())
    with transaction.atomic():
        book = BedBook.locked(beds)
    taken = defaultdict(list)
    for bed_id, during in [
        *Stay.objects.values_list("bed_id", "during"),
        *BedOutage.objects.values_list("bed_id", "during"),
    ]:
        taken[bed_id].append(during)
        assert not book.free(bed_id, during.lower, during.upper)
        assert not book.free(bed_id, during.lower, during.lower + timedelta(days=1))  # its first night
        assert not book.free(bed_id, during.lower - timedelta(days=400), during.lower + timedelta(days=1))
    gaps = 0
    for bed_id, ranges in taken.items():
        ranges.sort(key=lambda during: during.lower)
        for before, after in pairwise(ranges):
            if before.upper is not None and before.upper < after.lower:
                assert book.free(bed_id, before.upper, after.lower)  # back to back on both sides
                gaps += 1
    assert gaps
    bed = next(bed for bed in beds if all(during.upper for during in taken[bed.pk]))  # none still there
    assert not book.free(bed.pk, bed.in_service.lower - timedelta(days=1), bed.in_service.lower + timedelta(days=1))
    later = TODAY + timedelta(days=30)
    assert book.free(bed.pk, later, None)
    book.take(bed.pk, later, later + timedelta(days=3))
    assert not book.free(bed.pk, later + timedelta(days=2), None)
    assert book.free(bed.pk, later - timedelta(days=3), later) and book.free(bed.pk, later + timedelta(days=3), None)


def test_repatriated_people_stay_at_a_reception_centre_until_their_return(generated):
    received = 0
    for repatriation in Repatriation.objects.select_related("case").prefetch_related("steps"):
        steps = {step.code: step for step in repatriation.steps.all()}
        handover, returned = steps["handover_at_border"], steps["return_or_placement"]
        stays = list(Stay.objects.filter(case=repatriation.case).select_related("shelter").order_by("during"))
        if handover.done_on is None:
            assert not stays
            continue
        if not stays:
            continue
        reception = stays[0]
        assert reception.shelter.is_transit_centre and reception.during.lower == handover.done_on
        assert reception.during.upper == returned.done_on
        if repatriation.destination == "family":
            assert reception.exit_destination == ExitDestination.FAMILY_REUNIFICATION
        received += 1
    assert received >= 5


def test_outages_and_non_residential_assistance_leave_occupied_nights_alone(generated):
    outages = list(BedOutage.objects.select_related("bed"))
    assert outages
    for outage in outages:
        assert not Stay.objects.filter(bed=outage.bed, during__overlap=outage.during).exists()
        assert outage.during.lower in outage.bed.in_service and outage.reason
    assisted = list(NonResidentialAssistance.objects.select_related("shelter", "case__person"))
    assert assisted
    for assistance in assisted:
        assert assistance.case.child_at_identification and assistance.person_id == assistance.case.person_id
        assert assistance.service_types.exists()
        assert not Stay.objects.filter(
            person=assistance.person_id, shelter=assistance.shelter, during__contains=assistance.assisted_on
        ).exists()
    by_shelter = Counter(assistance.shelter.code for assistance in assisted)
    assert by_shelter.most_common(1)[0][0] == "vfi-home-of-dreams"


# --- Consents, referrals and their events ----------------------------------------------------------
def test_referral_events_follow_the_lifecycle_with_rising_stream_numbers(generated):
    referrals = list(Referral.objects.prefetch_related("events"))
    statuses = Counter(referral.status for referral in referrals)
    assert set(statuses) == set(ReferralStatus.values)
    assert share(statuses["completed"] + statuses["in_progress"], len(referrals)) > 0.4
    assert statuses["draft"] < statuses["declined"] + statuses["withdrawn"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_value FROM referrals_change_seq")
        (last_value,) = cursor.fetchone()
    for referral in referrals:
        events = list(referral.events.all())  # ordered by seq
        seqs = [event.seq for event in events]
        assert seqs == sorted(set(seqs)) and max(seqs) <= last_value
        assert [event.at for event in events] == sorted(event.at for event in events)
        assert referral.change_seq == seqs[-1]
        assert len({event.txid for event in events}) == 1 and events[0].txid > 0
        assert (events[0].kind, events[0].to_status) == ("created", ReferralStatus.DRAFT)
        status = ReferralStatus.DRAFT
        for event in events[1:]:
            if event.to_status:
                assert event.from_status == status and REFERRAL.can(status, event.to_status), event.kind
                status = event.to_status
            sender_side = event.kind in ("sent", "withdrawn", "consent_withdrawn", "consent_expired", "note")
            if event.kind != "note":
                organisation = referral.from_organisation_id if sender_side else referral.to_organisation_id
                assert event.organisation_id == organisation, event.kind
        assert status == referral.status
        if status == ReferralStatus.DRAFT:
            assert referral.sent_at is None
            continue
        sent = next(event for event in events if event.kind == "sent")
        acknowledge, answer = due_within(referral.urgency)
        assert referral.sent_at == sent.at
        assert (referral.acknowledge_due_at, referral.answer_due_at) == (sent.at + acknowledge, sent.at + answer)
        assert (status == ReferralStatus.DECLINED) == bool(referral.decline_reason)
        assert referral.from_organisation_id != referral.to_organisation_id


def test_consents_cover_their_referrals_and_children_consent_through_a_guardian(generated):
    referrals = list(Referral.objects.select_related("case__person", "consent__guardian").prefetch_related("events"))
    for referral in referrals:
        consent = referral.consent
        if consent is None:
            assert referral.status == ReferralStatus.DRAFT
            continue
        assert set(referral.shared_categories) <= set(consent.data_categories)
        withdrawn = consent.withdrawn_at is not None
        kinds = [event.kind for event in referral.events.all()]
        assert ("consent_withdrawn" in kinds) == (withdrawn and referral.status != ReferralStatus.DRAFT)
        if referral.status != ReferralStatus.DRAFT:  # the consent as it was when referral_send checked it
            if withdrawn:
                assert consent.withdrawn_at > referral.updated_at
                consent.withdrawn_at = None
            assert consent_problems(referral, consent, now=referral.sent_at) == {}
    consents = list(Consent.objects.select_related("person", "guardian"))
    given_by = Counter(consent.given_by for consent in consents)
    assert given_by["person"] and given_by["guardian"] and given_by["best_interest"]
    for consent in consents:
        child = is_child_for_consent(consent.person, consent.given_at.date())
        assert child == (consent.given_by != ConsentGivenBy.PERSON)
        if consent.given_by == ConsentGivenBy.GUARDIAN:
            assert consent.guardian.is_guardian and consent.guardian.person_id == consent.person_id
        assert (consent.given_by == ConsentGivenBy.BEST_INTEREST) == bool(consent.best_interest_reason)
        assert consent.given_at >= consent.case.created_at


def test_partners_pull_generated_referrals_in_stream_order(generated):
    vfi = Organisation.objects.get(code="vfi")
    events = list(partner_events(organisation=vfi, after_seq=0))
    assert events and [event.seq for event in events] == sorted(event.seq for event in events)
    middle = events[len(events) // 2].seq
    later = list(partner_referrals(organisation=vfi, after_seq=middle))
    assert later and all(referral.change_seq > middle for referral in later)
    shown = 0
    for referral in later:
        data = disclosure(referral, now=referral.sent_at + timedelta(minutes=1))
        if referral.consent.withdrawn_at is None:
            assert data["consent_status"] == "active"
        if referral.status not in ("declined", "withdrawn") and data["consent_status"] == "active":
            assert data["disclosed_categories"] == [
                category for category in DataCategory.values if category in referral.shared_categories
            ]
            shown += 1
    assert shown


# --- Case plans and follow-up visits -----------------------------------------------------------
def test_plans_are_approved_by_the_owners_manager_and_follow_ups_come_after_a_return_home(generated):
    plans = list(CasePlan.objects.select_related("case", "approved_by", "submitted_by").prefetch_related("goals"))
    assert Counter(plan.status for plan in plans).keys() == set(ApprovalStatus.values)
    for plan in plans:
        assert plan.case.status in ("active", "closed") and plan.goals.exists()
        if plan.status == ApprovalStatus.APPROVED:
            assert permissions.manage_case.allows(plan.approved_by, plan.case)
            assert plan.submitted_by_id != plan.approved_by_id and plan.submitted_at <= plan.approved_at
        else:
            assert plan.approved_by is None and plan.case.status == "active"
        assert (plan.status == ApprovalStatus.DRAFT) == (plan.submitted_by is None)
        assert (plan.status == ApprovalStatus.RETURNED) == bool(plan.return_reason)
    homecomings = defaultdict(set)
    for repatriation in Repatriation.objects.filter(destination="family").prefetch_related("steps"):
        homecomings[repatriation.case_id].add(
            next(s.done_on for s in repatriation.steps.all() if s.code == RETURN_STEP)
        )
    for case_id, discharged in Stay.objects.filter(exit_destination=ExitDestination.FAMILY_REUNIFICATION).values_list(
        "case_id", "during"
    ):
        homecomings[case_id].add(discharged.upper)
    policies = {plan.case_id: plan.follow_up_policy for plan in plans}
    default = FollowUpPolicy.objects.get(is_default=True)
    visits = list(FollowUpVisit.objects.select_related("case"))
    assert visits
    for visit in visits:
        policy = policies.get(visit.case_id) or default
        assert visit.reintegrated_on in homecomings[visit.case_id], visit.pk
        assert visit.due_on in visit_dates(policy.months, visit.reintegrated_on), visit.pk
        if visit.done_on is not None:
            assert visit.due_on <= TODAY and visit.done_on <= TODAY and visit.done_by_id
        if visit.case.status == "closed":
            assert visit.due_on <= visit.case.closed_at.date()
    past = [visit for visit in visits if visit.due_on <= TODAY]
    assert share(sum(visit.done_on is not None for visit in past), len(past)) > 0.7
    assert any(visit.due_on > TODAY for visit in visits)
    active = {case_id for case_id in homecomings if Case.objects.get(pk=case_id).status != "closed"}
    for case_id in active:  # every return home of an open case has its whole schedule
        scheduled = {visit.due_on for visit in visits if visit.case_id == case_id}
        policy = policies.get(case_id) or default
        for home in homecomings[case_id]:
            assert set(visit_dates(policy.months, home)) <= scheduled


# --- The services work on generated data -----------------------------------------------------------
@time_machine.travel(date(2026, 7, 1), tick=False)
def test_staff_can_open_cases_and_admit_residents_after_generation(reference):
    generate(people=600, seed=21, batch_size=300)
    today = date(2026, 7, 1)
    shelter = Shelter.objects.get(code="lwu-cpc-vientiane")
    worker = User.objects.get(username="demo.lwu-cpc.worker1")
    busy_people = Stay.objects.filter(during__contains=today).values_list("person_id", flat=True)
    case = (
        Case.objects.filter(status="active", owner=worker.organisation, person__sex__in=shelter.accepts_sexes)
        .exclude(person__in=busy_people)
        .order_by("identified_on")
        .first()
    )
    taken = DateRange(today, None)
    for each in Shelter.objects.all():  # the generator leaves beds free today in every shelter
        beds = each.beds.count()
        free = each.beds.exclude(stays__during__overlap=taken).exclude(outages__during__overlap=taken).count()
        assert free > 0.15 * beds, each.code
    bed = (
        Bed.objects.filter(shelter=shelter)
        .exclude(stays__during__overlap=taken)
        .exclude(outages__during__overlap=taken)
        .order_by("label")
        .first()
    )
    stay = stay_admit(actor=worker, shelter=shelter, case=case, admitted_on=today, bed=bed)
    assert stay.during.lower == today and stay.bed == bed
    opened = case_open(
        actor=worker,
        category="trafficking",
        identification_route="police",
        identified_on=today,
        person_values={
            "given_name_latin": "Noy",
            "family_name_latin": "Synthetic",
            "sex": "female",
            "date_of_birth": date(2001, 5, 1),
        },
    )
    counter = CaseCodeCounter.objects.get(province=worker.organisation.province, year=2026)
    assert opened.person.case_code == f"VT-2026-{counter.last_number:05d}"
    assert_codes_gap_free_and_counted()


# --- The occupancy load -------------------------------------------------------------------------
def test_the_occupancy_load_fills_its_beds_without_double_booking(reference):
    counts = generate_occupancy_load(stays=3000, shelters=4, years=1, batch_stays=700, today=TODAY)
    stays = list(Stay.objects.select_related("shelter", "case"))
    assert counts["shelters.stay"] == len(stays) == 3000
    assert counts["shelters.shelter"] == Shelter.objects.filter(code__startswith="load-").count() == 4
    assert {stay.shelter.code[:5] for stay in stays} == {"load-"}
    for bed_stays in stays_by(lambda stay: stay.bed_id).values():
        assert_no_overlap(bed_stays)
        for before, after in pairwise(bed_stays):
            assert (after.during.lower - before.during.upper).days <= 6  # back to back, small gaps
    for person_stays in stays_by(lambda stay: stay.person_id).values():
        assert_no_overlap(person_stays)
    transfers = [stay for stay in stays if stay.previous_stay_id]
    assert transfers
    by_id = {stay.pk: stay for stay in stays}
    for stay in transfers:
        previous = by_id[stay.previous_stay_id]
        assert previous.during.upper == stay.during.lower and previous.shelter_id != stay.shelter_id
        assert previous.exit_destination in ("other_shelter_lao", "transit_centre") and previous.case_id == stay.case_id
    for stay in stays:
        assert stay.during.lower >= stay.case.identified_on and (stay.during.upper or TODAY) <= TODAY
        assert stay.case.status != "closed" or stay.during.upper is not None
    assert Person.objects.count() < Case.objects.count() <= len(stays)  # some come back
    assert Stay.objects.filter(during__upper_inf=True).exists()
    first_day = TODAY - timedelta(days=365)
    nights = sum(
        (min(stay.during.upper or TODAY, TODAY) - max(stay.during.lower, first_day)).days
        for stay in stays
        if (stay.during.upper or TODAY) > first_day
    )
    assert nights / (Bed.objects.filter(shelter__code__startswith="load-").count() * 365) > 0.8
    with pytest.raises(RuntimeError, match="already"):
        generate_occupancy_load(stays=10, shelters=1, years=1, today=TODAY)
    generate(people=200, seed=3, today=TODAY)  # the demo data never uses the load's shelters
    assert Stay.objects.filter(shelter__code__startswith="load-").count() == 3000 < Stay.objects.count()


# --- The referral load --------------------------------------------------------------------------
def _referral_load_rows() -> list[tuple[object, ...]]:
    return list(
        Referral.objects.order_by("pk").values_list(
            "pk", "to_organisation__code", "status", "created_at", "shared_categories", "consent__data_categories"
        )
    )


def test_the_referral_load_writes_exactly_its_referrals_and_parts_write_the_same_rows(reference):
    load = {"referrals": 450, "years": 2, "batch_referrals": 100, "today": TODAY}
    with transaction.atomic():
        for part in (2, 0, 1):  # as three processes would, in any order
            generate_referral_load(**load, part=part, parts=3, check_empty=False)
        by_parts = _referral_load_rows()
        transaction.set_rollback(True)
    counts = generate_referral_load(**load)
    assert _referral_load_rows() == by_parts
    referrals = list(Referral.objects.select_related("to_organisation", "consent", "case__person"))
    assert counts["referrals.referral"] == len(referrals) == 450
    to_partner = sum(referral.to_organisation.code == "vfi" for referral in referrals)
    assert 0.25 < to_partner / 450 < 0.45  # 40 % drawn, less the cases vfi owns itself
    for referral in referrals:
        assert referral.to_organisation_id != referral.from_organisation_id
        if referral.status != ReferralStatus.DRAFT:
            consent = referral.consent
            consent.withdrawn_at = None  # as it was when the referral was sent
            assert consent_problems(referral, consent, now=referral.sent_at) == {}
    # Batches go forward in time, so the stream's numbers rise with the changes' times.
    seqs = [r.change_seq for r in sorted(referrals, key=lambda r: r.updated_at)]
    assert len(set(seqs)) == 450
    assert sum(a < b for a, b in pairwise(seqs)) > 0.65 * 449  # in random order: a half
    with pytest.raises(RuntimeError, match="already"):
        generate_referral_load(**load)


def test_the_demo_workers_have_reminders_due_overdue_and_upcoming(reference):
    """Issue 17.4: a newcomer logging in as a demo worker sees the reminder system work."""
    from casework.home import manager_home
    from notifications.upcoming import upcoming
    from seeds.demo import DEMO_LOGINS, WORKER_ROLES, escalated_logins, reminded_logins

    seed_demo(people=300)
    now = timezone.now()
    # Every demo login a reminder can reach: each worker is told of its cases' reminders; the
    # manager of the social worker's own office is told of the overdue ones by escalation (its
    # Reminders page lists them); every manager sees them counted on its home page; the other
    # roles are never told of a reminder (no case is assigned to them, no escalation reaches them).
    assert set(reminded_logins()) == {"social.worker", "counsellor"}
    assert escalated_logins() == ["manager"]
    for login in DEMO_LOGINS:
        user = User.objects.get(username=login.username)
        numbers = {count.label: count.number for count in (manager_home(user=user) or {"numbers": []})["numbers"]}
        if Role.MANAGER in login.roles:
            assert numbers["Overdue reminders"] > 0, login.username
        elif not WORKER_ROLES & set(login.roles):
            assert not Notification.objects.filter(user=user).exists(), login.username
    manager = User.objects.get(username="manager")
    escalations = Notification.objects.filter(user=manager, escalation=True, occurrence__resolved_at__isnull=True)
    assert escalations.filter(occurrence__due_at__lt=now - timedelta(days=3)).exists(), "overdue, escalated"
    assert set(escalations.values_list("occurrence__rule", flat=True)) >= {"follow_up_due"}
    # what its Reminders page shows: the escalated reminders on its first page
    client = Client()
    client.force_login(manager)
    page = client.get(reverse("notifications:list"))
    assert page.status_code == 200
    shown = {notification.pk for notification, _rule in page.context["rows"]}
    assert shown & set(escalations.values_list("pk", flat=True)), "escalations on the first page"
    for username in reminded_logins():
        user = User.objects.get(username=username)
        open_ = Notification.objects.filter(user=user, occurrence__resolved_at__isnull=True)
        rules = set(open_.values_list("occurrence__rule", flat=True))
        assert {"follow_up_due", "follow_up_overdue"} <= rules, username
        assert open_.filter(occurrence__due_at__gt=now - timedelta(days=1)).exists(), "due today"
        assert any(row.rule.code == "follow_up_due" for row in upcoming(recipient=user)), "upcoming"
    told = Notification.objects.count()
    seed_demo(people=300, if_empty=True)  # the next `pathway up`: nothing twice
    assert Notification.objects.count() == told
