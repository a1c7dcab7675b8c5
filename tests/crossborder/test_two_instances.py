"""Two real Pathways talking to each other (issue 22): Thailand's and Laos's, each with its own
database, gunicorn, Celery worker and beat, on one machine and one Redis (a queue each). A Lao
child identified in Thailand is referred, questioned, accepted and walked through every shared
step to reintegration, over HTTP pages on both sides: the Lao worker opens the case's repatriation
and does Laos's own steps on its pages (tracing, family assessment, the child's best-interests
determination, travel documents), and the shared steps complete the rest of it, until the Lao
repatriation is completed and both transfers say "Reintegration reached". Then again with the Lao
instance stopped half-way and restarted (it catches up, in order, with a day of queued messages,
and Thailand's handover completes the Lao handover step); and a forged and a replayed message are
refused and audited. Thailand's processes run throughout; Laos's are started twice.

The figures printed (run with -s) are docs/cross-border.md's; timings are never asserted."""

from __future__ import annotations

import base64
import html
import os
import re
import statistics
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import psycopg
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import connection
from django.utils import timezone

from accounts.models import Role
from config.celery import app as celery_app
from crossborder import signatures
from crossborder.models import OutboxMessage, Transfer
from crossborder.services import peer_register, transfer_refer
from tests.crossborder.peers import LAO_CHILD, SHARED, child_consent, signed_headers, step
from tests.factories import OrganisationFactory, make_user, open_case
from tests.http_session import get, post_form
from tests.pg_cluster import free_port
from tests.processes import (
    celery_beat,
    celery_worker,
    server_params,
    signed_in_over_http,
    wait_for,
    web_server,
)
from tests.processes import (
    test_database_url as database_url,
)

pytestmark = [pytest.mark.slow, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

PASSWORD = "two-instances-password"
THAI, LAO = "th-msdhs", "la-mlsw"
QUEUED = 100  # referrals queued on the Thai side while the Lao instance is down
PANEL = "Chair, provincial social welfare office\nChild protection officer\nLWU counsellor"
# The Lao case's repatriation once the child is home: (step, status, done by the partner), in
# order. The referral stands for Thailand's interview and tracing request, and Thailand's
# handover completes the handover step; Laos does the rest on its pages or on the transfer page.
LAO_REPATRIATION_DONE = [
    ("case_interview_documentation", "done", True),
    ("family_tracing_requested", "done", True),
    ("family_tracing_received", "done", False),
    ("family_assessment", "done", False),
    ("assessment_result_sent", "done", False),
    ("return_coordination", "done", False),
    ("handover_at_border", "done", True),
    ("transit_centre_reception", "done", False),
    ("return_or_placement", "done", False),
    ("reintegration_follow_up", "done", False),
]
# The Lao case's timeline of the walk: (event, step, by the partner), in order.
LAO_TIMELINE = [
    ("crossborder_accepted", None, False),
    ("repatriation_started", None, False),
    ("repatriation_step_done", "case_interview_documentation", True),
    ("repatriation_step_done", "family_tracing_requested", True),
    ("repatriation_step_done", "family_tracing_received", False),
    ("family_assessment_recorded", "family_assessment", False),
    ("repatriation_step_done", "assessment_result_sent", False),
    ("repatriation_step_done", "return_coordination", False),
    ("crossborder_step_done", "nationality_verified", False),
    ("crossborder_step_done", "handover_date_agreed", True),
    ("crossborder_step_done", "handover_done", True),
    ("repatriation_step_done", "handover_at_border", True),
    ("crossborder_step_done", "reception", False),
    ("repatriation_step_done", "transit_centre_reception", False),
    ("return_decided", "return_or_placement", False),
    ("repatriation_step_done", "reintegration_follow_up", False),
    ("repatriation_completed", None, False),
    ("crossborder_step_done", "follow_up", False),
]


@dataclass
class Instance:
    instance_id: str
    database: str
    port: int
    seed: str  # base64 private key
    queue: str

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def public_key(self) -> str:
        return signatures.public_key_text(Ed25519PrivateKey.from_private_bytes(base64.b64decode(self.seed)))

    def env(self) -> dict[str, str]:
        url = database_url().rsplit("/", 1)[0] + "/" + self.database
        return {
            "DATABASE_URL": url,
            "CROSSBORDER_INSTANCE_ID": self.instance_id,
            "CROSSBORDER_PRIVATE_KEY": self.seed,
            "CROSSBORDER_ALLOW_HTTP": "1",
            "CROSSBORDER_BACKOFF_MAX_SECONDS": "2",
            "CROSSBORDER_SWEEP_SECONDS": "1",
            "CELERY_QUEUE": self.queue,
        }

    def rows(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        with psycopg.connect(**server_params(self.database), autocommit=True) as conn:
            cursor = conn.execute(sql, params or None)  # type: ignore[arg-type]
            return cursor.fetchall() if cursor.description else []

    def value(self, sql: str, *params: Any) -> Any:
        found = self.rows(sql, *params)
        return found[0][0] if found else None


def new_instance(instance_id: str, database: str) -> Instance:
    return Instance(
        instance_id, database, free_port(), base64.b64encode(os.urandom(32)).decode(), f"cb-{uuid.uuid4().hex[:8]}"
    )


@contextmanager
def running(instance: Instance) -> Iterator[None]:
    """The instance's gunicorn, worker and beat, until the block ends."""
    env = instance.env()
    with ExitStack() as stack:
        stack.enter_context(web_server(port=instance.port, workers=1, threads=8, **env))
        stack.enter_context(celery_worker(queue=instance.queue, name=instance.instance_id, **env))
        stack.enter_context(celery_beat(**env))
        yield


@pytest.fixture
def world(people, orgs, settings):  # type: ignore[no-untyped-def]
    """Thailand's instance is the test database; Laos's a copy of it made after the users and
    organisations both need exist. Thailand registers Laos here; Laos registers Thailand on its
    own page, as its administrator would."""
    thai = new_instance(THAI, connection.settings_dict["NAME"])
    lao = new_instance(LAO, connection.settings_dict["NAME"] + "_lao")
    # This process writes to Thailand's database as Thailand (the queued referrals below), and
    # what it queues goes to Thailand's worker.
    settings.CROSSBORDER_INSTANCE_ID, settings.CROSSBORDER_ALLOW_HTTP = THAI, True
    default_queue, celery_app.conf.task_default_queue = celery_app.conf.task_default_queue, thai.queue
    worker = make_user("cb-sw", orgs.mlsw_vt, Role.SOCIAL_WORKER, password=PASSWORD, language="en")
    make_user("cb-admin", orgs.mlsw_national, Role.ADMIN, password=PASSWORD, language="en")
    lao_here = OrganisationFactory(code="t-la-mlsw", name_en="Lao MLSW (partner instance)")
    thai_there = OrganisationFactory(code="t-th-msdhs", name_en="Thailand MSDHS (partner instance)")
    case = open_case(worker, person_values=LAO_CHILD)
    consent = child_consent(worker, case, lao_here)
    peer = peer_register(
        actor=people.admin,
        name="Lao MLSW",
        instance_id=LAO,
        base_url=lao.url,
        public_key=lao.public_key,
        organisation=lao_here,
        receiving_organisation=orgs.mlsw_vt,
        may_send=["repatriation", "reintegration"],
        may_receive=["repatriation", "reintegration"],
        categories_in=SHARED,
        categories_out=SHARED,
    )
    connection.close()  # a template database must have no other session
    with psycopg.connect(**server_params("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{lao.database}"')
        conn.execute(f'CREATE DATABASE "{lao.database}" TEMPLATE "{thai.database}"')
    lao.rows("DELETE FROM crossborder_peer")  # Laos's copy starts with no partner
    try:
        yield {
            "thai": thai,
            "lao": lao,
            "case": case,
            "consent": consent,
            "worker": worker,
            "peer": peer,
            "thai_there": thai_there,
            "orgs": orgs,
        }
    finally:
        celery_app.conf.task_default_queue = default_queue
        with psycopg.connect(**server_params("postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{lao.database}" WITH (FORCE)')


def today() -> str:
    return timezone.localdate().strftime("%d/%m/%Y")


def lao_transfer(lao: Instance, transfer_id: Any) -> Any:
    return lao.value("SELECT id FROM crossborder_transfer WHERE transfer_id = %s AND role = 'destination'", transfer_id)


def lao_steps(lao: Instance, transfer_id: Any) -> list[str]:
    rows = lao.rows(
        "SELECT s.code FROM crossborder_transferstep s JOIN crossborder_transfer t ON t.id = s.transfer_id "
        "WHERE t.transfer_id = %s ORDER BY s.id",
        transfer_id,
    )
    return [code for (code,) in rows]


def thai_state(transfer: Transfer) -> tuple[str, list[str]]:
    transfer.refresh_from_db()
    return transfer.status, list(transfer.steps.order_by("id").values_list("code", flat=True))


def lao_repatriation(lao: Instance, case_id: Any) -> list[tuple[str, str, bool]]:
    """The Lao case's repatriation steps: (step, status, done by the partner), in order; every
    step done in order (no reason kept for doing one early)."""
    rows = lao.rows(
        "SELECT s.code, s.status, s.done_by_id IS NULL, s.reason FROM casework_repatriationstep s "
        "JOIN casework_repatriation r ON r.id = s.repatriation_id WHERE r.case_id = %s ORDER BY s.position",
        case_id,
    )
    assert all(reason == "" for *_, reason in rows), rows
    return [(code, status, status == "done" and partner) for code, status, partner, _ in rows]


def lao_timeline(lao: Instance, case_id: Any) -> list[tuple[str, str | None, bool]]:
    """The Lao case's cross-border and repatriation events: (event, step, by the partner)."""
    rows = lao.rows(
        "SELECT kind, data->>'step', actor_id IS NULL FROM casework_caseevent WHERE case_id = %s "
        "AND (kind LIKE 'crossborder%%' OR kind LIKE 'repatriation%%' "
        "OR kind IN ('family_assessment_recorded', 'return_decided')) ORDER BY id",
        case_id,
    )
    return [tuple(row) for row in rows]  # type: ignore[misc]


def page_steps(page: str) -> list[str]:
    """The steps as a transfer's page lists them, in words."""
    listed = re.search(r'<ol class="steps">(.*?)</ol>', page, re.S)
    assert listed is not None
    items = listed.group(1).split("<li>")[1:]
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", "", item)).split()) for item in items]


def seen_from(role: str, done: str) -> list[str]:
    """A transfer's page once the child is home, on the referring ("origin") or receiving side."""
    ours, theirs = ("our side", "partner's side") if role == "origin" else ("partner's side", "our side")
    return [
        f"Nationality verified ({theirs}): done {done}",
        f"Handover date agreed ({ours}): done {done} · handover on {done}",
        f"Handover done ({ours}): done {done}",
        f"Reception ({theirs}): done {done}",
        f"Reintegration follow-up ({theirs}): done {done}",
    ]


def refer(w: dict[str, Any], thai_opener: Any, token: str) -> Transfer:
    before = set(Transfer.objects.values_list("pk", flat=True))
    fields = {
        "peer": str(w["peer"].pk),
        "purpose": "repatriation",
        "categories": SHARED,
        "consent": str(w["consent"].pk),
        "reason": "Identified in a Bangkok factory raid; wishes to go home to her family.",
    }
    assert post_form(thai_opener, f"{w['thai'].url}/crossborder/refer/{w['case'].pk}/", fields, token) == 200
    return Transfer.objects.exclude(pk__in=before).get()


def test_two_instances_walk_a_child_home_survive_an_outage_and_refuse_forgeries(world, capfd):
    w = world
    thai, lao = w["thai"], w["lao"]
    figures: dict[str, Any] = {}
    phases: dict[str, float] = {}  # where the test's time goes (s), printed with the figures
    clock = [time.perf_counter()]

    def phase(name: str) -> None:
        now = time.perf_counter()
        phases[name], clock[0] = round(now - clock[0], 1), now

    lao_up = ExitStack()  # Laos's processes, stopped half-way through run 2 while Thailand's go on
    with running(thai), lao_up:
        lao_up.enter_context(running(lao))
        # Laos registers Thailand on its own page (keys exchanged out of band: here, in the test).
        lao_admin, _, lao_admin_token = signed_in_over_http(lao.url, "cb-admin", PASSWORD)
        assert lao.public_key in get(lao_admin, f"{lao.url}/crossborder/peers/")
        registration = {
            "name": "Thailand MSDHS",
            "instance_id": THAI,
            "base_url": thai.url,
            "public_key": thai.public_key,
            "organisation": str(w["thai_there"].pk),
            "receiving_organisation": str(w["orgs"].mlsw_vt.pk),
            "may_send": ["repatriation", "reintegration"],
            "may_receive": ["repatriation", "reintegration"],
            "categories_in": SHARED,
            "categories_out": SHARED,
        }
        assert post_form(lao_admin, f"{lao.url}/crossborder/peers/", registration, lao_admin_token) == 200
        assert lao.value("SELECT count(*) FROM crossborder_peer WHERE instance_id = %s", THAI) == 1
        check_directory_across(thai, lao, lao_admin, lao_admin_token)

        thai_sw, _, thai_token = signed_in_over_http(thai.url, "cb-sw", PASSWORD)
        lao_sw, _, lao_token = signed_in_over_http(lao.url, "cb-sw", PASSWORD)

        def lao_act(transfer_id: Any, action: str, fields: dict[str, str]) -> None:
            pk = wait_for(lambda: lao_transfer(lao, transfer_id), what="the referral on the Lao side")
            assert post_form(lao_sw, f"{lao.url}/crossborder/{pk}/{action}/", fields, lao_token) == 200

        def thai_act(transfer: Transfer, action: str, fields: dict[str, str]) -> None:
            assert post_form(thai_sw, f"{thai.url}/crossborder/{transfer.pk}/{action}/", fields, thai_token) == 200

        def step_fields(code: str, **extra: str) -> dict[str, str]:
            return {"step-step": code, "step-done_on": today(), **extra}

        def lao_page(path: str, fields: dict[str, str]) -> None:
            """A form of the Lao case's pages, as its social worker sends it (200: saved, then the page)."""
            assert post_form(lao_sw, f"{lao.url}{path}", fields, lao_token) == 200, path

        def lao_step_done(case_id: Any, code: str) -> None:
            """ "Mark done" on a step of the Lao case's Repatriation tab."""
            step_id = lao.value(
                "SELECT s.id FROM casework_repatriationstep s JOIN casework_repatriation r "
                "ON r.id = s.repatriation_id WHERE r.case_id = %s AND s.code = %s",
                case_id,
                code,
            )
            lao_page(f"/cases/{case_id}/steps/{step_id}/", {"action": "complete", "done_on": today()})

        def lao_prepares_the_return(tid: Any) -> tuple[Any, Any]:
            """What only Laos does, on the accepted case's pages: open its repatriation (Thailand
            MOU), receive the tracing request and send it to the province, record the family
            assessment and send its result back, the child's best-interests determination (the
            handover and the return need it), then travel documents and nationality verification,
            which tells Thailand "nationality verified". The case and its repatriation."""
            case_id = lao.value("SELECT case_id FROM crossborder_transfer WHERE transfer_id = %s", tid)
            start = {"flow": "thailand_mou", "from_country": "TH", "partner_abroad": "Thai MSDHS shelter"}
            lao_page(f"/cases/{case_id}/repatriations/", start)
            trip = lao.value("SELECT id FROM casework_repatriation WHERE case_id = %s", case_id)
            lao_step_done(case_id, "family_tracing_received")
            assessment = {
                "result": "safe",
                "notes": "Parents at home, willing; village chief agrees.",
                "done_on": today(),
            }
            lao_page(f"/cases/{case_id}/repatriations/{trip}/family-assessment/", assessment)
            lao_step_done(case_id, "assessment_result_sent")
            determination = {
                "decided_on": today(),
                "panel": PANEL,
                "decision": "return_to_family",
                "reasons": "Heard the child and the family; she asks to go home.",
            }
            lao_page(f"/cases/{case_id}/best-interests/new/", determination)
            assert lao_repatriation(lao, case_id)[:5] == LAO_REPATRIATION_DONE[:5]
            lao_step_done(case_id, "return_coordination")
            return case_id, trip

        def lao_finishes_the_return(transfer: Transfer, case_id: Any, trip: Any) -> list[float]:
            """Reception recorded on the transfer page (it completes the transit centre step), the
            return decision and the follow-up on the Repatriation tab (it tells Thailand): the
            seconds each step took to reach Thailand."""
            latencies = []
            lao_act(transfer.transfer_id, "step", step_fields("reception"))
            started = time.perf_counter()
            wait_for(lambda: "reception" in thai_state(transfer)[1], what="reception in Thailand")
            latencies.append(time.perf_counter() - started)
            decision = {
                "destination": "family",
                "best_interests_decision": "Panel: home to the family.",
                "done_on": today(),
            }
            lao_page(f"/cases/{case_id}/repatriations/{trip}/return-decision/", decision)
            lao_step_done(case_id, "reintegration_follow_up")
            started = time.perf_counter()
            wait_for(lambda: "follow_up" in thai_state(transfer)[1], what="follow-up in Thailand")
            latencies.append(time.perf_counter() - started)
            return latencies

        def reintegration_reached(transfer: Transfer, case_id: Any) -> None:
            """Both transfers completed with the same steps, as each side's page shows them; the
            Lao repatriation completed, every step in order; the Lao case's timeline."""
            assert thai_state(transfer) == (
                "completed",
                ["nationality_verified", "handover_date_agreed", "handover_done", "reception", "follow_up"],
            )
            assert lao_steps(lao, transfer.transfer_id) == thai_state(transfer)[1]
            thai_page = get(thai_sw, f"{thai.url}/crossborder/{transfer.pk}/")
            lao_page_text = get(lao_sw, f"{lao.url}/crossborder/{lao_transfer(lao, transfer.transfer_id)}/")
            for page, role in ((thai_page, "origin"), (lao_page_text, "destination")):
                assert "Reintegration reached" in page
                assert page_steps(page) == seen_from(role, today())
            assert lao_repatriation(lao, case_id) == LAO_REPATRIATION_DONE
            assert lao.value("SELECT status FROM casework_repatriation WHERE case_id = %s", case_id) == "completed"
            assert lao_timeline(lao, case_id) == LAO_TIMELINE
            history = get(lao_sw, f"{lao.url}/cases/{case_id}/?tab=history")
            assert "Repatriation completed" in history and "Cross-border step done" in history

        phase("both instances up, Laos registers Thailand, sign-ins")
        # --- 1. Referral to reintegration, both sides up --------------------------------------
        transfer = refer(w, thai_sw, thai_token)
        tid = transfer.transfer_id
        wait_for(lambda: lao_transfer(lao, tid), what="the referral in Laos's inbox")
        assert w["case"].person.case_code in get(lao_sw, f"{lao.url}/crossborder/")  # Laos's inbox page
        lao_act(tid, "ask", {"text-text": "Which village does her family live in?"})
        wait_for(lambda: thai_state(transfer)[0] == "info_requested", what="the question in Thailand")
        thai_act(transfer, "answer", {"text-text": "Ban Nong Bua, Savannakhet."})
        wait_for(
            lambda: lao.value("SELECT status FROM crossborder_transfer WHERE transfer_id = %s", tid) == "sent",
            what="the answer in Laos",
        )
        lao_act(tid, "accept", {})
        wait_for(lambda: thai_state(transfer)[0] == "accepted", what="the acceptance in Thailand")
        case_id, trip = lao_prepares_the_return(tid)
        started = time.perf_counter()
        wait_for(lambda: "nationality_verified" in thai_state(transfer)[1], what="nationality verified, in Thailand")
        latencies = [time.perf_counter() - started]
        assert page_steps(get(thai_sw, f"{thai.url}/crossborder/{transfer.pk}/"))[:2] == [
            f"Nationality verified (partner's side): done {today()}",
            "Handover date agreed (our side): not yet",
        ]
        for code, extra in (("handover_date_agreed", {"step-agreed_date": today()}), ("handover_done", {})):
            thai_act(transfer, "step", step_fields(code, **extra))
            started = time.perf_counter()
            wait_for(lambda code=code: code in lao_steps(lao, tid), what=f"{code} in Laos")
            latencies.append(time.perf_counter() - started)
        assert lao_repatriation(lao, case_id)[6] == ("handover_at_border", "done", True)
        latencies += lao_finishes_the_return(transfer, case_id, trip)
        reintegration_reached(transfer, case_id)
        figures["step latency (s), each of 5 steps"] = [round(x, 2) for x in latencies]
        figures["step latency p50 (s)"] = round(statistics.median(latencies), 2)

        phase("walk 1")
        # --- 3. A forged and a replayed message, straight to Laos's endpoint -------------------
        thai_key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(thai.seed))
        body = step(tid, 99, "follow_up")
        forged = signed_headers(body, Ed25519PrivateKey.generate())
        assert raw_post(lao.url, body, forged) == 401
        replay_body = step(uuid.uuid4(), 2, "reception")
        genuine = signed_headers(replay_body, thai_key)
        assert raw_post(lao.url, replay_body, genuine) == 200  # stored (held: no such transfer)
        assert raw_post(lao.url, replay_body, genuine) == 409
        refused = lao.rows(
            "SELECT reason FROM accounts_auditevent WHERE action = 'login_failed' AND object_type = 'crossborder.peer'"
        )
        assert any("does not verify" in r for (r,) in refused) and any("replayed" in r for (r,) in refused)

        phase("forged and replayed")
        # --- 2. Again, with Laos stopped half-way and restarted: it catches up -----------------
        transfer = refer(w, thai_sw, thai_token)
        tid = transfer.transfer_id
        lao_act(tid, "accept", {})
        case_id, trip = lao_prepares_the_return(tid)
        wait_for(lambda: "nationality_verified" in thai_state(transfer)[1], what="nationality verified, in Thailand")
        phase("walk 2 until Laos stops")
        lao_up.close()
        # Laos is down: Thailand goes on, and a day's referrals pile up in its outbox.
        thai_act(transfer, "step", step_fields("handover_date_agreed", **{"step-agreed_date": today()}))
        thai_act(transfer, "step", step_fields("handover_done"))
        wait_for(
            lambda: OutboxMessage.objects.filter(transfer=transfer, attempts__gte=1, state="pending").count() == 2,
            what="failed attempts while Laos is down",
        )
        for _ in range(QUEUED):
            transfer_refer(
                actor=w["worker"],
                case=w["case"],
                peer=w["peer"],
                purpose="reintegration",
                consent=w["consent"],
                categories=["identity"],
                reason="Queued while Laos was down.",
            )
        day_ago = timezone.now() - timedelta(days=1)
        OutboxMessage.objects.filter(state="pending").update(
            created_at=day_ago, attempts=12, next_attempt_at=timezone.now()
        )
        pending = OutboxMessage.objects.filter(state="pending").count()
        assert pending == QUEUED + 2
        phase("Laos stopped, Thailand's steps and 100 referrals queued")
        with running(lao):
            started = time.perf_counter()
            wait_for(
                lambda: not OutboxMessage.objects.filter(state="pending").exists(),
                timeout=300,
                what="the outbox drained",
            )
            wait_for(
                lambda: lao_steps(lao, tid) == ["nationality_verified", "handover_date_agreed", "handover_done"],
                timeout=120,
                what="the steps, in order, in Laos",
            )
            figures[f"catch-up of {pending} messages after a day down (s)"] = round(time.perf_counter() - started, 2)
            # Thailand's handover, done while Laos was down, completed the Lao handover step
            assert lao_repatriation(lao, case_id)[6] == ("handover_at_border", "done", True)
            assert (
                lao.value(
                    "SELECT count(*) FROM crossborder_transfer WHERE role = 'destination' AND purpose = 'reintegration'"
                )
                == QUEUED
            )
            # the replayed request's message (number 2 of a transfer Laos never got) still waits for its number 1
            assert lao.value("SELECT count(*) FROM crossborder_inboxmessage WHERE state = 'waiting'") == 1
            phase("Laos restarted, catch-up")
            lao_sw, _, lao_token = signed_in_over_http(lao.url, "cb-sw", PASSWORD)
            lao_finishes_the_return(transfer, case_id, trip)
            reintegration_reached(transfer, case_id)
            phase("walk 2 finished")
    with capfd.disabled():
        print("\ncross-border figures:", figures, "\nphases (s):", phases)


def raw_post(base_url: str, body: bytes, headers: dict[str, str]) -> int:
    request = urllib.request.Request(f"{base_url}/crossborder/api/messages/", data=body, headers=headers, method="POST")  # noqa: S310 (local)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (local)
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def check_directory_across(thai: Instance, lao: Instance, lao_admin: Any, lao_admin_token: str) -> None:
    """Issue 22, item 4, across the two instances: an organisation Thailand's manager keeps in its
    directory reaches Laos's directory page through Laos's signed pull (Thailand shares its
    directory with Laos: registered with the default), with the time it was refreshed; a forged
    directory request to Laos is refused and audited."""
    from accounts.models import Province, User
    from casework.models import ServiceType
    from crossborder.services.directory import DIRECTORY_PATH
    from referrals.services import directory_entry_save

    shelter = OrganisationFactory(code="t-th-bkk-shelter", name_en="Bangkok Protection Centre")
    directory_entry_save(
        actor=User.objects.get(username="cb-admin"),
        organisation=shelter,
        service_types=[ServiceType.objects.get(code="shelter")],
        provinces=[Province.objects.get(code="VT")],
        capacity=40,
        accepting=True,
        phone="+66 2 000 0000",
    )
    peer = lao.value("SELECT id FROM crossborder_peer WHERE instance_id = %s", THAI)
    refresh = f"{lao.url}/crossborder/peers/{peer}/directory/refresh/"
    assert post_form(lao_admin, refresh, {}, lao_admin_token) == 200
    wait_for(
        lambda: lao.value("SELECT capacity FROM crossborder_partnerprovider WHERE code = 't-th-bkk-shelter'") == 40,
        what="Thailand's provider in Laos's copy of its directory",
    )
    assert lao.value("SELECT refreshed_at FROM crossborder_peerdirectory WHERE peer_id = %s", peer) is not None
    page = get(lao_admin, f"{lao.url}/referrals/directory/?country={peer}&service=shelter")
    assert "Bangkok Protection Centre" in page and "Last refreshed" in page
    forged = signatures.sign(method="GET", path=DIRECTORY_PATH, body=b"", key_id=THAI, key=Ed25519PrivateKey.generate())
    request = urllib.request.Request(f"{lao.url}{DIRECTORY_PATH}", headers=forged)  # noqa: S310 (local)
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)  # noqa: S310 (local)
    assert refused.value.code == 401
    assert lao.value(
        "SELECT count(*) FROM accounts_auditevent WHERE action = 'login_failed' AND reason LIKE %s", "%does not verify%"
    )
