"""The staff referral API: a referral from draft to accepted with consent in between, each side
seeing its own view of it, scoping (404 outside, 403 for a forbidden action on a visible
referral), the receiving organisation's inbox, webhooks, and constant query counts."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from casework.services.people import family_member_add
from referrals.models import Referral, Webhook
from tests.factories import make_user, open_case

pytestmark = pytest.mark.django_db

ADULT = {
    "given_name_latin": "Noy",
    "family_name_latin": "Synthetic",
    "sex": "female",
    "date_of_birth": date(1995, 5, 1),
}


@pytest.fixture
def receiver(orgs):  # type: ignore[no-untyped-def]
    """A social worker of the NGO that referrals are sent to."""
    return make_user("ngo-sw", orgs.ngo, "social_worker")


@pytest.fixture
def case_person():  # type: ignore[no-untyped-def]
    return ADULT


def as_user(api: Any, user: Any) -> Any:
    api.force_authenticate(user)
    return api


def url(name: str, *args: Any) -> str:
    return reverse(f"v1:{name}", args=args)


def create_draft(api: Any, case: Any, **values: Any) -> dict[str, Any]:
    body = {
        "case": str(case.pk),
        "to_organisation": "t-ngo",
        "service_types": ["vocational_training"],
        "urgency": "high",
        "reason": "wants to train as a tailor",
        "shared_categories": ["identity", "language"],
        **values,
    }
    response = api.post(url("referral-list"), body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def record_consent(api: Any, case: Any, **values: Any) -> Any:
    body = {
        "case": str(case.pk),
        "recipient": "t-ngo",
        "data_categories": ["identity", "language"],
        "service_types": ["vocational_training"],
        "purpose": "vocational training",
        "given_by": "person",
        **values,
    }
    return api.post(url("consent-list"), body, format="json")


def sent_referral(api: Any, sender: Any, case: Any, **values: Any) -> dict[str, Any]:
    as_user(api, sender)
    consent = record_consent(api, case, recipient=values.get("to_organisation", "t-ngo"))
    assert consent.status_code == 201, consent.json()
    draft = create_draft(api, case, consent=consent.json()["id"], **values)
    response = api.post(url("referral-send", draft["id"]))
    assert response.status_code == 200, response.json()
    return response.json()


# --- The whole way through -----------------------------------------------------------------------
def test_create_send_without_consent_is_refused_then_consent_send_and_the_receiver_answers(api, people, case, receiver):
    sw = people.social_worker
    as_user(api, sw)
    draft = create_draft(api, case)
    assert (draft["status"], draft["side"], draft["case"], draft["consent"]) == ("draft", "sender", str(case.pk), None)
    assert draft["case_code"] == case.person.case_code
    assert "disclosure" not in draft

    refused = api.post(url("referral-send", draft["id"]))
    assert refused.status_code == 400
    assert refused.json()["errors"] == {"consent": ["No consent is linked to this referral."]}
    assert Referral.objects.get(pk=draft["id"]).status == "draft"

    recorded = record_consent(api, case, data_categories=["identity"])  # does not cover "language"
    assert recorded.status_code == 201, recorded.json()
    consent = recorded.json()
    assert (consent["recipient"], consent["in_force"], consent["recorded_by"]) == ("t-ngo", True, "sw")
    patched = api.patch(url("referral-detail", draft["id"]), {"consent": consent["id"]}, format="json")
    assert patched.status_code == 200, patched.json()
    assert patched.json()["consent"] == consent["id"]

    refused = api.post(url("referral-send", draft["id"]))
    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["shared_categories"]
    assert "Languages and interpreter needs" in refused.json()["errors"]["shared_categories"][0]

    fixed = api.patch(url("referral-detail", draft["id"]), {"shared_categories": ["identity"]}, format="json")
    assert fixed.status_code == 200, fixed.json()
    sent = api.post(url("referral-send", draft["id"]))
    assert sent.status_code == 200, sent.json()
    assert sent.json()["status"] == "sent"
    assert sent.json()["sent_at"] is not None
    assert sent.json()["consent_status"] == "active"

    as_user(api, receiver)
    [row] = api.get(url("referral-inbox")).json()["results"]
    assert (row["id"], row["side"], row["status"]) == (draft["id"], "receiver", "sent")
    assert "case" not in row
    assert "consent" not in row
    assert row["disclosure"]["disclosed_categories"] == ["identity"]
    assert row["disclosure"]["identity"]["given_name_latin"] == "Noy"
    assert "language" not in row["disclosure"]
    assert AuditEvent.objects.filter(
        actor=receiver, action="list", object_type="referrals.referral", object_id=draft["id"], fields=["identity"]
    ).exists()

    acknowledged = api.post(url("referral-acknowledge", draft["id"]))
    assert acknowledged.status_code == 200, acknowledged.json()
    assert acknowledged.json()["status"] == "acknowledged"
    accepted = api.post(url("referral-accept", draft["id"]), {"note": "a place from Monday"}, format="json")
    assert accepted.status_code == 200, accepted.json()
    assert accepted.json()["status"] == "accepted"

    events = api.get(url("referral-events", draft["id"])).json()["results"]
    assert [e["kind"] for e in events] == ["sent", "acknowledged", "accepted"], "the draft's history stays home"
    assert events[-1]["note"] == "a place from Monday"
    assert (events[-1]["organisation"], events[-1]["actor"]) == ("t-ngo", "ngo-sw")

    as_user(api, sw)
    events = api.get(url("referral-events", draft["id"])).json()["results"]
    assert [e["kind"] for e in events][:2] == ["created", "draft_updated"]
    assert api.get(url("referral-detail", draft["id"])).json()["status"] == "accepted"


def test_the_rest_of_the_receivers_answers_and_notes_from_both_sides(api, people, case, receiver):
    referral = sent_referral(api, people.social_worker, case)
    rid = referral["id"]
    as_user(api, receiver)
    assert api.post(url("referral-accept", rid)).json()["status"] == "accepted"  # acknowledges on the way
    assert api.post(url("referral-start", rid)).json()["status"] == "in_progress"
    missing = api.post(url("referral-complete", rid), {}, format="json")
    assert missing.status_code == 400
    assert "outcome" in missing.json()["errors"]
    done = api.post(url("referral-complete", rid), {"outcome": "finished the course"}, format="json")
    assert (done.json()["status"], done.json()["outcome"]) == ("completed", "finished the course")
    note = api.post(url("referral-notes", rid), {"note": "certificate handed over"}, format="json")
    assert note.status_code == 201, note.json()
    assert (note.json()["kind"], note.json()["organisation"]) == ("note", "t-ngo")
    as_user(api, people.social_worker)
    assert api.post(url("referral-notes", rid), {"note": "thank you"}, format="json").status_code == 201

    other = sent_referral(api, people.social_worker, open_case(people.social_worker, person_values=ADULT))
    as_user(api, receiver)
    assert api.post(url("referral-decline", other["id"]), {}, format="json").status_code == 400
    declined = api.post(url("referral-decline", other["id"]), {"reason": "no places left"}, format="json")
    assert (declined.json()["status"], declined.json()["decline_reason"]) == ("declined", "no places left")

    third = sent_referral(api, people.social_worker, open_case(people.social_worker, person_values=ADULT))
    as_user(api, receiver)
    api.post(url("referral-accept", third["id"]))
    closed = api.post(url("referral-close-without-service", third["id"]), {"reason": "never came"}, format="json")
    assert closed.json()["status"] == "closed_without_service"


def test_the_sender_withdraws_and_a_sent_referral_cannot_be_rewritten(api, people, case, receiver):
    referral = sent_referral(api, people.social_worker, case)
    changed = api.patch(url("referral-detail", referral["id"]), {"reason": "something else"}, format="json")
    assert changed.status_code == 400
    assert "status" in changed.json()["errors"]
    assert api.post(url("referral-withdraw", referral["id"]), {}, format="json").status_code == 400
    withdrawn = api.post(url("referral-withdraw", referral["id"]), {"reason": "moved away"}, format="json")
    assert withdrawn.json()["status"] == "withdrawn"
    as_user(api, receiver)
    row = api.get(url("referral-detail", referral["id"])).json()
    assert row["disclosure"] == {"disclosed_categories": []}, "a withdrawn referral shows nothing of the person"


def test_withdrawing_the_consent_hides_the_persons_data_from_the_receiver_at_once(api, people, case, receiver):
    referral = sent_referral(api, people.social_worker, case)
    consent_id = Referral.objects.get(pk=referral["id"]).consent_id
    withdrawn = api.post(url("consent-withdraw", consent_id), {"note": "changed her mind"}, format="json")
    assert withdrawn.status_code == 200, withdrawn.json()
    assert (withdrawn.json()["in_force"], withdrawn.json()["withdrawn_by"]) == (False, "sw")
    assert api.post(url("consent-withdraw", consent_id), {}, format="json").status_code == 409
    as_user(api, receiver)
    row = api.get(url("referral-detail", referral["id"])).json()
    assert row["consent_status"] == "withdrawn"
    assert row["disclosure"] == {"disclosed_categories": []}


# --- Consents -------------------------------------------------------------------------------------
def test_a_consent_is_refused_with_a_message_per_field(api, people, case):
    as_user(api, people.social_worker)
    empty = api.post(url("consent-list"), {}, format="json")
    assert empty.status_code == 400
    assert {"case", "recipient", "data_categories", "service_types", "purpose", "given_by"} <= set(
        empty.json()["errors"]
    )
    bad = record_consent(api, case, data_categories=["horoscope"], recipient="no-such-org")
    assert bad.status_code == 400
    assert {"data_categories", "recipient"} <= set(bad.json()["errors"])

    ten_years_old = {**ADULT, "date_of_birth": timezone.localdate() - timedelta(days=365 * 10)}
    child = open_case(people.social_worker, person_values=ten_years_old)
    by_child = record_consent(api, child)
    assert by_child.status_code == 400
    assert list(by_child.json()["errors"]) == ["given_by"]
    stranger = family_member_add(
        actor=people.social_worker, person=case.person, relationship="mother", name="Mother", is_guardian=True
    )
    wrong_guardian = record_consent(api, child, given_by="guardian", guardian=str(stranger.pk))
    assert wrong_guardian.status_code == 400
    assert list(wrong_guardian.json()["errors"]) == ["guardian"]
    mother = family_member_add(
        actor=people.social_worker, person=child.person, relationship="mother", name="Mother", is_guardian=True
    )
    assert record_consent(api, child, given_by="guardian", guardian=str(mother.pk)).status_code == 201


def test_consents_are_listed_by_case_and_only_to_those_who_see_the_case(api, people, case):
    as_user(api, people.social_worker)
    consent = record_consent(api, case).json()
    other_case = open_case(people.social_worker, person_values=ADULT)
    record_consent(api, other_case)
    rows = api.get(url("consent-list"), {"case": str(case.pk)}).json()["results"]
    assert [row["id"] for row in rows] == [consent["id"]]
    assert api.get(url("consent-list"), {"case": "not-a-uuid"}).status_code == 400

    as_user(api, people.outsider)
    assert api.get(url("consent-list")).json()["results"] == []
    assert api.get(url("consent-detail", consent["id"])).status_code == 404
    assert api.post(url("consent-withdraw", consent["id"]), {}, format="json").status_code == 404
    assert record_consent(api, case).status_code == 404, "someone else's case"


# --- Scope: 404 outside, 403 for a forbidden action -------------------------------------------------
def test_another_organisation_gets_404_for_everything(api, people, case, orgs):
    referral = sent_referral(api, people.social_worker, case)
    draft = create_draft(api, open_case(people.social_worker, person_values=ADULT))
    other_ngo = make_user("ngo2-sw", orgs.ngo_other, "social_worker")
    for user in (people.outsider, other_ngo):
        as_user(api, user)
        assert api.get(url("referral-list")).json()["results"] == []
        assert api.get(url("referral-inbox")).json()["results"] == []
        for rid in (referral["id"], draft["id"]):
            assert api.get(url("referral-detail", rid)).status_code == 404
            assert api.get(url("referral-events", rid)).status_code == 404
            assert api.patch(url("referral-detail", rid), {"reason": "x"}, format="json").status_code == 404
            assert api.post(url("referral-send", rid)).status_code == 404
            assert api.post(url("referral-acknowledge", rid)).status_code == 404
            assert api.post(url("referral-withdraw", rid), {"reason": "x"}, format="json").status_code == 404
            assert api.post(url("referral-notes", rid), {"note": "x"}, format="json").status_code == 404
    as_user(api, people.outsider)
    response = api.post(url("referral-list"), {**_draft_body(case)}, format="json")
    assert response.status_code == 404, "referring from a case you cannot see"


def _draft_body(case: Any) -> dict[str, Any]:
    return {
        "case": str(case.pk),
        "to_organisation": "t-ngo",
        "service_types": ["vocational_training"],
        "reason": "x",
    }


def test_the_receiver_never_sees_a_draft(api, people, case, receiver):
    as_user(api, people.social_worker)
    draft = create_draft(api, case)
    as_user(api, receiver)
    assert api.get(url("referral-detail", draft["id"])).status_code == 404
    assert api.post(url("referral-acknowledge", draft["id"])).status_code == 404


def test_a_sender_cannot_answer_and_a_receiver_cannot_send_or_withdraw(api, people, case, receiver):
    referral = sent_referral(api, people.social_worker, case)
    rid = referral["id"]
    as_user(api, people.social_worker)
    for name, body in (
        ("referral-acknowledge", {}),
        ("referral-accept", {}),
        ("referral-decline", {"reason": "x"}),
        ("referral-start", {}),
        ("referral-complete", {"outcome": "x"}),
        ("referral-close-without-service", {"reason": "x"}),
    ):
        response = api.post(url(name, rid), body, format="json")
        assert response.status_code == 403, (name, response.json())
    as_user(api, receiver)
    assert api.post(url("referral-withdraw", rid), {"reason": "x"}, format="json").status_code == 403
    assert api.patch(url("referral-detail", rid), {"reason": "x"}, format="json").status_code == 403
    as_user(api, people.manager)  # sees the case (manager of the office) but does not work on it
    assert api.get(url("referral-detail", rid)).json()["side"] == "sender"
    assert api.post(url("referral-withdraw", rid), {"reason": "x"}, format="json").status_code == 403
    assert Referral.objects.get(pk=rid).status == "sent"


def test_the_inbox_lists_only_referrals_sent_to_my_organisation(api, people, case, receiver, orgs):
    mine = sent_referral(api, people.social_worker, case)
    elsewhere = sent_referral(
        api, people.social_worker, open_case(people.social_worker, person_values=ADULT), to_organisation="t-ngo-2"
    )
    create_draft(api, open_case(people.social_worker, person_values=ADULT))  # to t-ngo, not sent
    as_user(api, receiver)
    inbox = api.get(url("referral-inbox")).json()["results"]
    assert [row["id"] for row in inbox] == [mine["id"]]
    assert api.get(url("referral-inbox"), {"status": "accepted"}).json()["results"] == []
    assert api.get(url("referral-inbox"), {"status": "nonsense"}).status_code == 400
    assert [row["id"] for row in api.get(url("referral-list")).json()["results"]] == [mine["id"]]

    as_user(api, people.social_worker)  # the sender has no inbox, but lists what it sent
    assert api.get(url("referral-inbox")).json()["results"] == []
    listed = api.get(url("referral-list"), {"case": str(case.pk)}).json()["results"]
    assert [row["id"] for row in listed] == [mine["id"]]
    assert {row["id"] for row in api.get(url("referral-list"), {"status": "sent"}).json()["results"]} == {
        mine["id"],
        elsewhere["id"],
    }


def test_listing_referrals_runs_a_constant_number_of_queries(
    api, people, case, receiver, django_assert_max_num_queries
):
    sent_referral(api, people.social_worker, case)
    as_user(api, people.social_worker)
    with django_assert_max_num_queries(8) as sender_one:
        assert len(api.get(url("referral-list")).json()["results"]) == 1
    as_user(api, receiver)
    with django_assert_max_num_queries(8) as inbox_one:
        assert len(api.get(url("referral-inbox")).json()["results"]) == 1
    for _ in range(4):
        sent_referral(api, people.social_worker, open_case(people.social_worker, person_values=ADULT))
    as_user(api, people.social_worker)
    with django_assert_max_num_queries(8) as sender_many:
        assert len(api.get(url("referral-list")).json()["results"]) == 5
    as_user(api, receiver)
    with django_assert_max_num_queries(8) as inbox_many:
        assert len(api.get(url("referral-inbox")).json()["results"]) == 5
    with django_assert_max_num_queries(8) as list_many:
        assert len(api.get(url("referral-list")).json()["results"]) == 5
    assert len(sender_many.captured_queries) == len(sender_one.captured_queries)
    assert len(inbox_many.captured_queries) == len(inbox_one.captured_queries)
    assert len(list_many.captured_queries) == len(inbox_many.captured_queries)


# --- Webhooks --------------------------------------------------------------------------------------
def test_a_partner_registers_a_webhook_and_sees_the_secret_once(api, people, orgs):
    as_user(api, people.partner)
    created = api.post(url("webhook-list"), {"url": "https://hooks.example.org/pathway"}, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["organisation"] == "t-ngo"
    assert body["active"] is True
    assert body["secret"] == Webhook.objects.get(pk=body["id"]).secret
    [listed] = api.get(url("webhook-list")).json()["results"]
    assert listed["id"] == body["id"]
    assert "secret" not in listed

    assert api.post(url("webhook-list"), {"url": "http://hooks.example.org/"}, format="json").status_code == 400
    elsewhere = {"url": "https://hooks.example.org/x", "organisation": "t-ngo-2"}
    assert api.post(url("webhook-list"), elsewhere, format="json").status_code == 403

    for outsider in (people.social_worker, make_user("partner-2", orgs.ngo_other, "partner")):
        as_user(api, outsider)
        assert api.get(url("webhook-list")).json()["results"] == []
        assert api.post(url("webhook-deactivate", body["id"])).status_code == 404
    as_user(api, people.social_worker)
    assert api.post(url("webhook-list"), {"url": "https://a.example.org/"}, format="json").status_code == 403

    as_user(api, people.admin)
    assert api.post(url("webhook-list"), elsewhere, format="json").status_code == 201
    as_user(api, people.partner)
    deactivated = api.post(url("webhook-deactivate", body["id"]))
    assert deactivated.status_code == 200
    assert deactivated.json()["active"] is False
    assert "secret" not in deactivated.json()


def test_every_route_needs_a_login(api, case):
    for name, args in (
        ("referral-list", ()),
        ("referral-inbox", ()),
        ("consent-list", ()),
        ("webhook-list", ()),
        ("referral-detail", (case.pk,)),
    ):
        assert api.get(url(name, *args)).status_code in (401, 403)
