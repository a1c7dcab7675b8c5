"""The case itself on pages (issue 16): edit its details, assign its worker, share it and end a
share, transfer it (the receiver's inbox), ask to reopen it and a manager's decision. Each page
calls the service the API calls: the same refusals next to the fields (400, nothing saved), the
same 404 for a case out of sight as for a missing one, and the same audit trail."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from django.urls import reverse

from accounts.models import AuditEvent, Role
from casework.models import Case, CaseEvent, CaseNote
from casework.services import cases
from tests.clients import client_for
from tests.factories import make_user, open_case

pytestmark = pytest.mark.django_db
MISSING = uuid.UUID("00000000-0000-4000-8000-000000000000")


@pytest.fixture
def case(people):
    return open_case(people.social_worker, assigned_worker=people.social_worker)


def kinds(case):
    return list(CaseEvent.objects.filter(case=case).order_by("-id").values_list("kind", flat=True))


def audited(actor, obj):
    return AuditEvent.objects.filter(actor=actor, object_id=str(obj.pk), action="update").exists()


# --- Edit -------------------------------------------------------------------------------------------
def edit_values(case, **changes):
    values = {
        "category": case.category,
        "identification_route": case.identification_route,
        "identified_on": case.identified_on.isoformat(),
    }
    return {**values, **changes}


def test_editing_a_case_saves_what_changed_with_its_audit(people, case):
    client = client_for(people.social_worker)
    url = reverse("casework:case-edit", args=[case.pk])
    page = client.get(url)
    assert page.status_code == 200 and page.context["form"].initial["category"] == "trafficking"
    values = edit_values(case, category="rape", exploitation_forms=["forced_labour"], exploitation_country="TH")
    assert client.post(url, values).status_code == 302
    case.refresh_from_db()
    assert (case.category, case.exploitation_country_id is not None) == ("rape", True)
    assert list(case.exploitation_forms.values_list("code", flat=True)) == ["forced_labour"]
    event = CaseEvent.objects.get(case=case, kind="case_updated")
    assert event.data["fields_changed"] == ["category", "exploitation_country", "exploitation_forms"]
    audit = AuditEvent.objects.get(actor=people.social_worker, object_id=str(case.pk), action="update")
    assert audit.fields == ["category", "exploitation_country", "exploitation_forms"]


def test_a_date_refused_by_the_date_rules_is_shown_next_to_its_field_and_nothing_is_saved(people, case):
    client = client_for(people.social_worker)
    values = edit_values(
        case, category="rape", exploitation_started_on="2026-03-05", exploitation_forms=["forced_labour"]
    )
    response = client.post(reverse("casework:case-edit", args=[case.pk]), values)
    assert response.status_code == 400
    assert response.context["form"].errors["exploitation_started_on"] == [
        "Exploitation cannot start after the identification date."
    ]
    case.refresh_from_db()
    assert (case.category, case.exploitation_started_on, case.exploitation_forms.count()) == ("trafficking", None, 0)
    assert "case_updated" not in kinds(case)


def test_a_case_out_of_sight_answers_like_a_missing_one_and_a_reader_gets_403(people, case):
    for route in ("case-edit", "case-assign", "case-shares", "case-transfer", "reopen-request"):
        outsider = client_for(people.outsider)
        assert outsider.get(reverse(f"casework:{route}", args=[case.pk])).status_code == 404
        assert outsider.get(reverse(f"casework:{route}", args=[MISSING])).status_code == 404
    cases.case_share(actor=people.social_worker, case=case, organisation=people.police.organisation, purpose="probe")
    assert client_for(people.police).get(reverse("casework:case-edit", args=[case.pk])).status_code == 403


# --- Assign -----------------------------------------------------------------------------------------
def test_the_assign_picker_offers_the_owners_workers_and_a_counsellor_then_writes_a_counselling_note(
    people, orgs, case
):
    counsellor = make_user("counsellor-vt", orgs.mlsw_vt, Role.COUNSELLOR)
    manager = client_for(people.manager)
    url = reverse("casework:case-assign", args=[case.pk])
    offered = {worker.username for worker in manager.get(url).context["form"].fields["worker"].workers.values()}
    assert offered == {"sw", "counsellor-vt"}  # not the manager, not LWU's counsellor
    refused = manager.post(url, {"worker": str(people.counsellor.pk)})  # another organisation's
    assert refused.status_code == 400 and "worker" in refused.context["form"].errors
    assert manager.post(url, {"worker": str(counsellor.pk)}).status_code == 302
    case.refresh_from_db()
    assert case.assigned_worker == counsellor and kinds(case)[0] == "case_assigned"
    note = client_for(counsellor).post(
        reverse("casework:note-add", args=[case.pk]), {"kind": "counselling", "text": "first session"}
    )
    assert note.status_code == 302
    assert CaseNote.objects.get(case=case, kind="counselling").tier == 3
    assert client_for(people.social_worker).get(url).status_code == 403  # sees the case, is no manager


# --- Share and revoke -------------------------------------------------------------------------------
def test_sharing_needs_a_purpose_and_revoking_ends_the_partners_sight(people, orgs, case):
    client = client_for(people.social_worker)
    url = reverse("casework:case-shares", args=[case.pk])
    empty = client.post(url, {"organisation": str(orgs.police.pk), "purpose": ""})
    assert empty.status_code == 400 and "purpose" in empty.context["form"].errors
    assert not case.shares.exists()
    assert client.post(url, {"organisation": str(orgs.police.pk), "purpose": "investigation"}).status_code == 302
    share = case.shares.get()
    police = client_for(people.police)
    assert police.get(reverse("casework:case-detail", args=[case.pk])).status_code == 200
    page = client.get(url).content.decode()
    assert "investigation" in page and "Shared by sw on" in page
    revoke = reverse("casework:share-revoke", args=[case.pk, share.pk])
    assert client.post(revoke).status_code == 302
    share.refresh_from_db()
    assert share.revoked_at is not None and kinds(case)[0] == "case_share_revoked"
    assert AuditEvent.objects.filter(actor=people.social_worker, object_id=str(share.pk)).count() == 2
    assert police.get(reverse("casework:case-detail", args=[case.pk])).status_code == 404
    again = client.post(revoke)
    assert again.status_code == 409 and "This share was already revoked." in again.content.decode()


def test_a_share_of_another_case_is_not_found(people, orgs, case):
    other = open_case(people.social_worker)
    share = cases.case_share(actor=people.social_worker, case=other, organisation=orgs.police, purpose="x")
    response = client_for(people.social_worker).post(reverse("casework:share-revoke", args=[case.pk, share.pk]))
    assert response.status_code == 404
    share.refresh_from_db()
    assert share.revoked_at is None


def test_the_api_revokes_a_share_through_the_same_service(people, orgs, case):
    share = cases.case_share(actor=people.social_worker, case=case, organisation=orgs.police, purpose="x")
    api = client_for(people.manager)
    url = reverse("v1:case-revoke-share", args=[case.pk])
    assert api.post(url, {"share": str(MISSING)}, content_type="application/json").status_code == 404
    assert api.post(url, {"share": str(share.pk)}, content_type="application/json").status_code == 204
    assert api.post(url, {"share": str(share.pk)}, content_type="application/json").status_code == 409
    police = client_for(people.police)
    assert police.post(url, {"share": str(share.pk)}, content_type="application/json").status_code == 404


# --- Transfer ---------------------------------------------------------------------------------------
def test_a_transfer_asked_then_declined_with_a_reason_then_accepted_by_the_receiver(people, orgs, case):
    sender = client_for(people.social_worker)
    url = reverse("casework:case-transfer", args=[case.pk])
    empty = sender.post(url, {"to_organisation": str(orgs.lwu.pk), "reason": ""})
    assert empty.status_code == 400 and "reason" in empty.context["form"].errors and not case.transfers.exists()
    assert sender.post(url, {"to_organisation": str(orgs.lwu.pk), "reason": "counselling"}).status_code == 302
    transfer = case.transfers.get()
    receiver = client_for(people.counsellor)
    assert "1 transfer waiting" in receiver.get(reverse("home")).content.decode()
    inbox = receiver.get(reverse("casework:transfers"))
    assert [item.pk for item, _forms, _code in inbox.context["rows"]] == [transfer.pk]
    decline = reverse("casework:transfer-decide", args=[transfer.pk, "decline"])
    refused = receiver.post(decline, {f"{transfer.pk}-reason": " "})
    assert refused.status_code == 400
    row = next(forms for item, forms, _code in refused.context["rows"] if item.pk == transfer.pk)
    assert row["decline"].errors["reason"] == ["This field is required."]
    assert sender.post(reverse("casework:transfer-decide", args=[transfer.pk, "accept"])).status_code == 403
    assert client_for(people.outsider).post(decline, {f"{transfer.pk}-reason": "no"}).status_code == 404
    transfer.refresh_from_db()
    assert transfer.status == "pending"
    accept = reverse("casework:transfer-decide", args=[transfer.pk, "accept"])
    answer = receiver.post(accept, {f"{transfer.pk}-assign_to": str(people.counsellor.pk)})
    assert answer.status_code == 302 and answer["Location"] == reverse("casework:case-detail", args=[case.pk])
    case.refresh_from_db()
    assert (case.owner, case.assigned_worker) == (orgs.lwu, people.counsellor)
    assert kinds(case)[0] == "transfer_accepted"


def test_the_sender_cancels_a_transfer_waiting(people, orgs, case):
    transfer = cases.case_transfer_request(actor=people.social_worker, case=case, to_organisation=orgs.lwu, reason="x")
    client = client_for(people.manager)
    page = client.get(reverse("casework:case-transfer", args=[case.pk]))
    assert page.context["pending"] and "cancel-transfer" in page.content.decode()
    assert client.post(reverse("casework:transfer-cancel", args=[case.pk, transfer.pk])).status_code == 302
    transfer.refresh_from_db()
    assert transfer.status == "cancelled"
    again = client.post(reverse("casework:transfer-cancel", args=[case.pk, transfer.pk]))
    assert again.status_code in (400, 409) and Case.objects.get(pk=case.pk).owner == case.owner


def test_the_transfer_inbox_costs_the_same_with_more_transfers(people, orgs, django_assert_max_num_queries):
    for _ in range(4):
        kase = open_case(people.social_worker, identified_on=date(2026, 2, 1))
        cases.case_transfer_request(actor=people.social_worker, case=kase, to_organisation=orgs.lwu, reason="x")
    client = client_for(people.counsellor)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("casework:transfers"))
    assert len(response.context["rows"]) == 4


# --- Reopen: the worker asks, another manager decides ------------------------------------------------
@pytest.fixture
def closed(people, case):
    cases.case_closure_request(actor=people.social_worker, case=case, reason="reintegrated")
    return cases.case_closure_approve(actor=people.manager, case=case)


def test_reopening_is_asked_by_the_worker_and_approved_by_a_manager(people, closed, django_assert_max_num_queries):
    worker = client_for(people.social_worker)
    detail = worker.get(reverse("casework:case-detail", args=[closed.pk])).content.decode()
    assert reverse("casework:reopen-request", args=[closed.pk]) in detail
    url = reverse("casework:reopen-request", args=[closed.pk])
    empty = worker.post(url, {"reason": " "})
    assert empty.status_code == 400 and empty.context["form"].errors["reason"] == ["This field is required."]
    assert worker.post(url, {"reason": "She came back to the office"}).status_code == 302
    closed.refresh_from_db()
    assert closed.reopen_pending and kinds(closed)[0] == "reopen_requested"
    assert worker.post(url, {"reason": "twice"}).status_code == 409
    manager = client_for(people.manager)
    with django_assert_max_num_queries(10):
        queue = manager.get(reverse("manage:reopenings"))
    assert [case.pk for case, _forms, _code in queue.context["rows"]] == [closed.pk]
    keep = manager.post(reverse("manage:reopen-decide", args=[closed.pk, "return"]), {f"{closed.pk}-note": ""})
    assert keep.status_code == 400
    assert manager.post(reverse("manage:reopen-decide", args=[closed.pk, "approve"])).status_code == 302
    closed.refresh_from_db()
    assert (closed.status, closed.reopen_pending, closed.closure_reason) == ("active", False, "")
    assert kinds(closed)[0] == "case_reopened" and audited(people.manager, closed)


def test_a_manager_cannot_approve_a_reopening_they_asked_for_and_can_keep_it_closed(people, orgs, closed):
    Case.objects.filter(pk=closed.pk).update(reopen_requested_by=people.manager, reopen_requested_at=closed.closed_at)
    Case.objects.filter(pk=closed.pk).update(reopen_reason="x")
    manager = client_for(people.manager)
    own = manager.post(reverse("manage:reopen-decide", args=[closed.pk, "approve"]))
    assert own.status_code == 403 and "Another manager must approve a reopening you asked for." in own.content.decode()
    other = make_user("mgr-sv", people.outsider.organisation, Role.MANAGER)
    assert client_for(other).post(reverse("manage:reopen-decide", args=[closed.pk, "approve"])).status_code == 404
    kept = manager.post(reverse("manage:reopen-decide", args=[closed.pk, "return"]), {f"{closed.pk}-note": "no"})
    assert kept.status_code == 302
    closed.refresh_from_db()
    assert (closed.status, closed.reopen_pending, kinds(closed)[0]) == ("closed", False, "reopen_rejected")


def test_the_api_asks_and_decides_reopening_through_the_same_services(people, closed):
    worker, manager = client_for(people.social_worker), client_for(people.manager)
    ask = reverse("v1:case-request-reopen", args=[closed.pk])
    assert worker.post(ask, {"reason": ""}, content_type="application/json").status_code == 400
    assert worker.post(ask, {"reason": "back"}, content_type="application/json").status_code == 200
    assert (
        manager.post(
            reverse("v1:case-reject-reopen", args=[closed.pk]), {}, content_type="application/json"
        ).status_code
        == 400
    )
    assert manager.post(reverse("v1:case-approve-reopen", args=[closed.pk])).status_code == 200
    closed.refresh_from_db()
    assert closed.status == "active"
    open_ask = worker.post(ask, {"reason": "again"}, content_type="application/json")
    assert open_ask.status_code == 400 and open_ask.json()["errors"]["status"] == ["The case is open."]


def test_the_case_header_offers_each_role_only_the_buttons_it_may_use(people, orgs, case):
    cases.case_share(actor=people.social_worker, case=case, organisation=orgs.police, purpose="investigation")
    buttons = ("edit-case", "assign-case", "share-case", "transfer-case", "reopen-case")

    def shown(user):
        page = client_for(user).get(reverse("casework:case-detail", args=[case.pk])).content.decode()
        return {button for button in buttons if f'id="{button}"' in page}

    assert shown(people.social_worker) == {"edit-case", "share-case", "transfer-case"}
    assert shown(people.manager) == {"assign-case", "share-case", "transfer-case"}
    assert shown(people.police) == set()
    cases.case_closure_request(actor=people.social_worker, case=case, reason="reintegrated")
    cases.case_closure_approve(actor=people.manager, case=case)
    assert shown(people.social_worker) == {"reopen-case"}
    assert shown(people.manager) == {"assign-case", "share-case", "transfer-case"}
