"""The Repatriation tab through the test client: each form calls the service its API action
calls, so a refusal is a 400 with the service's message beside its field and nothing saved, a
repatriation outside the user's scope answers like a missing one, a user who sees the case but
may not change it gets 403, and every change leaves its audit row."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditAction, AuditEvent, Country
from casework.models import CaseEvent, Repatriation, RepatriationStep
from casework.repatriation_flows import THAILAND_MOU
from casework.services import repatriation as services
from casework.services.assessments import best_interests_determine
from tests.factories import SYNTHETIC_GIRL, open_case

pytestmark = pytest.mark.django_db

CHILD = {**SYNTHETIC_GIRL, "date_of_birth": date(2013, 2, 1)}  # a child until 2031


@pytest.fixture
def case_person():
    return CHILD


@pytest.fixture
def trip(people, case):
    return services.repatriation_start(
        actor=people.social_worker,
        case=case,
        flow="thailand_mou",
        from_country=Country.objects.get(code="TH"),
        partner_abroad="MSDHS Kredtrakarn shelter",
    )


def tab(case):
    return reverse("casework:case-detail", args=[case.pk]) + "?tab=repatriation"


def on_trip(name, trip):
    return reverse(f"casework:repatriation-{name}", args=[trip.case_id, trip.pk])


def footprint():
    """What a half-saved form would leave: rows of the repatriation, its steps' state, the
    timeline and the audit's changes."""
    return (
        list(Repatriation.objects.values_list("status", "family_assessment", "destination", "best_interests_decision")),
        list(RepatriationStep.objects.order_by("pk").values_list("status", "done_on", "reason", "notes")),
        CaseEvent.objects.count(),
        AuditEvent.objects.exclude(action__in=[AuditAction.VIEW, AuditAction.LIST]).count(),
    )


def row_of(html, step):
    """The checklist line of `step` in the page."""
    row = html[html.index(f'id="step-{step.pk}"') :]
    return row[: row.index('<li class="step ')] if '<li class="step ' in row else row[: row.index("</ol>")]


def same_answer(first, second):
    """The same status and page, but for what the language switch's form carries: a CSRF token
    and the address asked for."""

    def page(response):
        return re.sub(rb'name="(csrfmiddlewaretoken|next)"( type="hidden")? value="[^"]+"', b"", response.content)

    return first.status_code == second.status_code and page(first) == page(second)


def changes(user, object_type):
    return AuditEvent.objects.filter(actor=user, object_type=object_type).exclude(
        action__in=[AuditAction.VIEW, AuditAction.LIST]
    )


# --- Starting ------------------------------------------------------------------------------------
def test_the_tab_offers_the_start_form_and_a_flow_for_another_country_is_refused_beside_the_country(
    client, people, case
):
    client.force_login(people.social_worker)
    page = client.get(tab(case)).content.decode()
    assert reverse("casework:repatriation-start", args=[case.pk]) in page and 'name="started_on"' in page
    before = footprint()
    refused = client.post(
        reverse("casework:repatriation-start", args=[case.pk]),
        {"flow": "thailand_mou", "from_country": "CN", "started_on": "2026-03-01"},
    )
    html = refused.content.decode()
    assert refused.status_code == 400 and 'id="start-from_country_error"' in html
    assert "only for a return from that country" in html and 'value="2026-03-01"' in html
    assert footprint() == before
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    late = client.post(
        reverse("casework:repatriation-start", args=[case.pk]),
        {"flow": "thailand_mou", "from_country": "TH", "started_on": future},
    )
    assert late.status_code == 400 and 'id="start-started_on_error"' in late.content.decode()
    assert footprint() == before


def test_starting_copies_the_flow_with_due_dates_and_is_audited(client, people, case):
    client.force_login(people.social_worker)
    response = client.post(
        reverse("casework:repatriation-start", args=[case.pk]),
        {"flow": "thailand_mou", "from_country": "TH", "partner_abroad": "MSDHS shelter", "started_on": "2026-11-01"},
    )
    assert response.status_code == 302 and response["Location"].endswith("?tab=repatriation")
    trip = Repatriation.objects.get(case=case)
    steps = list(trip.steps.order_by("position"))
    assert [s.code for s in steps] == [t.code for t in THAILAND_MOU]
    assert steps[0].due_on == date(2026, 11, 8)
    assert changes(people.social_worker, "casework.repatriation").filter(action=AuditAction.CREATE).count() == 1
    again = client.post(
        reverse("casework:repatriation-start", args=[case.pk]), {"flow": "thailand_mou", "from_country": "TH"}
    )
    assert again.status_code == 409 and "already has a repatriation in progress" in again.content.decode()


def test_the_checklist_says_who_is_responsible_on_each_side_and_what_is_late(
    client, people, case, trip, django_assert_max_num_queries
):
    RepatriationStep.objects.filter(repatriation=trip, position=1).update(due_on=date(2026, 1, 2))
    client.force_login(people.social_worker)
    with django_assert_max_num_queries(16):
        html = client.get(tab(case)).content.decode()
    steps = {step.code: step for step in trip.steps.all()}
    interview = row_of(html, steps["case_interview_documentation"])
    assert "Thailand side: MSDHS Kredtrakarn shelter" in interview and "Lao side" not in interview
    assert "Due by 02/01/2026" in interview and "(late)" in interview
    received = row_of(html, steps["family_tracing_received"])
    assert "Lao side: " + people.social_worker.organisation.name_en in received and "Thailand side" not in received
    coordination = row_of(html, steps["return_coordination"])
    assert "Lao side" in coordination and "Thailand side" in coordination and "(late)" not in coordination


def test_a_step_reads_as_its_own_flow_words_it(client, people, case):
    """The same step code reads differently in two flows: China's handover names its border posts."""
    trip = services.repatriation_start(
        actor=people.social_worker, case=case, flow="china", from_country=Country.objects.get(code="CN")
    )
    client.force_login(people.social_worker)
    handover = row_of(client.get(tab(case)).content.decode(), trip.steps.get(code="handover_at_border"))
    assert "Handover to provincial police at Boten or Phou Lakkham" in handover
    assert "China side: partner not named yet" in handover


def test_the_checklist_reads_in_lao(client, people, case, trip):
    client.force_login(people.social_worker)
    client.cookies["django_language"] = "lo"
    html = client.get(tab(case), headers={"accept-language": "lo"}).content.decode()
    assert "ສຳພາດ ແລະ ເຮັດເອກະສານກໍລະນີ" in html and "ຝ່າຍລາວ" in html and "ຝ່າຍໄທ" in html


# --- Scope: out of scope is the same 404 as missing; seen but not changeable is 403 ------------------
@pytest.mark.parametrize(
    "name", ["family-assessment", "return-decision", "await-legal-proceedings", "resume", "cancel"]
)
def test_a_repatriation_out_of_scope_answers_like_a_missing_one(client, people, trip, name):
    client.force_login(people.counsellor)  # LWU: does not see the Vientiane office's case
    foreign = client.post(on_trip(name, trip), {"reason": "other", "note": "x"})
    missing = client.post(
        reverse(f"casework:repatriation-{name}", args=[trip.case_id, uuid.uuid4()]), {"reason": "other", "note": "x"}
    )
    assert missing.status_code == 404 and same_answer(foreign, missing)
    own_case = open_case(people.counsellor)
    client.force_login(people.social_worker)  # the right repatriation under another case's address
    crossed = client.post(reverse(f"casework:repatriation-{name}", args=[own_case.pk, trip.pk]), {})
    assert crossed.status_code == 404


def test_starting_on_a_case_out_of_scope_answers_like_a_missing_case(client, people, case):
    client.force_login(people.counsellor)
    values = {"flow": "thailand_mou", "from_country": "TH"}
    foreign = client.post(reverse("casework:repatriation-start", args=[case.pk]), values)
    missing = client.post(reverse("casework:repatriation-start", args=[uuid.uuid4()]), values)
    assert missing.status_code == 404 and same_answer(foreign, missing)
    assert not Repatriation.objects.exists()


def test_a_manager_who_sees_the_case_may_not_move_its_repatriation(client, people, trip):
    client.force_login(people.manager)
    before = footprint()
    response = client.post(on_trip("cancel", trip), {"reason": "deceased"})
    assert response.status_code == 403
    assert footprint() == before
    assert "Cancel the repatriation" not in client.get(tab(trip.case)).content.decode()


# --- Family assessment and the return decision -----------------------------------------------------
def finish_until(trip, actor, code):
    """Complete the steps before `code` through the services (the browser test walks them by hand)."""
    for step in trip.steps.order_by("position"):
        if step.code == code:
            return step
        if step.status != "done":
            services.step_complete(actor=actor, step=step, done_on=timezone.localdate())
    raise AssertionError(code)


def test_the_family_assessment_needs_a_result_and_then_completes_its_step(client, people, trip):
    sw = people.social_worker
    finish_until(trip, sw, "family_assessment")
    client.force_login(sw)
    before = footprint()
    refused = client.post(on_trip("family-assessment", trip), {"notes": "visited"})
    assert refused.status_code == 400 and 'id="assessment-result_error"' in refused.content.decode()
    assert footprint() == before
    response = client.post(on_trip("family-assessment", trip), {"result": "safe", "notes": "Grandmother at home."})
    assert response.status_code == 302
    trip.refresh_from_db()
    assert (trip.family_assessment, trip.family_assessment_notes) == ("safe", "Grandmother at home.")
    assert trip.steps.get(code="family_assessment").status == "done"
    audit = changes(sw, "casework.repatriation").get(action=AuditAction.UPDATE)
    assert set(audit.fields) == {"family_assessment", "family_assessment_notes"}
    assert "Safe to return" in client.get(tab(trip.case)).content.decode()


def test_a_childs_return_needs_the_best_interests_decision_next_to_its_field(client, people, trip):
    sw = people.social_worker
    best_interests_determine(  # the panel's determination the handover and the return need
        actor=sw,
        case=trip.case,
        decided_on=timezone.localdate(),
        panel=["Chair, social welfare office", "Child protection officer", "Counsellor"],
        decision="return_to_family",
        reasons="Her grandmother asks for her; she wants to go home.",
    )
    finish_until(trip, sw, "family_assessment")
    services.family_assessment_record(actor=sw, repatriation=trip, result="safe")
    finish_until(trip, sw, "return_or_placement")
    client.force_login(sw)
    before = footprint()
    refused = client.post(on_trip("return-decision", trip), {"destination": "family", "done_on": "2026-11-20"})
    html = refused.content.decode()
    assert refused.status_code == 400
    assert 'id="return-best_interests_decision_error"' in html and "This field is required for a child." in html
    assert 'value="2026-11-20"' in html and '<details class="change" open>' in html
    assert footprint() == before
    decided = client.post(
        on_trip("return-decision", trip),
        {"destination": "family", "best_interests_decision": "Her grandmother asks for her; she wants to go home."},
    )
    assert decided.status_code == 302
    trip.refresh_from_db()
    assert (trip.destination, trip.steps.get(code="return_or_placement").status) == ("family", "done")
    assert changes(sw, "casework.repatriation").filter(fields__contains=["best_interests_decision"]).exists()


def test_an_unsafe_family_is_never_a_return_home_and_the_page_says_so_beside_the_destination(client, people, trip):
    sw = people.social_worker
    finish_until(trip, sw, "family_assessment")
    services.family_assessment_record(actor=sw, repatriation=trip, result="unsafe")
    client.force_login(sw)
    before = footprint()
    refused = client.post(
        on_trip("return-decision", trip), {"destination": "family", "best_interests_decision": "wants home"}
    )
    assert refused.status_code == 400 and 'id="return-destination_error"' in refused.content.decode()
    assert footprint() == before


# --- Steps -------------------------------------------------------------------------------------------
def step_url(step):
    return reverse("casework:step-update", args=[step.repatriation.case_id, step.pk])


def test_each_step_change_is_checked_by_the_service_and_audited(client, people, trip):
    sw = people.social_worker
    client.force_login(sw)
    first, second = trip.steps.order_by("position")[:2]
    before = footprint()
    for data, field in (
        ({"action": "skip", "reason": " "}, "reason"),
        ({"action": "block", "reason": ""}, "reason"),
        ({"action": "complete"}, "done_on"),
        ({"action": "complete", "done_on": "2999-01-01"}, "done_on"),
        ({"action": "unblock"}, "action"),  # a pending step is not blocked: not offered, refused
    ):
        refused = client.post(step_url(first), data)
        assert refused.status_code == 400, data
        assert f'id="step-{first.pk}-{field}_error"' in refused.content.decode(), data
    assert footprint() == before
    early = client.post(step_url(second), {"action": "complete", "done_on": "2026-11-01"})
    assert early.status_code == 400 and f'id="step-{second.pk}-reason_error"' in early.content.decode()
    assert footprint() == before

    assert client.post(step_url(first), {"action": "block", "reason": "Waiting for the interpreter"}).status_code == 302
    assert client.post(step_url(first), {"action": "unblock"}).status_code == 302
    done = client.post(step_url(first), {"action": "complete", "done_on": "2026-11-02", "notes": "Interview filed."})
    assert done.status_code == 302
    first.refresh_from_db()
    assert (first.status, first.done_on, first.notes) == ("done", date(2026, 11, 2), "Interview filed.")
    assert client.post(step_url(second), {"action": "skip", "reason": "Family already known"}).status_code == 302
    assert changes(sw, "casework.repatriationstep").count() == 4
    assert list(
        CaseEvent.objects.filter(kind__startswith="repatriation_step").order_by("at").values_list("kind", flat=True)
    ) == [
        "repatriation_step_blocked",
        "repatriation_step_unblocked",
        "repatriation_step_done",
        "repatriation_step_skipped",
    ]


def test_the_decision_steps_offer_their_forms_instead_of_done(client, people, case, trip):
    client.force_login(people.social_worker)
    html = client.get(tab(case)).content.decode()
    row = row_of(html, trip.steps.get(code="family_assessment"))
    assert "Record the family assessment" in row and 'value="complete"' not in row
    row = row_of(html, trip.steps.get(code="return_or_placement"))
    assert "Record the return decision" in row and 'value="complete"' not in row and 'value="skip"' not in row


def test_a_step_of_another_case_or_out_of_scope_is_a_404(client, people, trip):
    step = trip.steps.first()
    client.force_login(people.counsellor)
    foreign = client.post(step_url(step), {"action": "start"})
    missing = client.post(reverse("casework:step-update", args=[trip.case_id, uuid.uuid4()]), {"action": "start"})
    assert missing.status_code == 404 and same_answer(foreign, missing)


# --- On hold, resumed, cancelled ---------------------------------------------------------------------
def test_waiting_for_proceedings_resuming_and_cancelling(client, people, trip):
    sw = people.social_worker
    client.force_login(sw)
    before = footprint()
    refused = client.post(on_trip("await-legal-proceedings", trip), {"note": ""})
    assert refused.status_code == 400 and 'id="await-note_error"' in refused.content.decode()
    assert footprint() == before
    assert client.post(on_trip("await-legal-proceedings", trip), {"note": "Trial in Bangkok"}).status_code == 302
    trip.refresh_from_db()
    assert trip.status == "awaiting_legal_proceedings"
    step = trip.steps.first()
    frozen = client.post(step_url(step), {"action": "start"})
    assert frozen.status_code == 400 and "Waiting for legal proceedings abroad" in frozen.content.decode()
    page = client.get(tab(trip.case)).content.decode()
    assert "Resume the repatriation" in page and "Change this step" not in page
    assert client.post(on_trip("resume", trip), {}).status_code == 302
    before = footprint()
    other = client.post(on_trip("cancel", trip), {"reason": "other", "note": ""})
    assert other.status_code == 400 and 'id="cancel-note_error"' in other.content.decode()
    assert footprint() == before
    assert client.post(on_trip("cancel", trip), {"reason": "victim_declined"}).status_code == 302
    trip.refresh_from_db()
    assert (trip.status, trip.cancellation_reason) == ("cancelled", "victim_declined")
    assert changes(sw, "casework.repatriation").filter(fields__contains=["cancellation_reason"]).count() == 1
    page = client.get(tab(trip.case)).content.decode()
    assert "Cancelled because" in page and "Start a repatriation" in page
    assert client.post(on_trip("resume", trip), {}).status_code == 400  # a cancelled one stays cancelled


def test_a_refusal_after_another_worker_moved_first_is_shown(client, people, trip):
    """The step was finished, or the repatriation cancelled, between the page and the post:
    the message still reaches the page (beside the step, or at the top of the tab)."""
    sw = people.social_worker
    first = trip.steps.order_by("position").first()
    services.step_complete(actor=sw, step=first, done_on=timezone.localdate())
    client.force_login(sw)
    late = client.post(step_url(first), {"action": "block", "reason": "no interpreter"})
    assert late.status_code == 400 and f'id="step-{first.pk}-action_error"' in late.content.decode()
    services.repatriation_cancel(actor=sw, repatriation=trip, reason="deceased")
    for name, data, message in (
        ("family-assessment", {"result": "safe"}, "The repatriation is cancelled"),
        ("await-legal-proceedings", {"note": "trial"}, "Not allowed from the current status."),
    ):
        refused = client.post(on_trip(name, trip), data)
        assert refused.status_code == 400 and message in refused.content.decode(), name
