"""The demo-data generator: the rows it writes hold together, look like the shelters' tables,
repeat for a seed, and leave the case-code counters ready for real registrations."""

import re
from collections import Counter, defaultdict
from datetime import date
from io import StringIO

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count

from accounts.models import Province, Role, User
from casework import permissions
from casework.ages import is_child_on
from casework.choices import FamilyAssessment, ReturnDestination, StepStatus, Tier
from casework.models import (
    Case,
    CaseCodeCounter,
    CaseNote,
    FamilyMember,
    Person,
    Repatriation,
    RepatriationStep,
    Screening,
    ScreeningIndicator,
    Service,
)
from casework.repatriation_flows import ASSESSMENT_STEPS, RETURN_STEP, flow_steps
from casework.screening_rule import Threshold, evaluate
from seeds import generator
from seeds.demo import create_demo_logins, seed_demo
from seeds.generator import generate
from tests.factories import open_case

pytestmark = pytest.mark.django_db

TODAY = date(2026, 7, 1)


@pytest.fixture
def generated(reference):
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


def test_the_name_key_is_the_normalised_latin_name(generated):
    from casework.names import name_key

    for person in Person.objects.all():
        assert person.name_key == name_key(person.given_name_latin, person.family_name_latin)
        assert person.origin_district is None or person.origin_district.province_id == person.origin_province_id


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
