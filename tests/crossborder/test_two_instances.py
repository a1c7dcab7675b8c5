"""Two real Pathways talking to each other (issue 22): Thailand's and Laos's, each with its own
database, gunicorn, Celery worker and beat, on one machine and one Redis (a queue each). A Lao
child identified in Thailand is referred, questioned, accepted and walked through every shared
step to reintegration, over HTTP pages on both sides; then again with the Lao instance stopped
half-way and restarted (it catches up, in order, with a day of queued messages); and a forged and
a replayed message are refused and audited.

The figures printed (run with -s) are docs/cross-border.md's; timings are never asserted."""

from __future__ import annotations

import base64
import os
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
    with running(thai), running(lao):
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
        assert lao.value("SELECT case_id FROM crossborder_transfer WHERE transfer_id = %s", tid) is not None
        lao_act(tid, "step", step_fields("nationality_verified"))
        wait_for(lambda: "nationality_verified" in thai_state(transfer)[1], what="nationality verified, in Thailand")
        latencies = []
        for code, extra in (("handover_date_agreed", {"step-agreed_date": today()}), ("handover_done", {})):
            thai_act(transfer, "step", step_fields(code, **extra))
            started = time.perf_counter()
            wait_for(lambda code=code: code in lao_steps(lao, tid), what=f"{code} in Laos")
            latencies.append(time.perf_counter() - started)
        for code in ("reception", "follow_up"):
            lao_act(tid, "step", step_fields(code))
            started = time.perf_counter()
            wait_for(lambda code=code: code in thai_state(transfer)[1], what=f"{code} in Thailand")
            latencies.append(time.perf_counter() - started)
        assert thai_state(transfer) == (
            "completed",
            ["nationality_verified", "handover_date_agreed", "handover_done", "reception", "follow_up"],
        )
        assert lao_steps(lao, tid) == thai_state(transfer)[1]
        assert lao.value("SELECT status FROM crossborder_transfer WHERE transfer_id = %s", tid) == "completed"
        figures["step latency (s), each of 4 steps"] = [round(x, 2) for x in latencies]
        figures["step latency p50 (s)"] = round(statistics.median(latencies), 2)

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

    # --- 2. Again, with Laos stopped half-way and restarted: it catches up ---------------------
    with running(thai):
        with running(lao):
            thai_sw, _, thai_token = signed_in_over_http(thai.url, "cb-sw", PASSWORD)
            lao_sw, _, lao_token = signed_in_over_http(lao.url, "cb-sw", PASSWORD)
            transfer = refer(w, thai_sw, thai_token)
            tid = transfer.transfer_id
            lao_act(tid, "accept", {})
            lao_act(tid, "step", step_fields("nationality_verified"))
            wait_for(
                lambda: "nationality_verified" in thai_state(transfer)[1], what="nationality verified, in Thailand"
            )
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
            assert (
                lao.value(
                    "SELECT count(*) FROM crossborder_transfer WHERE role = 'destination' AND purpose = 'reintegration'"
                )
                == QUEUED
            )
            # the replayed request's message (number 2 of a transfer Laos never got) still waits for its number 1
            assert lao.value("SELECT count(*) FROM crossborder_inboxmessage WHERE state = 'waiting'") == 1
            lao_sw, _, lao_token = signed_in_over_http(lao.url, "cb-sw", PASSWORD)
            lao_act(tid, "step", step_fields("reception"))
            lao_act(tid, "step", step_fields("follow_up"))
            wait_for(lambda: thai_state(transfer)[0] == "completed", what="reintegration reached, in Thailand")
    with capfd.disabled():
        print("\ncross-border figures:", figures)


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
