import json
from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import AuditEvent, Country
from casework.cadence import add_months
from casework.choices import RepatriationFlow
from casework.models import BorderPoint, CaseEvent, CaseNote, FollowUpPolicy, FollowUpVisit, Repatriation
from casework.repatriation_flows import ASSESSMENT_STEPS, FLOWS, RETURN_STEP, SIDES, flow_steps
from casework.services import repatriation as services
from casework.services.assessments import best_interests_determine
from casework.services.assistance import plan_save
from casework.services.cases import case_share
from casework.services.follow_ups import follow_ups_schedule
from casework.services.people import person_update
from core.errors import ApplicationError, Conflict, NotFound, PermissionDenied
from tests.factories import open_case

pytestmark = pytest.mark.django_db

SECRET = "Khamla-private-words"  # free text that must never reach the timeline


def adult_values(**extra):
    return {
        "given_name_latin": "Noy",
        "family_name_latin": "Synthetic",
        "sex": "female",
        "date_of_birth": date(1990, 1, 1),
        **extra,
    }


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def case_person():
    return adult_values()


def start(actor, case, flow=RepatriationFlow.THAILAND_MOU, country="TH", **extra):
    return services.repatriation_start(
        actor=actor, case=case, flow=flow, from_country=Country.objects.get(code=country), **extra
    )


@pytest.fixture
def rep(people, case):
    return start(
        people.social_worker,
        case,
        partner_abroad="MSDHS Kredtrakarn shelter",
        border_point=BorderPoint.objects.get(code="friendship_bridge_1"),
    )


def step(rep, code):
    return rep.steps.get(code=code)


def complete(actor, rep, *codes, on=None):
    for code in codes:
        services.step_complete(actor=actor, step=step(rep, code), done_on=on or timezone.localdate())


def statuses(rep):
    return dict(rep.steps.values_list("code", "status"))


def kinds(case):
    return list(CaseEvent.objects.filter(case=case).order_by("id").values_list("kind", flat=True))


# --- The flows ------------------------------------------------------------------------------------
@pytest.mark.parametrize("flow", list(RepatriationFlow))
def test_every_flow_is_an_ordered_checklist_with_the_safeguarding_steps(flow):
    """Dependencies point backwards (so the flow can be walked in order), and every flow has one
    family assessment and one return-or-placement decision, which the services look up."""
    steps = flow_steps(flow)
    assert flow_steps(flow.value) == steps == FLOWS[flow]
    codes = [s.code for s in steps]
    assert len(codes) == len(set(codes))
    for position, template in enumerate(steps):
        assert template.side in SIDES and template.title_en and template.title_lo
        assert set(template.depends_on) <= set(codes[:position]), template.code
    assert len(ASSESSMENT_STEPS & set(codes)) == 1
    assert codes[0] == "case_interview_documentation" and codes[-2:] == [RETURN_STEP, "reintegration_follow_up"]
    # The return comes after the family assessment, directly or through other steps.
    by_code = {s.code: s for s in steps}
    ancestors, todo = set(), [RETURN_STEP]
    while todo:
        needed = by_code[todo.pop()].depends_on
        ancestors.update(needed)
        todo.extend(needed)
    assert ASSESSMENT_STEPS & ancestors
    with pytest.raises(KeyError):
        flow_steps("nowhere")


# --- Starting -------------------------------------------------------------------------------------
def test_start_copies_the_flow_into_steps(people, case, rep, today):
    templates = flow_steps(RepatriationFlow.THAILAND_MOU)
    steps = list(rep.steps.order_by("position"))
    assert [(s.position, s.code) for s in steps] == [(i, t.code) for i, t in enumerate(templates, start=1)]
    for s, t in zip(steps, templates, strict=True):
        assert sorted(s.depends_on.values_list("code", flat=True)) == sorted(t.depends_on)
        assert s.due_on == today + timedelta(days=t.due_days)
        assert s.status == "pending"
        assert s.responsible_in_laos == (None if t.side == "abroad" else case.owner)
        assert s.responsible_abroad == ("" if t.side == "laos" else "MSDHS Kredtrakarn shelter")
    assert (rep.status, rep.from_country_id, rep.border_point_id, rep.started_by) == (
        "in_progress",
        "TH",
        "friendship_bridge_1",
        people.social_worker,
    )
    event = CaseEvent.objects.get(case=case, kind="repatriation_started")
    assert event.data == {
        "repatriation": str(rep.pk),
        "flow": "thailand_mou",
        "from_country": "TH",
        "border_point": "friendship_bridge_1",
        "steps": 10,
    }
    assert AuditEvent.objects.filter(
        object_type="casework.repatriation", object_id=str(rep.pk), action="create"
    ).exists()


def test_start_dates_the_steps_from_the_start_day_and_the_chosen_lao_organisation(people, orgs, case, today):
    started = today - timedelta(days=20)
    rep = start(
        people.social_worker,
        case,
        flow=RepatriationFlow.CHINA,
        country="CN",
        started_on=started,
        responsible_in_laos=orgs.lwu,
    )
    handover = step(rep, "handover_at_border")
    assert handover.due_on == started + timedelta(days=45)
    assert handover.responsible_in_laos == orgs.lwu
    assert step(rep, "family_tracing_and_assessment").depends_on.get().code == "handover_at_border"


def test_a_case_has_one_open_repatriation_at_a_time(people, case, rep):
    with pytest.raises(Conflict):
        start(people.social_worker, case)
    assert Repatriation.objects.filter(case=case).count() == 1
    services.repatriation_cancel(actor=people.social_worker, repatriation=rep, reason="third_country")
    again = start(people.social_worker, case, flow=RepatriationFlow.OTHER_COUNTRY, country="MY")
    assert again.steps.count() == len(flow_steps(RepatriationFlow.OTHER_COUNTRY))


@pytest.mark.parametrize(
    ("flow", "country", "extra", "field"),
    [
        (RepatriationFlow.OTHER_COUNTRY, "LA", {}, "from_country"),
        (RepatriationFlow.THAILAND_MOU, "CN", {}, "from_country"),
        (RepatriationFlow.CHINA, "TH", {}, "from_country"),
        ("by_sea", "MY", {}, "flow"),
        (RepatriationFlow.THAILAND_MOU, "TH", {"started_on": date.today() + timedelta(days=2)}, "started_on"),
    ],
)
def test_start_refuses_a_wrong_country_flow_or_date(people, case, flow, country, extra, field):
    with pytest.raises(ApplicationError) as refused:
        start(people.social_worker, case, flow=flow, country=country, **extra)
    assert field in refused.value.fields
    assert not Repatriation.objects.exists()


# --- Steps ----------------------------------------------------------------------------------------
def test_steps_done_in_order_complete_the_repatriation(people, case, rep, today):
    sw = people.social_worker
    services.step_start(actor=sw, step=step(rep, "case_interview_documentation"))
    complete(sw, rep, "case_interview_documentation", "family_tracing_requested", "family_tracing_received")
    services.family_assessment_record(actor=sw, repatriation=rep, result="safe", notes=SECRET)
    complete(sw, rep, "assessment_result_sent", "return_coordination", "handover_at_border", "transit_centre_reception")
    services.return_decide(actor=sw, repatriation=rep, destination="family")
    rep.refresh_from_db()
    assert rep.status == "in_progress" and rep.completed_at is None
    complete(sw, rep, "reintegration_follow_up")
    rep.refresh_from_db()
    assert (rep.status, rep.family_assessment, rep.destination) == ("completed", "safe", "family")
    assert rep.completed_at is not None
    assert set(statuses(rep).values()) == {"done"}
    assert not rep.steps.exclude(reason="").exists()  # nothing was done out of order
    with pytest.raises(ApplicationError):
        services.repatriation_cancel(actor=sw, repatriation=rep, reason="victim_declined")


def test_a_step_before_its_dependencies_needs_a_reason(people, rep, today):
    handover = step(rep, "handover_at_border")
    with pytest.raises(ApplicationError) as refused:
        services.step_complete(actor=people.social_worker, step=handover, done_on=today)
    assert "reason" in refused.value.fields
    handover.refresh_from_db()
    assert handover.status == "pending"
    services.step_complete(actor=people.social_worker, step=handover, done_on=today, reason="Thai side moved first")
    handover.refresh_from_db()
    assert (handover.status, handover.done_on, handover.done_by, handover.reason) == (
        "done",
        today,
        people.social_worker,
        "Thai side moved first",
    )
    assert CaseEvent.objects.get(kind="repatriation_step_done").data["out_of_order"] is True


def test_a_skipped_dependency_counts_as_finished(people, rep, today):
    sw = people.social_worker
    complete(sw, rep, "case_interview_documentation", "family_tracing_requested")
    services.step_skip(actor=sw, step=step(rep, "family_tracing_received"), reason="province traced directly")
    services.family_assessment_record(actor=sw, repatriation=rep, result="safe")
    assert statuses(rep)["family_assessment"] == "done"


def test_a_step_is_not_done_in_the_future_nor_twice(people, rep, today):
    interview = step(rep, "case_interview_documentation")
    with pytest.raises(ApplicationError) as refused:
        services.step_complete(actor=people.social_worker, step=interview, done_on=today + timedelta(days=1))
    assert "done_on" in refused.value.fields
    services.step_complete(actor=people.social_worker, step=interview, done_on=today - timedelta(days=3))
    for move in (
        lambda: services.step_complete(actor=people.social_worker, step=interview, done_on=today),
        lambda: services.step_start(actor=people.social_worker, step=interview),
        lambda: services.step_skip(actor=people.social_worker, step=interview, reason="again"),
    ):
        with pytest.raises(ApplicationError):
            move()
    interview.refresh_from_db()
    assert interview.done_on == today - timedelta(days=3)


def test_skip_and_block_need_a_reason_and_unblock_resumes_the_step(people, rep, today):
    sw = people.social_worker
    coordination = step(rep, "return_coordination")
    for move in (services.step_skip, services.step_block):
        with pytest.raises(ApplicationError) as refused:
            move(actor=sw, step=coordination, reason="  ")
        assert "reason" in refused.value.fields
    services.step_block(actor=sw, step=coordination, reason="passport office closed")
    coordination.refresh_from_db()
    assert (coordination.status, coordination.reason) == ("blocked", "passport office closed")
    services.step_unblock(actor=sw, step=coordination)
    coordination.refresh_from_db()
    assert (coordination.status, coordination.reason) == ("in_progress", "")
    with pytest.raises(ApplicationError):
        services.step_unblock(actor=sw, step=coordination)  # not blocked any more
    services.step_skip(actor=sw, step=step(rep, "assessment_result_sent"), reason="result given by phone")
    assert statuses(rep)["assessment_result_sent"] == "skipped"


def test_the_decision_steps_are_completed_only_by_recording_the_decision(people, rep, today):
    """A bare 'done' on the assessment or the return would leave the result or destination empty."""
    for code in ("family_assessment", RETURN_STEP):
        with pytest.raises(ApplicationError):
            services.step_complete(actor=people.social_worker, step=step(rep, code), done_on=today, reason="r")
    with pytest.raises(ApplicationError):
        services.step_skip(actor=people.social_worker, step=step(rep, RETURN_STEP), reason="r")
    assert set(statuses(rep).values()) == {"pending"}


def test_a_stale_step_is_a_conflict(people, rep):
    """Two workers read the same step; the second write loses rather than overwriting the first."""
    mine, theirs = step(rep, "return_coordination"), step(rep, "return_coordination")
    services.step_start(actor=people.social_worker, step=mine)
    with pytest.raises(Conflict):
        services.step_block(actor=people.social_worker, step=theirs, reason="waiting for passport")
    assert statuses(rep)["return_coordination"] == "in_progress"


# --- Legal proceedings and cancellation --------------------------------------------------------------
def test_waiting_for_legal_proceedings_freezes_the_steps_until_resumed(people, case, rep, today):
    sw = people.social_worker
    with pytest.raises(ApplicationError) as refused:
        services.repatriation_await_legal_proceedings(actor=sw, repatriation=rep, note=" ")
    assert "note" in refused.value.fields
    services.repatriation_await_legal_proceedings(actor=sw, repatriation=rep, note=SECRET)
    rep.refresh_from_db()
    assert rep.status == "awaiting_legal_proceedings"
    note = CaseNote.objects.get(case=case, kind="legal")
    assert note.text == SECRET
    assert CaseEvent.objects.get(kind="repatriation_awaiting_legal_proceedings").data["note"] == str(note.pk)
    with pytest.raises(ApplicationError):
        services.step_start(actor=sw, step=step(rep, "case_interview_documentation"))
    with pytest.raises(ApplicationError):
        services.family_assessment_record(actor=sw, repatriation=rep, result="safe", reason="r")
    with pytest.raises(ApplicationError):
        services.repatriation_await_legal_proceedings(actor=sw, repatriation=rep, note="again")
    services.repatriation_resume(actor=sw, repatriation=rep)
    rep.refresh_from_db()
    assert rep.status == "in_progress"
    with pytest.raises(ApplicationError):
        services.repatriation_resume(actor=sw, repatriation=rep)
    services.step_start(actor=sw, step=step(rep, "case_interview_documentation"))


def test_cancelling_needs_a_reason_and_other_needs_a_note(people, rep, today):
    sw = people.social_worker
    for reason, note, field in (("", "", "reason"), ("changed_mind", "", "reason"), ("other", " ", "note")):
        with pytest.raises(ApplicationError) as refused:
            services.repatriation_cancel(actor=sw, repatriation=rep, reason=reason, note=note)
        assert field in refused.value.fields
    rep.refresh_from_db()
    assert rep.status == "in_progress"
    services.repatriation_cancel(actor=sw, repatriation=rep, reason="other", note="married in Thailand")
    rep.refresh_from_db()
    assert (rep.status, rep.cancellation_reason, rep.cancellation_note) == ("cancelled", "other", "married in Thailand")
    with pytest.raises(ApplicationError):
        services.step_complete(actor=sw, step=step(rep, "case_interview_documentation"), done_on=today)
    with pytest.raises(ApplicationError):
        services.repatriation_resume(actor=sw, repatriation=rep)
    with pytest.raises(ApplicationError):
        services.repatriation_cancel(actor=sw, repatriation=rep, reason="deceased")


def test_a_repatriation_on_hold_can_be_cancelled(people, rep):
    services.repatriation_await_legal_proceedings(actor=people.social_worker, repatriation=rep, note="trial")
    services.repatriation_cancel(actor=people.social_worker, repatriation=rep, reason="stay_in_destination")
    rep.refresh_from_db()
    assert (rep.status, rep.cancellation_reason) == ("cancelled", "stay_in_destination")


# --- The safeguarding decision ------------------------------------------------------------------------
@pytest.mark.parametrize("result", ["unsafe", "not_found"])
def test_an_unsafe_or_missing_family_never_gets_the_person_back(people, rep, result, today):
    sw = people.social_worker
    with pytest.raises(ApplicationError) as refused:
        services.family_assessment_record(actor=sw, repatriation=rep, result=result)
    assert "reason" in refused.value.fields  # tracing was not recorded yet
    services.family_assessment_record(actor=sw, repatriation=rep, result=result, reason="paper file arrived late")
    with pytest.raises(ApplicationError) as refused:
        services.return_decide(actor=sw, repatriation=rep, destination="family", reason="urgent")
    assert "destination" in refused.value.fields
    rep.refresh_from_db()
    assert (rep.destination, statuses(rep)[RETURN_STEP]) == ("", "pending")
    services.return_decide(actor=sw, repatriation=rep, destination="shelter", reason="urgent")
    rep.refresh_from_db()
    assert (rep.family_assessment, rep.destination, statuses(rep)[RETURN_STEP]) == (result, "shelter", "done")


def test_a_safe_family_may_take_the_person_home(people, rep):
    services.family_assessment_record(actor=people.social_worker, repatriation=rep, result="safe", reason="r")
    services.return_decide(actor=people.social_worker, repatriation=rep, destination="family", reason="r")
    rep.refresh_from_db()
    assert rep.destination == "family"


def test_without_a_family_assessment_the_return_is_to_a_shelter(people, case, today):
    """China flow, every step skipped but the decision: no assessment means no return home, and
    a repatriation whose steps are all done or skipped is completed."""
    sw = people.social_worker
    rep = start(sw, case, flow=RepatriationFlow.CHINA, country="CN")
    for code in (
        "case_interview_documentation",
        "nationality_verification_travel_documents",
        "handover_at_border",
        "temporary_shelter_reception",
        "family_tracing_and_assessment",
    ):
        services.step_skip(actor=sw, step=step(rep, code), reason="returned on her own")
    with pytest.raises(ApplicationError) as refused:
        services.return_decide(actor=sw, repatriation=rep, destination="family")
    assert "destination" in refused.value.fields
    services.return_decide(actor=sw, repatriation=rep, destination="shelter")
    services.step_skip(actor=sw, step=step(rep, "reintegration_follow_up"), reason="moved abroad")
    rep.refresh_from_db()
    assert (rep.status, rep.family_assessment, rep.destination) == ("completed", "", "shelter")
    assert rep.completed_at is not None


def test_the_china_flow_records_the_assessment_on_its_tracing_step(people, case):
    rep = start(people.social_worker, case, flow=RepatriationFlow.CHINA, country="CN")
    services.family_assessment_record(actor=people.social_worker, repatriation=rep, result="not_found", reason="r")
    assert statuses(rep)["family_tracing_and_assessment"] == "done"
    assert CaseEvent.objects.get(kind="family_assessment_recorded").data["step"] == "family_tracing_and_assessment"


@pytest.mark.parametrize("dob", ["child", "unknown"])
def test_a_child_needs_a_best_interests_decision(people, today, dob):
    """Unknown age is treated as a child: the decision is asked for rather than skipped."""
    case = open_case(people.social_worker, person_values=adult_values(date_of_birth=date(today.year - 15, 1, 1)))
    if dob == "unknown":  # e.g. the birth date turned out to be wrong and was removed
        person_update(actor=people.social_worker, person=case.person, date_of_birth=None)
        case.person.refresh_from_db()
        assert case.person.date_of_birth is None and case.person.estimated_age is None
    rep = start(people.social_worker, case)
    services.family_assessment_record(actor=people.social_worker, repatriation=rep, result="unsafe", reason="r")
    with pytest.raises(ApplicationError) as refused:
        services.return_decide(actor=people.social_worker, repatriation=rep, destination="shelter", reason="r")
    assert "best_interests_decision" in refused.value.fields
    decided = {"destination": "shelter", "reason": "r", "best_interests_decision": "Shelter until the aunt is assessed"}
    with pytest.raises(
        ApplicationError
    ) as refused:  # and the panel's determination (tests/casework/test_best_interests.py)
        services.return_decide(actor=people.social_worker, repatriation=rep, **decided)
    assert "destination" in refused.value.fields
    best_interests_determine(
        actor=people.social_worker,
        case=case,
        decided_on=today,
        panel=["Chair, provincial social welfare", "Child protection officer", "LWU counsellor"],
        decision="placement",
        reasons="The family was found unsafe.",
    )
    services.return_decide(actor=people.social_worker, repatriation=rep, **decided)
    rep.refresh_from_db()
    assert rep.best_interests_decision == "Shelter until the aunt is assessed"


def test_an_adult_needs_no_best_interests_decision(people, rep):
    services.family_assessment_record(actor=people.social_worker, repatriation=rep, result="safe", reason="r")
    services.return_decide(actor=people.social_worker, repatriation=rep, destination="family", reason="r")
    assert statuses(rep)[RETURN_STEP] == "done"


def test_the_database_refuses_an_unsafe_family_return_even_past_the_service(people, rep):
    services.family_assessment_record(actor=people.social_worker, repatriation=rep, result="unsafe", reason="r")
    with pytest.raises(IntegrityError), transaction.atomic():
        Repatriation.objects.filter(pk=rep.pk).update(destination="family")
    rep.refresh_from_db()
    assert rep.destination == ""


# --- Follow-up visits ---------------------------------------------------------------------------------
def test_the_return_schedules_follow_up_visits_from_the_default_policy(people, case, rep, today):
    policy = FollowUpPolicy.objects.get(is_default=True)
    done_on = today - timedelta(days=2)
    services.family_assessment_record(actor=people.social_worker, repatriation=rep, result="safe", reason="r")
    services.return_decide(
        actor=people.social_worker, repatriation=rep, destination="family", reason="r", done_on=done_on
    )
    visits = list(FollowUpVisit.objects.filter(case=case).values_list("due_on", "reintegrated_on"))
    assert policy.months == [1, 3, 6, 12]
    assert visits == [(add_months(done_on, month), done_on) for month in (1, 3, 6, 12)]
    assert CaseEvent.objects.get(kind="return_decided").data["follow_ups_scheduled"] == len(visits)


def test_follow_up_scheduling_adds_no_duplicate_visits(people, case, rep, today):
    """Visits already scheduled for those days (e.g. by a shelter discharge) are kept, not doubled."""
    existing = follow_ups_schedule(case=case, start=today)
    services.family_assessment_record(actor=people.social_worker, repatriation=rep, result="safe", reason="r")
    services.return_decide(actor=people.social_worker, repatriation=rep, destination="family", reason="r")
    assert FollowUpVisit.objects.filter(case=case).count() == existing
    assert CaseEvent.objects.get(kind="return_decided").data["follow_ups_scheduled"] == 0


def test_the_case_plans_follow_up_policy_wins_over_the_default(people, case, rep):
    milestones = FollowUpPolicy.objects.get(code="monthly-one-year")
    plan_save(actor=people.social_worker, case=case, summary="", goals=[], follow_up_policy=milestones)
    services.family_assessment_record(actor=people.social_worker, repatriation=rep, result="safe", reason="r")
    services.return_decide(actor=people.social_worker, repatriation=rep, destination="family", reason="r")
    assert FollowUpVisit.objects.filter(case=case).count() == len(milestones.months)


# --- Who may ------------------------------------------------------------------------------------------
def every_change(rep):
    interview = rep.steps.get(code="case_interview_documentation")
    return {
        "start": lambda u: start(u, rep.case),
        "step_start": lambda u: services.step_start(actor=u, step=interview),
        "step_complete": lambda u: services.step_complete(actor=u, step=interview, done_on=timezone.localdate()),
        "step_skip": lambda u: services.step_skip(actor=u, step=interview, reason="r"),
        "step_block": lambda u: services.step_block(actor=u, step=interview, reason="r"),
        "step_unblock": lambda u: services.step_unblock(actor=u, step=interview),
        "assessment": lambda u: services.family_assessment_record(actor=u, repatriation=rep, result="safe", reason="r"),
        "return": lambda u: services.return_decide(actor=u, repatriation=rep, destination="shelter", reason="r"),
        "await": lambda u: services.repatriation_await_legal_proceedings(actor=u, repatriation=rep, note="n"),
        "resume": lambda u: services.repatriation_resume(actor=u, repatriation=rep),
        "cancel": lambda u: services.repatriation_cancel(actor=u, repatriation=rep, reason="deceased"),
    }


def test_outsiders_get_not_found_for_every_change(people, case, rep):
    before = kinds(case)
    for name, change in every_change(rep).items():
        with pytest.raises(NotFound):
            change(people.outsider)
            pytest.fail(name)
    assert kinds(case) == before
    assert set(statuses(rep).values()) == {"pending"}


def test_who_sees_but_may_not_change_gets_permission_denied(people, orgs, case, rep):
    """The owner's manager and police on a shared case see the repatriation; only case workers move it."""
    case_share(actor=people.social_worker, case=case, organisation=orgs.police, purpose="investigation")
    before = kinds(case)
    for persona in (people.manager, people.police):
        for name, change in every_change(rep).items():
            with pytest.raises(PermissionDenied):
                change(persona)
                pytest.fail(name)
    assert kinds(case) == before
    rep.refresh_from_db()
    assert rep.status == "in_progress"


# --- The timeline -------------------------------------------------------------------------------------
def test_every_change_writes_the_timeline_with_codes_only(people, case, rep, today):
    sw = people.social_worker
    services.step_block(actor=sw, step=step(rep, "case_interview_documentation"), reason=SECRET)
    services.step_unblock(actor=sw, step=step(rep, "case_interview_documentation"))
    complete(sw, rep, "case_interview_documentation")
    services.step_skip(actor=sw, step=step(rep, "family_tracing_requested"), reason=SECRET)
    services.family_assessment_record(actor=sw, repatriation=rep, result="unsafe", notes=SECRET, reason=SECRET)
    services.repatriation_await_legal_proceedings(actor=sw, repatriation=rep, note=SECRET)
    services.repatriation_resume(actor=sw, repatriation=rep)
    services.return_decide(actor=sw, repatriation=rep, destination="shelter", reason=SECRET)
    services.repatriation_cancel(actor=sw, repatriation=rep, reason="other", note=SECRET)
    repatriation_kinds = [k for k in kinds(case) if k not in ("case_opened", "note_added")]
    assert repatriation_kinds == [
        "repatriation_started",
        "repatriation_step_blocked",
        "repatriation_step_unblocked",
        "repatriation_step_done",
        "repatriation_step_skipped",
        "family_assessment_recorded",
        "repatriation_awaiting_legal_proceedings",
        "repatriation_resumed",
        "return_decided",
        "repatriation_cancelled",
    ]
    events = CaseEvent.objects.filter(case=case, kind__in=repatriation_kinds)
    assert all(event.actor == sw for event in events)
    dumped = json.dumps([event.data for event in events])
    for private in (SECRET, "Noy", "Synthetic", "Kredtrakarn", case.person.case_code):
        assert private not in dumped
    assert AuditEvent.objects.filter(object_type="casework.repatriationstep", action="update").count() == 4
