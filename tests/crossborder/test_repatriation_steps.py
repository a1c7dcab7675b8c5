"""The shared steps of a transfer and the case's own repatriation advance together
(crossborder.repatriation_steps): a step the partner reports completes the mapped repatriation
step here through the repatriation service, a step a worker completes here is sent to the
partner, nothing received is sent back, and a step the repatriation's rules refuse is held with
the reason."""

from __future__ import annotations

import json
import uuid
from datetime import date

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Country
from casework.models import CaseEvent, Repatriation
from casework.services import repatriation as repatriations
from casework.services.assessments import best_interests_determine
from crossborder.models import InboxMessage, OutboxMessage, Transfer
from crossborder.repatriation_steps import REPATRIATION_STEPS
from crossborder.services import inbox_retry, step_record, transfer_accept, transfer_refer
from tests.crossborder.peers import child_consent, message, post, referral, signed_headers, step

pytestmark = pytest.mark.django_db
PANEL = ["Chair, provincial social welfare office", "Child protection officer", "LWU counsellor"]


def send(body, key):  # type: ignore[no-untyped-def]
    return post(Client(), body, signed_headers(body, key)).json()


def sent_steps(transfer: Transfer) -> list[str]:
    rows = OutboxMessage.objects.filter(transfer=transfer, kind="step_done").order_by("seq")
    return [json.loads(row.body)["data"]["step"] for row in rows]


def start(actor, case) -> Repatriation:  # type: ignore[no-untyped-def]
    return repatriations.repatriation_start(
        actor=actor, case=case, flow="thailand_mou", from_country=Country.objects.get(code="TH")
    )


def status(trip: Repatriation, code: str) -> tuple[str, object]:
    row = trip.steps.get(code=code)
    return row.status, row.done_by


def test_every_mapped_step_exists_in_a_flow() -> None:
    from casework.repatriation_flows import FLOWS

    codes = {template.code for flow in FLOWS.values() for template in flow}
    assert all(set(mapped) & codes for mapped in REPATRIATION_STEPS.values())
    for flow in FLOWS.values():  # a flow has at most one step per shared step
        assert all(len(set(mapped) & {t.code for t in flow}) <= 1 for mapped in REPATRIATION_STEPS.values())


def test_destination_steps_advance_with_the_partner_and_a_refused_handover_is_held(peer, thai_key, people):
    """We receive a Thai-identified child: our nationality check completes our repatriation step
    and is sent; Thailand's handover is held until the child's best-interests determination,
    then completes the handover step here (by the partner, not sent back); our reception is sent."""
    sw = people.social_worker
    transfer_id = uuid.uuid4()
    send(referral(transfer_id), thai_key)
    transfer = transfer_accept(actor=sw, transfer=Transfer.objects.get(transfer_id=transfer_id))
    trip = start(sw, transfer.case)

    step_record(actor=sw, transfer=transfer, code="nationality_verified", done_on=date(2026, 12, 1))
    assert status(trip, "return_coordination") == ("done", sw)
    # the referral is Thailand's request to trace the family: nothing is done out of order
    assert trip.steps.get(code="return_coordination").reason == ""
    assert sent_steps(transfer) == ["nationality_verified"]  # once, not again by the step's listener

    assert send(step(transfer_id, 2, "handover_date_agreed", agreed_date="2026-12-20"), thai_key)["state"] == "applied"
    assert send(step(transfer_id, 3, "handover_done"), thai_key)["state"] == "held"
    held = InboxMessage.objects.get(transfer_id=transfer_id, seq=3)
    assert "best-interests determination" in held.held_reason
    assert status(trip, "handover_at_border")[0] == "pending"
    assert not transfer.steps.filter(code="handover_done").exists()

    best_interests_determine(
        actor=sw,
        case=transfer.case,
        decided_on=timezone.localdate(),
        panel=PANEL,
        decision="return_to_family",
        reasons="Heard the child and the family.",
    )
    assert inbox_retry(actor=people.admin, message=held).state == "applied"
    assert status(trip, "handover_at_border") == ("done", None)
    event = CaseEvent.objects.filter(case=transfer.case, kind="repatriation_step_done").latest("pk")
    assert (event.actor, event.data["step"]) == (None, "handover_at_border")
    assert sent_steps(transfer) == ["nationality_verified"]  # the received handover is not echoed

    reception = trip.steps.get(code="transit_centre_reception")
    repatriations.step_complete(actor=sw, step=reception, done_on=timezone.localdate())
    assert transfer.steps.get(code="reception").done_by_role == "destination"
    assert sent_steps(transfer) == ["nationality_verified", "reception"]


def test_origin_sends_its_handover_and_does_not_echo_what_it_receives(people, child_case, peer, thai_key):
    """We referred the child: the partner's nationality check completes our step without being sent
    back; the handover our worker completes on the repatriation is sent as the shared step."""
    sw = people.social_worker
    consent = child_consent(sw, child_case, peer.organisation)
    transfer = transfer_refer(
        actor=sw, case=child_case, peer=peer, purpose="repatriation", consent=consent,
        categories=["identity", "origin"], reason="Identified in Bangkok.",
    )  # fmt: skip
    trip = start(sw, child_case)
    send(message(transfer.transfer_id, 1, "accepted", {}), thai_key)
    assert send(step(transfer.transfer_id, 2, "nationality_verified"), thai_key)["state"] == "applied"
    assert status(trip, "return_coordination") == ("done", None)
    step_record(
        actor=sw, transfer=transfer, code="handover_date_agreed", done_on=date(2026, 12, 1),
        agreed_date=date(2026, 12, 20),
    )  # fmt: skip
    best_interests_determine(
        actor=sw, case=child_case, decided_on=timezone.localdate(), panel=PANEL, decision="placement",
        reasons="Family not yet traced.",
    )  # fmt: skip
    handover = trip.steps.get(code="handover_at_border")
    repatriations.step_complete(actor=sw, step=handover, done_on=timezone.localdate(), reason="Handed over on the day.")
    assert sent_steps(transfer) == ["handover_date_agreed", "handover_done"]


def test_a_local_step_is_not_sent_when_the_shared_step_is_the_partners(peer, thai_key, people):
    """The handover is the referring side's to report: completing it here sends nothing."""
    sw = people.social_worker
    transfer_id = uuid.uuid4()
    send(referral(transfer_id), thai_key)
    transfer = transfer_accept(actor=sw, transfer=Transfer.objects.get(transfer_id=transfer_id))
    trip = start(sw, transfer.case)
    best_interests_determine(
        actor=sw, case=transfer.case, decided_on=timezone.localdate(), panel=PANEL, decision="placement",
        reasons="Family not yet traced.",
    )  # fmt: skip
    handover = trip.steps.get(code="handover_at_border")
    repatriations.step_complete(actor=sw, step=handover, done_on=timezone.localdate(), reason="Handed over.")
    assert sent_steps(transfer) == [] and not transfer.steps.exists()


def test_a_repatriation_opened_late_catches_up_with_the_referral_and_the_steps_recorded(peer, thai_key, people):
    """Laos verifies nationality and Thailand hands the child over before Laos opens the
    repatriation: once opened, the referral's steps are Thailand's, the nationality check is ours
    (and not sent again), and the handover a child's rules refuse stays open for the worker,
    without refusing the start."""
    sw = people.social_worker
    transfer_id = uuid.uuid4()
    send(referral(transfer_id), thai_key)
    transfer = transfer_accept(actor=sw, transfer=Transfer.objects.get(transfer_id=transfer_id))
    step_record(actor=sw, transfer=transfer, code="nationality_verified", done_on=date(2026, 12, 1))
    send(step(transfer_id, 2, "handover_date_agreed", agreed_date="2026-12-20"), thai_key)
    assert send(step(transfer_id, 3, "handover_done"), thai_key)["state"] == "applied"  # no repatriation yet

    trip = start(sw, transfer.case)
    arrived = timezone.localdate(transfer.created_at)
    for code in ("case_interview_documentation", "family_tracing_requested"):
        row = trip.steps.get(code=code)
        assert (row.status, row.done_by, row.done_on, row.reason) == ("done", None, arrived, "")
    assert status(trip, "return_coordination") == ("done", sw)
    assert trip.steps.get(code="return_coordination").done_on == date(2026, 12, 1)
    assert status(trip, "handover_at_border") == ("pending", None)  # no best-interests determination yet
    assert status(trip, "family_tracing_received") == ("pending", None)  # Laos's own step
    assert sent_steps(transfer) == ["nationality_verified"]
    done = CaseEvent.objects.filter(case=transfer.case, kind="repatriation_step_done").order_by("pk")
    assert [(event.actor_id, event.data["step"]) for event in done] == [
        (None, "case_interview_documentation"),
        (None, "family_tracing_requested"),
        (sw.pk, "return_coordination"),
    ]
