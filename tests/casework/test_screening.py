"""The screening service with the seeded indicators and thresholds: who may screen, what the rule
suggests and stores, overrides and later decisions, and the reflection period."""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import AuditEvent
from casework.models import CaseEvent, ElementThreshold, Indicator, Person, Screening, ScreeningIndicator
from casework.services import screening as services
from casework.services.cases import case_closure_approve, case_closure_request, case_share
from core.errors import ApplicationError, Conflict, NotFound, PermissionDenied
from tests.factories import open_case

pytestmark = pytest.mark.django_db

SCREENED_ON = date(2026, 3, 2)
# Seeded indicators (seeds/data/indicators.json)
ACT_STRONG = "act-recruited-by-third-party"
ACT_MEDIUM = "act-recruited-via-app-or-sms"
ACT_MEDIUM_2 = "act-marriage-arranged-by-broker"
MEANS_STRONG = "means-dest-debt-bondage"
MEANS_WEAK = "means-vuln-past-difficulties"
PURPOSE_STRONG = "purpose-excessive-hours"
PURPOSE_CHILD_ONLY = "purpose-child-forced-begging"
PURPOSE_ADULT_ONLY = "purpose-sexual-exploitation"
ADULT_PERSON = {"given_name_latin": "Adult", "family_name_latin": "Synthetic", "sex": "female"}


@pytest.fixture
def child_case(people):
    """The factory's person: born May 2008, identified March 2026 at 17."""
    return open_case(people.social_worker)


@pytest.fixture
def unknown_age_case(people):
    """A person with neither a birth date nor an estimate. case_open cannot register one yet
    (Case.child_at_identification lacks blank=True), so the birth date is removed afterwards."""
    case = open_case(people.social_worker, person_values={**ADULT_PERSON, "date_of_birth": date(1995, 1, 1)})
    Person.objects.filter(pk=case.person_id).update(date_of_birth=None)
    case.person.refresh_from_db()
    return case


@pytest.fixture
def adult_case(people):
    return open_case(people.social_worker, person_values={**ADULT_PERSON, "date_of_birth": date(1995, 1, 1)})


def screen(actor, case, indicators=((ACT_STRONG, ""), (PURPOSE_STRONG, "")), **values):
    """Record a screening with sensible interview facts unless the test says otherwise."""
    values.setdefault("place", "shelter")
    values.setdefault("screened_on", SCREENED_ON)
    values.setdefault("guardian_or_social_worker_present", True)
    return services.screening_record(actor=actor, case=case, indicators=list(indicators), **values)


def counts():
    return (
        Screening.objects.count(),
        ScreeningIndicator.objects.count(),
        CaseEvent.objects.count(),
        AuditEvent.objects.count(),
    )


def fields_of(excinfo):
    return set(excinfo.value.fields)


# --- The rule with the seeded data ------------------------------------------------------------
def test_a_child_with_act_and_purpose_but_no_means_is_a_possible_victim(people, child_case):
    """Palermo: for a child, act and purpose are enough."""
    screening = screen(people.social_worker, child_case)
    assert (screening.act_present, screening.means_present, screening.purpose_present) == (True, False, True)
    assert screening.age_at_exploitation == 17
    assert screening.suggested_outcome == screening.outcome == "possible_victim"
    assert screening.override_reason == ""


def test_the_same_findings_for_an_adult_need_further_assessment(people, adult_case):
    """An adult case needs means too; without them the screener looks further."""
    screening = screen(people.social_worker, adult_case)
    assert screening.age_at_exploitation == 31
    assert screening.suggested_outcome == screening.outcome == "needs_further_assessment"
    assert screening.reflection_period_ends_on is None


def test_an_adult_with_act_means_and_purpose_is_a_possible_victim(people, adult_case):
    """The full definition for adults."""
    screening = screen(people.social_worker, adult_case, [(ACT_STRONG, ""), (MEANS_STRONG, ""), (PURPOSE_STRONG, "")])
    assert screening.means_present
    assert screening.outcome == "possible_victim"


def test_nothing_observed_suggests_not_a_victim(people, adult_case):
    """An empty screening is recorded too, with its negative suggestion."""
    screening = screen(people.social_worker, adult_case, indicators=())
    assert screening.outcome == "not_a_victim"
    assert not screening.observed.exists()


def test_an_adult_exploited_as_a_child_is_a_child_case(people):
    """Exploited at 16, screened at 19: no means needed, and no guardian question (adult now)."""
    case = open_case(
        people.social_worker,
        person_values={**ADULT_PERSON, "date_of_birth": date(2007, 1, 1)},
        exploitation_started_on=date(2023, 6, 1),
    )
    screening = screen(people.social_worker, case, guardian_or_social_worker_present=None)
    assert screening.age_at_exploitation == 16
    assert screening.outcome == "possible_victim"
    assert screening.guardian_or_social_worker_present is None


def test_an_unknown_age_applies_the_adult_rule(people, unknown_age_case):
    """No birth date or estimate: means are needed; the screener may override with a reason."""
    screening = screen(people.social_worker, unknown_age_case)
    assert screening.age_at_exploitation is None
    assert screening.suggested_outcome == "needs_further_assessment"


def test_stored_thresholds_decide(people, adult_case):
    """An administrator's threshold applies without a code change: one medium act indicator."""
    indicators = [(ACT_MEDIUM, ""), (MEANS_STRONG, ""), (PURPOSE_STRONG, "")]
    assert not screen(people.social_worker, adult_case, indicators).act_present
    ElementThreshold.objects.filter(element="act").update(medium=1)
    assert screen(people.social_worker, adult_case, indicators).act_present


def test_weak_indicators_count_only_when_a_weak_threshold_is_set(people, adult_case):
    """Seeded: weak alone never suffices. With weak=1, one weak means indicator does."""
    indicators = [(ACT_STRONG, ""), (MEANS_WEAK, ""), (PURPOSE_STRONG, "")]
    assert not screen(people.social_worker, adult_case, indicators).means_present
    ElementThreshold.objects.filter(element="means").update(weak=1)
    assert screen(people.social_worker, adult_case, indicators).outcome == "possible_victim"


def test_thresholds_fall_back_to_the_default_and_a_weak_of_zero_is_refused(reference):
    """A missing row is one strong or two medium; the database refuses weak=0, which would make
    an element present with nothing observed."""
    ElementThreshold.objects.filter(element="purpose").delete()
    ElementThreshold.objects.filter(element="act").update(strong=3)
    thresholds = services.load_thresholds()
    assert (thresholds["purpose"].strong, thresholds["purpose"].medium, thresholds["purpose"].weak) == (1, 2, None)
    assert (thresholds["act"].strong, thresholds["act"].weak) == (3, None)
    with pytest.raises(IntegrityError), transaction.atomic():
        ElementThreshold.objects.filter(element="act").update(weak=0)


def test_screening_evaluate_shows_what_recording_would_store(people, child_case):
    """The live suggestion on the form and the stored row come from the same rule."""
    chosen = list(Indicator.objects.filter(code__in=[ACT_STRONG, PURPOSE_STRONG]))
    result = services.screening_evaluate(case=child_case, indicators=chosen)
    screening = screen(people.social_worker, child_case, [(indicator, "") for indicator in chosen])
    assert (result.act, result.means, result.purpose, result.age, result.suggested) == (
        screening.act_present,
        screening.means_present,
        screening.purpose_present,
        screening.age_at_exploitation,
        screening.suggested_outcome,
    )


# --- What is stored ---------------------------------------------------------------------------
def test_indicators_notes_and_interview_facts_are_stored(people, child_case):
    """Codes or Indicator objects both work; each keeps its note."""
    indicator = Indicator.objects.get(code=ACT_STRONG)
    screening = screen(
        people.social_worker,
        child_case,
        [(indicator, "an aunt brought her"), (PURPOSE_STRONG, " 14 hours a day "), (MEANS_WEAK, None)],
        notes="seen with her brother",
        interpreter_used=True,
        interpreter_language="hmn",
        same_gender_interviewer_offered=True,
        consent_assents_to_interview=True,
        consent_told_how_to_withdraw=True,
    )
    screening.refresh_from_db()
    stored = {row.indicator_id: row.note for row in screening.observed.all()}
    assert stored == {ACT_STRONG: "an aunt brought her", PURPOSE_STRONG: "14 hours a day", MEANS_WEAK: ""}
    assert screening.notes == "seen with her brother"
    assert (screening.interpreter_used, screening.interpreter_language) == (True, "hmn")
    assert screening.same_gender_interviewer_offered
    assert screening.guardian_or_social_worker_present is True
    assert screening.consent_assents_to_interview and screening.consent_told_how_to_withdraw
    assert not screening.consent_told_retention
    assert (screening.screener, screening.screener_organisation) == (
        people.social_worker,
        people.social_worker.organisation,
    )
    assert (screening.place, screening.screened_on) == ("shelter", SCREENED_ON)


def test_timeline_and_audit_rows_carry_codes_only(people, child_case):
    """The timeline is shown to everyone who sees the case: outcome codes, no notes or names."""
    screening = screen(people.social_worker, child_case, [(ACT_STRONG, "her uncle Somchai"), (PURPOSE_STRONG, "")])
    event = CaseEvent.objects.get(case=child_case, kind="screening_recorded")
    assert event.data == {"outcome": "possible_victim", "suggested_outcome": "possible_victim"}
    assert event.actor == people.social_worker
    assert AuditEvent.objects.filter(
        object_type="casework.screening", object_id=str(screening.pk), action="create", actor=people.social_worker
    ).exists()


# --- Overrides and decisions ------------------------------------------------------------------
def test_an_override_needs_a_reason(people, adult_case):
    """The screener may disagree with the rule, but must say why."""
    with pytest.raises(ApplicationError) as excinfo:
        screen(people.social_worker, adult_case, outcome="possible_victim", override_reason="  ")
    assert "override_reason" in excinfo.value.fields
    screening = screen(
        people.social_worker, adult_case, outcome="possible_victim", override_reason="fear of the broker observed"
    )
    assert (screening.suggested_outcome, screening.outcome) == ("needs_further_assessment", "possible_victim")
    assert screening.override_reason == "fear of the broker observed"
    assert screening.reflection_period_ends_on == SCREENED_ON + timedelta(days=30)


def test_actual_victim_needs_a_deciding_body_and_date(people, child_case):
    """Only a deciding body confirms an actual victim (HTCDS status_decision_org)."""
    with pytest.raises(ApplicationError) as excinfo:
        screen(people.social_worker, child_case, outcome="actual_victim", override_reason="police confirmed")
    assert fields_of(excinfo) == {"deciding_body", "decided_on"}
    screening = screen(
        people.social_worker,
        child_case,
        outcome="actual_victim",
        override_reason="police confirmed",
        deciding_body="police",
        decided_on=SCREENED_ON,
    )
    assert (screening.outcome, screening.deciding_body, screening.decided_on) == (
        "actual_victim",
        "police",
        SCREENED_ON,
    )
    assert screening.reflection_period_ends_on == SCREENED_ON + timedelta(days=30)


def test_an_invalid_outcome_is_refused_without_asking_for_a_reason(people, child_case):
    """The screener gets the one message that helps."""
    with pytest.raises(ApplicationError) as excinfo:
        screen(people.social_worker, child_case, outcome="victim")
    assert fields_of(excinfo) == {"outcome"}


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"deciding_body": "police"}, "decided_on"),
        ({"decided_on": SCREENED_ON}, "deciding_body"),
        ({"deciding_body": "the chief", "decided_on": SCREENED_ON}, "deciding_body"),
    ],
)
def test_a_deciding_body_and_its_date_come_together(people, child_case, values, field):
    """Half a decision is not a decision."""
    with pytest.raises(ApplicationError) as excinfo:
        screen(people.social_worker, child_case, **values)
    assert fields_of(excinfo) == {field}


def test_a_later_decision_confirms_an_actual_victim_with_a_reason(people, child_case):
    """Police or a court confirm later; the reason is kept and the timeline says who decided."""
    screening = screen(people.social_worker, child_case)
    decided = services.screening_confirm(
        actor=people.social_worker,
        screening=screening,
        outcome="actual_victim",
        deciding_body="court_or_prosecution",
        decided_on=date(2026, 4, 10),
        reason="court judgment",
    )
    decided.refresh_from_db()
    assert (decided.outcome, decided.suggested_outcome) == ("actual_victim", "possible_victim")
    assert (decided.deciding_body, decided.decided_on, decided.override_reason) == (
        "court_or_prosecution",
        date(2026, 4, 10),
        "court judgment",
    )
    assert decided.reflection_period_ends_on == SCREENED_ON + timedelta(days=30)  # not restarted
    event = CaseEvent.objects.get(case=child_case, kind="screening_decided")
    assert event.data == {
        "outcome": "actual_victim",
        "previous_outcome": "possible_victim",
        "deciding_body": "court_or_prosecution",
    }
    assert AuditEvent.objects.filter(object_id=str(screening.pk), action="update").exists()


@pytest.mark.parametrize(
    ("values", "fields"),
    [
        ({"reason": " "}, {"reason"}),
        ({"deciding_body": ""}, {"deciding_body"}),
        ({"decided_on": None}, {"decided_on"}),
        ({"decided_on": SCREENED_ON - timedelta(days=1)}, {"decided_on"}),
        ({"decided_on": "future"}, {"decided_on"}),
        ({"outcome": "guilty"}, {"outcome"}),
    ],
)
def test_a_decision_needs_reason_body_and_a_plausible_date(people, child_case, values, fields):
    """Refused decisions leave the screening and the timeline as they were."""
    screening = screen(people.social_worker, child_case)
    if values.get("decided_on") == "future":
        values["decided_on"] = timezone.localdate() + timedelta(days=1)
    decision = {
        "outcome": "not_a_victim",
        "deciding_body": "police",
        "decided_on": date(2026, 4, 1),
        "reason": "investigation found no exploitation",
        **values,
    }
    before = counts()
    with pytest.raises(ApplicationError) as excinfo:
        services.screening_confirm(actor=people.social_worker, screening=screening, **decision)
    assert fields_of(excinfo) == fields
    assert counts() == before
    screening.refresh_from_db()
    assert (screening.outcome, screening.deciding_body) == ("possible_victim", "")


def test_a_negative_police_decision_does_not_cut_the_reflection_period_short(people, orgs, child_case):
    """The person keeps the days they were promised; interviews wait as before."""
    screening = screen(people.social_worker, child_case)
    case_share(actor=people.social_worker, case=child_case, organisation=orgs.police, purpose="investigation")
    decided = services.screening_confirm(
        actor=people.police,
        screening=screening,
        outcome="not_a_victim",
        deciding_body="police",
        decided_on=date(2026, 3, 5),
        reason="investigation found no exploitation",
    )
    assert decided.outcome == "not_a_victim"
    assert decided.reflection_period_ends_on == SCREENED_ON + timedelta(days=30)
    assert not services.investigative_interview_allowed(decided, date(2026, 3, 6))


def test_a_positive_decision_after_further_assessment_starts_the_reflection_period(people, adult_case):
    """Reasonable grounds arrive with the decision, so the period runs from its date."""
    screening = screen(people.social_worker, adult_case)
    assert screening.reflection_period_ends_on is None
    decided = services.screening_confirm(
        actor=people.social_worker,
        screening=screening,
        outcome="actual_victim",
        deciding_body="non_police_government",
        decided_on=date(2026, 3, 20),
        reason="victim identification working group",
    )
    assert decided.reflection_period_ends_on == date(2026, 3, 20) + timedelta(days=30)


# --- Validation: 400s with field messages, nothing half-saved -------------------------------
def future(_case):
    return {"screened_on": timezone.localdate() + timedelta(days=1)}


def deactivate(_case):
    Indicator.objects.filter(code=MEANS_STRONG).update(active=False)
    return {"indicators": [(ACT_STRONG, ""), (MEANS_STRONG, "")]}


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (future, "screened_on"),
        (lambda case: {"indicators": [("act-invented", "")]}, "indicators"),
        (deactivate, "indicators"),
        (lambda case: {"indicators": [(ACT_STRONG, ""), (ACT_STRONG, "again")]}, "indicators"),
        (lambda case: {"indicators": [(ACT_STRONG, "x" * 501)]}, "indicators"),
        (lambda case: {"indicators": [ACT_STRONG]}, "indicators"),
        (lambda case: {"outcome": "not_a_victim"}, "override_reason"),
        (lambda case: {"guardian_or_social_worker_present": None}, "guardian_or_social_worker_present"),
        (lambda case: {"interpreter_used": True}, "interpreter_language"),
        (lambda case: {"interpreter_language": "th"}, "interpreter_language"),
        (lambda case: {"place": "market"}, "place"),
        (lambda case: {"screener": "someone else"}, "screener"),
    ],
    ids=[
        "future-date",
        "unknown-indicator",
        "inactive-indicator",
        "repeated-indicator",
        "long-note",
        "not-a-pair",
        "override-without-reason",
        "guardian-unanswered-for-a-child",
        "interpreter-without-language",
        "language-without-interpreter",
        "unknown-place",
        "not-an-interview-fact",
    ],
)
def test_invalid_screenings_are_refused_with_a_field_message_and_save_nothing(people, child_case, make, field):
    """Every refusal names the field to correct, and no row of any kind is left behind."""
    values = make(child_case)
    before = counts()
    with pytest.raises(ApplicationError) as excinfo:
        screen(people.social_worker, child_case, **values)
    assert field in excinfo.value.fields
    assert excinfo.value.status_code == 400
    assert counts() == before


def test_several_mistakes_are_reported_together(people, child_case):
    """One round trip shows the screener everything to fix."""
    with pytest.raises(ApplicationError) as excinfo:
        screen(
            people.social_worker,
            child_case,
            [("act-invented", "")],
            outcome="possible_victim",
            guardian_or_social_worker_present=None,
        )
    assert fields_of(excinfo) == {"indicators", "override_reason", "guardian_or_social_worker_present"}


def test_a_child_only_indicator_is_refused_on_an_adult_case(people, adult_case):
    """ILO keeps separate adult and child lists; the case's age at exploitation picks one."""
    with pytest.raises(ApplicationError) as excinfo:
        screen(people.social_worker, adult_case, [(PURPOSE_CHILD_ONLY, "")])
    assert PURPOSE_CHILD_ONLY in excinfo.value.fields["indicators"][0]


def test_an_adult_only_indicator_is_refused_on_a_child_case(people, child_case):
    """The child list has its own wording (e.g. commercial sexual exploitation of a child)."""
    with pytest.raises(ApplicationError) as excinfo:
        screen(people.social_worker, child_case, [(PURPOSE_ADULT_ONLY, "")])
    assert PURPOSE_ADULT_ONLY in excinfo.value.fields["indicators"][0]


def test_with_the_age_unknown_both_lists_are_allowed(people, unknown_age_case):
    """Nobody can say which list applies, so neither is refused."""
    screening = screen(people.social_worker, unknown_age_case, [(PURPOSE_CHILD_ONLY, ""), (PURPOSE_ADULT_ONLY, "")])
    assert screening.observed.count() == 2


def test_the_guardian_question_may_be_answered_no(people, child_case):
    """A child screened without a guardian is recorded as such, not refused."""
    screening = screen(people.social_worker, child_case, guardian_or_social_worker_present=False)
    assert screening.guardian_or_social_worker_present is False


# --- Who may screen ---------------------------------------------------------------------------
def test_police_screen_a_case_shared_with_them_but_not_an_unshared_one(people, orgs, child_case):
    """Police record screenings at identification, on cases they can see."""
    with pytest.raises(NotFound):
        screen(people.police, child_case)
    case_share(actor=people.social_worker, case=child_case, organisation=orgs.police, purpose="investigation")
    screening = screen(people.police, child_case, place="police_station")
    assert (screening.screener, screening.screener_organisation) == (people.police, orgs.police)


@pytest.mark.parametrize("persona", ["outsider", "statistician", "partner", "admin", "shelter_staff", "anonymous"])
def test_people_who_cannot_see_the_case_get_not_found(people, child_case, persona):
    """404, never 403: the answer must not reveal that the case exists."""
    before = counts()
    with pytest.raises(NotFound):
        screen(getattr(people, persona), child_case)
    assert counts() == before


def test_a_manager_sees_the_case_but_may_not_screen(people, child_case):
    """Managers read; screening is casework (403 on a visible case)."""
    with pytest.raises(PermissionDenied):
        screen(people.manager, child_case)


def test_a_closed_case_is_not_screened(people, child_case):
    """Closed means closed: reopen first."""
    case_closure_request(actor=people.social_worker, case=child_case, reason="reintegrated")
    case_closure_approve(actor=people.manager, case=child_case)
    with pytest.raises(PermissionDenied):
        screen(people.social_worker, child_case)


def test_decisions_and_opt_ins_follow_the_same_permission(people, child_case):
    """An outsider cannot even learn the screening exists; a manager may not decide."""
    screening = screen(people.social_worker, child_case)
    decision = {
        "outcome": "actual_victim",
        "deciding_body": "police",
        "decided_on": date(2026, 3, 3),
        "reason": "confirmed",
    }
    with pytest.raises(NotFound):
        services.screening_confirm(actor=people.outsider, screening=screening, **decision)
    with pytest.raises(PermissionDenied):
        services.screening_confirm(actor=people.manager, screening=screening, **decision)
    with pytest.raises(NotFound):
        services.screening_opt_in(actor=people.outsider, screening=screening, on=date(2026, 3, 3))
    with pytest.raises(PermissionDenied):
        services.screening_opt_in(actor=people.manager, screening=screening, on=date(2026, 3, 3))


# --- Reflection period ------------------------------------------------------------------------
def test_a_positive_screening_holds_investigative_interviews_back_for_the_reflection_period(people, child_case):
    """30 full days after the screening day; the period's last day is still protected."""
    screening = screen(people.social_worker, child_case)
    ends_on = SCREENED_ON + timedelta(days=30)
    assert screening.reflection_period_ends_on == ends_on
    assert not services.investigative_interview_allowed(screening, SCREENED_ON)
    assert not services.investigative_interview_allowed(screening, ends_on)
    assert services.investigative_interview_allowed(screening, ends_on + timedelta(days=1))


def test_the_reflection_period_length_is_a_setting(people, child_case, settings):
    """The Lao length is unconfirmed (docs/design/domain.md, Reflection period), so it is configurable."""
    settings.SCREENING_REFLECTION_DAYS = 45
    assert screen(people.social_worker, child_case).reflection_period_ends_on == SCREENED_ON + timedelta(days=45)


def test_no_reflection_period_without_a_positive_outcome(people, adult_case):
    """Needs further assessment: nothing to wait for."""
    screening = screen(people.social_worker, adult_case)
    assert services.investigative_interview_allowed(screening, SCREENED_ON)


def test_opting_in_allows_an_interview_from_that_day(people, child_case):
    """The person's own choice ends the wait, once, and is on the timeline."""
    screening = screen(people.social_worker, child_case)
    opted = services.screening_opt_in(actor=people.social_worker, screening=screening, on=date(2026, 3, 7))
    opted.refresh_from_db()
    assert opted.opted_in_to_interview_on == date(2026, 3, 7)
    assert not services.investigative_interview_allowed(opted, date(2026, 3, 6))
    assert services.investigative_interview_allowed(opted, date(2026, 3, 7))
    assert CaseEvent.objects.get(case=child_case, kind="screening_opted_in").data == {}
    with pytest.raises(Conflict):
        services.screening_opt_in(actor=people.social_worker, screening=screening, on=date(2026, 3, 8))


@pytest.mark.parametrize(
    "on",
    [SCREENED_ON - timedelta(days=1), SCREENED_ON + timedelta(days=31), "tomorrow"],
    ids=["before-screening", "after-period", "future"],
)
def test_an_opt_in_date_must_fall_within_the_period(people, child_case, on):
    """An opt-in outside the period would be meaningless or invented."""
    screening = screen(people.social_worker, child_case)
    on = timezone.localdate() + timedelta(days=1) if on == "tomorrow" else on
    with pytest.raises(ApplicationError) as excinfo:
        services.screening_opt_in(actor=people.social_worker, screening=screening, on=on)
    assert fields_of(excinfo) == {"opted_in_to_interview_on"}
    screening.refresh_from_db()
    assert screening.opted_in_to_interview_on is None


def test_no_opt_in_without_a_reflection_period(people, adult_case):
    """Nothing is held back, so there is nothing to opt out of."""
    screening = screen(people.social_worker, adult_case)
    with pytest.raises(ApplicationError):
        services.screening_opt_in(actor=people.social_worker, screening=screening, on=SCREENED_ON)


def test_investigative_interview_allowed_reads_only_the_row():
    """Pure: an unsaved screening answers too (the reminders and the task list call it per row)."""
    ends = date(2026, 4, 1)
    assert services.investigative_interview_allowed(Screening(), ends)
    assert not services.investigative_interview_allowed(Screening(reflection_period_ends_on=ends), ends)
    assert services.investigative_interview_allowed(Screening(reflection_period_ends_on=ends), date(2026, 4, 2))
    opted = Screening(reflection_period_ends_on=ends, opted_in_to_interview_on=date(2026, 3, 10))
    assert not services.investigative_interview_allowed(opted, date(2026, 3, 9))
    assert services.investigative_interview_allowed(opted, date(2026, 3, 10))
