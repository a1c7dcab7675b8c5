"""The partner API (docs/design/access.md: Partner API; requirements 3, 4, 13): a
partner sees only referrals addressed to it, only the data the consent covers, never drafts;
pulls every change once; changes status with idempotent retries; is throttled per token; is
audited on every call; and a token is worth nothing on staff endpoints (nor a session here)."""

import threading
import uuid
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
import time_machine
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import AuditEvent
from casework.models import ExploitationForm
from referrals import services
from referrals.models import IdempotencyRecord, ReferralEvent
from referrals.partner.tokens import token_issue
from tests.referrals import REFERRAL_KEYS, adult_case, consent_for, draft_for, sent_for

pytestmark = pytest.mark.django_db

ALWAYS = REFERRAL_KEYS
TIER_2 = {"identity", "contact", "origin", "language"}


def detail_url(referral):
    return reverse("v1:partner-referral-detail", args=[referral.pk])


def action_url(referral, name):
    return reverse(f"v1:partner-referral-{name}", args=[referral.pk])


@pytest.fixture
def partner(people, orgs):
    """A partner system of the NGO, calling with its token."""
    token, plaintext = token_issue(actor=people.partner, organisation=orgs.ngo, name="case system")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    return SimpleNamespace(token=token, plaintext=plaintext, api=client)


@pytest.fixture
def sw(people):
    return people.social_worker


def send(sw, to, **values):
    return sent_for(sw, adult_case(sw), to, **values)


def post(partner, url, body=None, key=None):
    return partner.api.post(url, body or {}, format="json", HTTP_IDEMPOTENCY_KEY=key or str(uuid.uuid4()))


def pull_all(partner, **params):
    """Follow `next` to the end of one pull; return the results and the final next_after."""
    results, response = [], partner.api.get(reverse("v1:partner-referral-list"), params)
    while True:
        assert response.status_code == 200, response.json()
        body = response.json()
        results += body["results"]
        if body["next"] is None:
            return results, body["next_after"]
        response = partner.api.get(body["next"])


# --- Scope ------------------------------------------------------------------------------------------------
def test_a_partner_neither_sees_nor_lists_another_organisations_referral(partner, sw, orgs):
    ours = send(sw, orgs.ngo)
    theirs = send(sw, orgs.ngo_other)
    results, _ = pull_all(partner)
    assert [row["id"] for row in results] == [str(ours.pk)]
    for url in (detail_url(theirs), reverse("v1:partner-referral-detail", args=[uuid.uuid4()])):
        response = partner.api.get(url)
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found.", "code": "not_found", "errors": {}}
    assert partner.api.get(reverse("v1:partner-referral-detail", args=["not-a-uuid"])).status_code == 404
    refused = post(partner, action_url(theirs, "acknowledge"))
    assert refused.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "sent"
    assert not IdempotencyRecord.objects.exists()
    assert AuditEvent.objects.filter(
        object_id=str(theirs.pk), organisation=orgs.ngo, reason=f"partner token {partner.token.prefix}: refused 404"
    ).exists()
    events = partner.api.get(reverse("v1:partner-event-list")).json()["results"]
    assert {event["referral"] for event in events} == {str(ours.pk)}


def test_drafts_are_never_visible(partner, sw, orgs):
    case = adult_case(sw)
    draft = draft_for(sw, case, orgs.ngo, consent=consent_for(sw, case, orgs.ngo))
    results, next_after = pull_all(partner)
    assert results == [] and next_after == 0
    assert partner.api.get(detail_url(draft)).status_code == 404
    assert post(partner, action_url(draft, "notes"), {"note": "hello"}).status_code == 404
    assert partner.api.get(reverse("v1:partner-event-list")).json()["results"] == []
    services.referral_send(actor=sw, referral=draft)
    results, _ = pull_all(partner)
    assert [row["id"] for row in results] == [str(draft.pk)]
    kinds = [event["kind"] for event in partner.api.get(reverse("v1:partner-event-list")).json()["results"]]
    assert kinds == ["sent"], "events written while it was a draft stay hidden"


# --- Minimal data set ---------------------------------------------------------------------------------------
def test_fields_outside_the_consent_are_absent(partner, sw, orgs):
    case = adult_case(sw, phone="+856 20 5555 0101", origin_village="Ban Synthetic")
    # The consent would cover contact and origin too, but the referral shares identity only.
    consent = consent_for(sw, case, orgs.ngo, categories=("identity", "contact", "origin"))
    referral = sent_for(sw, case, orgs.ngo, consent=consent, categories=("identity",))
    body = partner.api.get(detail_url(referral)).json()
    assert set(body) == ALWAYS | {"identity"}
    assert body["disclosed_categories"] == ["identity"]
    assert body["identity"]["given_name_latin"] == "Adult"
    assert "date_of_birth" not in str(body) and "1995" not in str(body)
    assert "+856" not in str(body) and "Ban Synthetic" not in str(body)
    listed, _ = pull_all(partner)
    assert set(listed[0]) == ALWAYS | {"identity"}


def test_after_consent_withdrawal_tier_two_fields_are_absent_on_the_next_get(partner, sw, orgs):
    referral = send(sw, orgs.ngo, categories=("identity", "language"))
    first, stored = pull_all(partner)
    assert {"identity", "language"} <= set(first[0])
    services.consent_withdraw(actor=sw, consent=referral.consent)

    body = partner.api.get(detail_url(referral)).json()
    assert set(body) & (TIER_2 | {"case_summary", "screening", "health"}) == set()
    assert (body["consent_status"], body["disclosed_categories"]) == ("withdrawn", [])
    # ... and the withdrawal is a change: the next incremental pull brings the referral again.
    again, _ = pull_all(partner, after=stored)
    assert [row["id"] for row in again] == [str(referral.pk)]
    assert "identity" not in again[0]


# --- The incremental pull -------------------------------------------------------------------------------------
def test_an_incremental_pull_returns_each_change_once(partner, sw, orgs):
    first = [send(sw, orgs.ngo) for _ in range(3)]
    results, stored = pull_all(partner, page_size=2)
    assert [row["id"] for row in results] == [str(r.pk) for r in first]
    assert [row["change_seq"] for row in results] == sorted(row["change_seq"] for row in results)
    assert stored == results[-1]["change_seq"]

    nothing, unchanged = pull_all(partner, after=stored)
    assert (nothing, unchanged) == ([], stored)

    assert post(partner, action_url(first[0], "acknowledge")).status_code == 200
    services.referral_accept(referral=first[1], actor=None, token=partner.token)
    newer = send(sw, orgs.ngo)
    changed, stored_again = pull_all(partner, after=stored, page_size=1)
    assert [row["id"] for row in changed] == [str(first[0].pk), str(first[1].pk), str(newer.pk)]
    assert [row["status"] for row in changed] == ["acknowledged", "accepted", "sent"]
    assert pull_all(partner, after=stored_again) == ([], stored_again)


def test_next_uses_an_opaque_cursor_and_after_and_cursor_agree(partner, sw, orgs):
    for _ in range(3):
        send(sw, orgs.ngo)
    page = partner.api.get(reverse("v1:partner-referral-list"), {"page_size": 1}).json()
    assert "cursor=" in page["next"] and "page_size=1" in page["next"]
    by_cursor = partner.api.get(page["next"]).json()
    by_after = partner.api.get(
        reverse("v1:partner-referral-list"), {"page_size": 1, "after": page["next_after"]}
    ).json()
    assert by_cursor["results"] == by_after["results"]
    assert by_cursor["results"][0]["change_seq"] > page["next_after"]


def test_updated_since_is_a_first_pull_by_time(partner, sw, orgs):
    referral = send(sw, orgs.ngo)
    past = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    results, stored = pull_all(partner, updated_since=past)
    assert [row["id"] for row in results] == [str(referral.pk)]
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    none, stored_empty = pull_all(partner, updated_since=future)
    # Nothing changed since then: everything up to now is behind the partner.
    assert none == [] and stored_empty == stored == referral.change_seq


def test_filters_by_status_and_service(partner, sw, orgs):
    shelter = send(sw, orgs.ngo, requested=("shelter",))
    legal = send(sw, orgs.ngo, requested=("legal_aid",))
    post(partner, action_url(shelter, "acknowledge"))
    by_service, _ = pull_all(partner, service="legal_aid")
    assert [row["id"] for row in by_service] == [str(legal.pk)]
    by_status, _ = pull_all(partner, status="acknowledged")
    assert [row["id"] for row in by_status] == [str(shelter.pk)]


@pytest.mark.parametrize(
    "params",
    [
        {"after": -1},
        {"after": "x"},
        {"after": 2**63},
        {"page_size": 0},
        {"page_size": 501},
        {"cursor": "not-a-cursor"},
        {"cursor": "eyJhZnRlciI6IC0xfQ"},  # {"after": -1}
        {"after": 1, "cursor": "eyJhZnRlciI6MX0"},
        {"status": "draft"},
        {"updated_since": "yesterday"},
    ],
)
def test_bad_query_parameters_get_400_in_the_error_shape(partner, params):
    response = partner.api.get(reverse("v1:partner-referral-list"), params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and body["errors"]


def test_the_event_stream_pulls_every_change_once_without_personal_data(partner, sw, orgs):
    referral = send(sw, orgs.ngo)
    page = partner.api.get(reverse("v1:partner-event-list")).json()
    assert [(e["kind"], e["from_status"], e["to_status"], e["by_you"]) for e in page["results"]] == [
        ("sent", "draft", "sent", False)
    ]
    post(partner, action_url(referral, "accept"))
    post(partner, action_url(referral, "notes"), {"note": "Intake booked for Monday."})
    newer = partner.api.get(reverse("v1:partner-event-list"), {"after": page["next_after"]}).json()
    assert [(e["kind"], e["by_you"], e["organisation"]) for e in newer["results"]] == [
        ("acknowledged", True, "t-ngo"),
        ("accepted", True, "t-ngo"),
        ("note", True, "t-ngo"),
    ]
    seqs = [e["seq"] for e in page["results"] + newer["results"]]
    assert seqs == sorted(set(seqs))
    assert newer["next_after"] == seqs[-1]
    assert set(newer["results"][0]) == {
        "seq", "referral", "kind", "from_status", "to_status", "note", "organisation", "by_you", "at"
    }  # fmt: skip
    assert "Adult" not in str(newer) and "Synthetic" not in str(newer)


# --- Changing status ---------------------------------------------------------------------------------------------
def test_a_partner_takes_a_referral_through_its_lifecycle(partner, sw, orgs):
    referral = send(sw, orgs.ngo)
    steps = [
        ("acknowledge", {}, "acknowledged"),
        ("accept", {}, "accepted"),
        ("start", {}, "in_progress"),
        ("complete", {"outcome": "Finished the course."}, "completed"),
    ]
    last_seq = referral.change_seq
    for name, body, status in steps:
        response = post(partner, action_url(referral, name), body)
        assert response.status_code == 200, response.json()
        assert response.json()["status"] == status and response.json()["referral"] == str(referral.pk)
        assert response.json()["seq"] > last_seq
        last_seq = response.json()["seq"]
    detail = partner.api.get(detail_url(referral)).json()
    assert (detail["status"], detail["outcome"], detail["change_seq"]) == (
        "completed",
        "Finished the course.",
        last_seq,
    )
    by_token = ReferralEvent.objects.filter(referral=referral, token=partner.token).values_list("kind", flat=True)
    assert list(by_token) == ["acknowledged", "accepted", "started", "completed"]


def test_decline_and_close_need_a_reason_and_the_lifecycle_refuses_skipped_steps(partner, sw, orgs):
    referral = send(sw, orgs.ngo)
    skipped = post(partner, action_url(referral, "start"))
    assert skipped.status_code == 400 and skipped.json()["errors"] == {
        "status": ["Not allowed from the current status."]
    }
    missing = post(partner, action_url(referral, "decline"), {})
    assert missing.status_code == 400 and "reason" in missing.json()["errors"]
    declined = post(partner, action_url(referral, "decline"), {"reason": "No place until June."})
    assert declined.json()["status"] == "declined"
    body = partner.api.get(detail_url(referral)).json()
    assert body["decline_reason"] == "No place until June." and "identity" not in body

    other = send(sw, orgs.ngo)
    post(partner, action_url(other, "accept"))
    closed = post(partner, action_url(other, "close-without-service"), {"reason": "Did not arrive."})
    assert closed.status_code == 200 and closed.json()["status"] == "closed_without_service"


def test_a_note_is_an_event_without_a_status_change(partner, sw, orgs):
    referral = send(sw, orgs.ngo)
    response = post(partner, action_url(referral, "notes"), {"note": "We will call on Monday."})
    assert response.status_code == 201
    assert response.json()["status"] == "sent"
    event = ReferralEvent.objects.get(referral=referral, kind="note")
    assert (event.seq, event.note, event.token) == (response.json()["seq"], "We will call on Monday.", partner.token)
    assert post(partner, action_url(referral, "notes"), {"note": ""}).status_code == 400
    assert post(partner, action_url(referral, "notes"), {"note": "x" * 4001}).status_code == 400


# --- Idempotency -----------------------------------------------------------------------------------------------
def test_a_retry_with_the_same_key_gets_the_same_answer_and_changes_nothing(partner, sw, orgs):
    referral = send(sw, orgs.ngo)
    key = str(uuid.uuid4())
    first = post(partner, action_url(referral, "acknowledge"), key=key)
    assert first.status_code == 200 and "Idempotent-Replayed" not in first
    retry = post(partner, action_url(referral, "acknowledge"), key=key)
    assert (retry.status_code, retry.json(), retry["Idempotent-Replayed"]) == (200, first.json(), "true")
    assert ReferralEvent.objects.filter(referral=referral, kind="acknowledged").count() == 1

    note_key = "note-2026-03-02-0001"
    note = post(partner, action_url(referral, "notes"), {"note": "Booked."}, key=note_key)
    note_retry = post(partner, action_url(referral, "notes"), {"note": "Booked."}, key=note_key)
    assert (note_retry.status_code, note_retry.json(), note_retry["Idempotent-Replayed"]) == (201, note.json(), "true")
    assert ReferralEvent.objects.filter(referral=referral, kind="note").count() == 1


def test_the_same_key_with_a_different_request_is_refused_with_422(partner, sw, orgs):
    referral, other = send(sw, orgs.ngo), send(sw, orgs.ngo)
    key = str(uuid.uuid4())
    post(partner, action_url(referral, "notes"), {"note": "first"}, key=key)
    for url, body in [
        (action_url(referral, "notes"), {"note": "second"}),
        (action_url(referral, "decline"), {"reason": "first"}),
        (action_url(other, "notes"), {"note": "first"}),
    ]:
        response = post(partner, url, body, key=key)
        assert response.status_code == 422
        assert response.json()["code"] == "idempotency_key_reused"
        assert "different request" in response.json()["detail"]
    assert ReferralEvent.objects.filter(kind="note").count() == 1
    assert status_of(other) == "sent"


def status_of(referral):
    referral.refresh_from_db()
    return referral.status


def test_keys_belong_to_the_organisation_so_a_rotated_token_replays_too(partner, people, orgs, sw):
    referral = send(sw, orgs.ngo)
    key = str(uuid.uuid4())
    first = post(partner, action_url(referral, "acknowledge"), key=key)
    _, new_plaintext = token_issue(actor=people.partner, organisation=orgs.ngo, name="new server")
    rotated = SimpleNamespace(api=APIClient())
    rotated.api.credentials(HTTP_AUTHORIZATION=f"Bearer {new_plaintext}")
    retry = post(rotated, action_url(referral, "acknowledge"), key=key)
    assert (retry.json(), retry["Idempotent-Replayed"]) == (first.json(), "true")


def test_a_failed_change_is_not_stored_and_a_retry_runs_again(partner, sw, orgs):
    referral = send(sw, orgs.ngo)
    key = str(uuid.uuid4())
    assert post(partner, action_url(referral, "start"), key=key).status_code == 400
    assert not IdempotencyRecord.objects.exists()
    post(partner, action_url(referral, "accept"))
    retried = post(partner, action_url(referral, "start"), key=key)
    assert retried.status_code == 200 and "Idempotent-Replayed" not in retried


@pytest.mark.parametrize("key", [None, "", "with space", "ключ", "x" * 101])
def test_every_change_needs_a_valid_idempotency_key(partner, sw, orgs, key):
    referral = send(sw, orgs.ngo)
    headers = {} if key is None else {"HTTP_IDEMPOTENCY_KEY": key}
    response = partner.api.post(action_url(referral, "acknowledge"), {}, format="json", **headers)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["errors"]
    assert status_of(referral) == "sent"


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_are_decided_by_the_unique_constraint(partner, sw, orgs):
    referral = send(sw, orgs.ngo)
    key, barrier, answers = str(uuid.uuid4()), threading.Barrier(6), []

    def call():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {partner.plaintext}")
        try:
            barrier.wait()
            response = client.post(action_url(referral, "accept"), {}, format="json", HTTP_IDEMPOTENCY_KEY=key)
            answers.append((response.status_code, response.json(), response.get("Idempotent-Replayed")))
        finally:
            connection.close()

    threads = [threading.Thread(target=call) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(answers) == 6
    assert {(status, body["status"]) for status, body, _ in answers} == {(200, "accepted")}
    assert sorted(replayed is None for _, _, replayed in answers) == [False] * 5 + [True]
    assert ReferralEvent.objects.filter(referral=referral, kind="accepted").count() == 1
    assert IdempotencyRecord.objects.count() == 1


# --- Throttling ------------------------------------------------------------------------------------------------
@override_settings(PARTNER_API_THROTTLE_RATE="3/min")
def test_a_token_over_its_quota_gets_429_with_retry_after(partner, people, orgs):
    url = reverse("v1:partner-referral-list")
    with time_machine.travel(datetime(2026, 6, 1, 12, 0, 30, tzinfo=UTC), tick=False):
        assert [partner.api.get(url).status_code for _ in range(3)] == [200, 200, 200]
        throttled = partner.api.get(url)
        assert throttled.status_code == 429
        assert throttled["Retry-After"] == "30"
        assert throttled.json()["code"] == "throttled"
        # The quota is per token: the organisation's other token still works.
        _, other = token_issue(actor=people.partner, organisation=orgs.ngo, name="other")
        assert APIClient().get(url, HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 200
    with time_machine.travel(datetime(2026, 6, 1, 12, 1, 0, tzinfo=UTC), tick=False):
        assert partner.api.get(url).status_code == 200, "a new window opens"


# --- Authentication boundaries ---------------------------------------------------------------------------------
@pytest.mark.parametrize("persona", ["partner", "social_worker", "manager", "admin"])
def test_a_staff_session_is_refused_on_the_partner_api(client, people, orgs, sw, persona):
    referral = send(sw, orgs.ngo)
    client.force_login(getattr(people, persona))
    assert client.get(reverse("v1:partner-referral-list")).status_code == 401
    assert client.get(detail_url(referral)).status_code == 401
    response = client.post(
        action_url(referral, "acknowledge"), {}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    assert response.status_code == 401
    assert status_of(referral) == "sent"


@pytest.mark.parametrize("name", ["v1:case-list", "v1:person-list", "v1:organisation-list", "v1:user-me", "schema"])
def test_a_partner_token_is_refused_on_staff_endpoints(partner, name):
    assert partner.api.get(reverse(name)).status_code in (401, 403)


# --- Audit and cost ------------------------------------------------------------------------------------------------
def test_every_call_is_audited_with_the_token_prefix_and_a_page_in_one_insert(partner, sw, orgs):
    referrals = [send(sw, orgs.ngo, categories=("identity", "language")) for _ in range(3)]
    reason = f"partner token {partner.token.prefix}"
    with CaptureQueriesContext(connection) as queries:
        partner.api.get(reverse("v1:partner-referral-list"))
    # (pghistory prefixes writes with its context, so the INSERT is not at the start of the SQL)
    inserts = [q for q in queries if 'INSERT INTO "accounts_auditevent"' in q["sql"]]
    assert len(inserts) == 1
    listed = AuditEvent.objects.filter(action="list", reason=reason)
    assert sorted(listed.values_list("object_id", flat=True)) == sorted(str(r.pk) for r in referrals)
    assert {tuple(row.fields) for row in listed} == {("identity", "language")}
    assert {row.organisation_id for row in listed} == {orgs.ngo.pk}

    partner.api.get(detail_url(referrals[0]))
    assert AuditEvent.objects.filter(action="view", reason=reason, object_id=str(referrals[0].pk)).count() == 1
    post(partner, action_url(referrals[0], "acknowledge"))
    assert AuditEvent.objects.filter(action="update", reason=reason, object_id=str(referrals[0].pk)).exists()
    before = AuditEvent.objects.count()
    partner.api.get(reverse("v1:partner-event-list"))
    partner.api.get(reverse("v1:partner-referral-list"), {"after": 2**62})
    assert AuditEvent.objects.count() == before + 3 + 1
    assert AuditEvent.objects.filter(reason=reason, fields=["events"]).count() == 3
    assert AuditEvent.objects.filter(reason=f"{reason}: empty page").count() == 1


def _full_referral(sw, orgs):
    case = adult_case(sw)
    case.exploitation_forms.set(ExploitationForm.objects.all()[:2])
    return sent_for(
        sw,
        case,
        orgs.ngo,
        categories=("identity", "contact", "origin", "language", "case_summary", "screening", "health"),
        requested=("shelter", "medical_care"),
    )


def test_a_page_costs_the_same_number_of_queries_for_one_or_many_referrals(
    partner, sw, orgs, django_assert_max_num_queries
):
    url = reverse("v1:partner-referral-list")
    _full_referral(sw, orgs)
    partner.api.get(url)  # the token's last use is stamped once a minute: not part of the page's cost
    with CaptureQueriesContext(connection) as one:
        assert len(partner.api.get(url).json()["results"]) == 1
    for _ in range(7):
        _full_referral(sw, orgs)
    with django_assert_max_num_queries(len(one)):
        assert len(partner.api.get(url).json()["results"]) == 8
    assert len(one) <= 8  # token, referrals, 4 prefetches, audit insert (and a spare)
    with CaptureQueriesContext(connection) as events_one:
        partner.api.get(reverse("v1:partner-event-list"), {"page_size": 1})
    with django_assert_max_num_queries(len(events_one)):
        partner.api.get(reverse("v1:partner-event-list"))
