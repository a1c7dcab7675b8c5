"""The cross-border pages as each role uses them: the administrator registers a partner and
resolves a held message; the case's worker refers the case; the receiving organisation's worker
reads the referral (audited), accepts it and records a step; in Lao too."""

from __future__ import annotations

import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditAction, AuditEvent
from crossborder import signatures
from crossborder.models import InboxMessage, OutboxMessage, Peer, Transfer
from tests.clients import client_for
from tests.crossborder.peers import SHARED, child_consent, post, referral, signed_headers, step

pytestmark = pytest.mark.django_db


def test_the_administrator_registers_a_partner_from_its_page(people, orgs, settings):
    settings.CROSSBORDER_ALLOW_HTTP = False
    admin = client_for(people.admin)
    page = admin.get(reverse("crossborder:peers"))
    assert page.status_code == 200 and signatures.public_key_text() in page.content.decode()
    fields = {
        "name": "Thailand MSDHS",
        "instance_id": "th-msdhs",
        "base_url": "http://pathway.example.th",
        "public_key": "not a key",
        "organisation": orgs.ngo_other.pk,
        "receiving_organisation": orgs.mlsw_vt.pk,
        "may_send": ["repatriation"],
        "categories_in": ["identity"],
    }
    refused = admin.post(reverse("crossborder:peers"), fields)
    assert refused.status_code == 400
    assert set(refused.context["form"].errors) == {"public_key", "base_url"}
    key = signatures.public_key_text(Ed25519PrivateKey.generate())
    fields.update(base_url="https://pathway.example.th", public_key=key)
    assert admin.post(reverse("crossborder:peers"), fields).status_code == 302
    peer = Peer.objects.get()
    assert (peer.may_send, peer.may_receive, peer.categories_in) == (["repatriation"], [], ["identity"])
    assert client_for(people.social_worker).get(reverse("crossborder:peers")).status_code == 403


def test_the_worker_refers_the_case_from_the_page_with_what_the_consent_covers(people, child_case, peer):
    consent = child_consent(people.social_worker, child_case, peer.organisation)
    worker = client_for(people.social_worker)
    tab = worker.get(reverse("casework:case-detail", args=[child_case.pk]) + "?tab=crossborder")
    assert reverse("crossborder:refer", args=[child_case.pk]) in tab.content.decode()
    url = reverse("crossborder:refer", args=[child_case.pk])
    empty = worker.post(url, {})
    assert empty.status_code == 400 and {"peer", "categories", "reason"} <= set(empty.context["form"].errors)
    fields = {
        "peer": peer.pk,
        "purpose": "repatriation",
        "categories": ["identity", "contact"],
        "consent": consent.pk,
        "reason": "Going home.",
    }
    outside = worker.post(url, fields)  # contact is neither consented nor agreed
    assert outside.status_code == 400 and not Transfer.objects.exists()
    fields["categories"] = ["identity", "origin"]
    sent = worker.post(url, fields)
    transfer = Transfer.objects.get()
    assert sent.status_code == 302 and sent.url == reverse("crossborder:detail", args=[transfer.pk])
    assert OutboxMessage.objects.filter(transfer=transfer, kind="referral").exists()


def test_the_receiving_worker_reads_accepts_and_records_a_step_in_lao(people, peer, thai_key):
    transfer_id = uuid.uuid4()
    body = referral(transfer_id, categories=SHARED)
    assert post(Client(), body, signed_headers(body, thai_key)).status_code == 200
    transfer = Transfer.objects.get(transfer_id=transfer_id)
    worker = client_for(people.social_worker)
    listing = worker.get(reverse("crossborder:transfers"))
    assert "TH-2026-0001" in listing.content.decode()
    page = worker.get(reverse("crossborder:detail", args=[transfer.pk]))
    assert "Dao" in page.content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, object_id=str(transfer.pk)).exists()
    assert client_for(people.outsider).get(reverse("crossborder:detail", args=[transfer.pk])).status_code == 404
    assert worker.post(reverse("crossborder:act", args=[transfer.pk, "accept"])).status_code == 302
    transfer.refresh_from_db()
    assert transfer.status == "accepted" and transfer.case.person.given_name_latin == "Dao"
    done_on = timezone.localdate().strftime("%d/%m/%Y")
    act = reverse("crossborder:act", args=[transfer.pk, "step"])
    wrong = worker.post(act, {"step-step": "reception", "step-done_on": done_on})
    assert wrong.status_code == 400  # reception comes after the handover
    assert worker.post(act, {"step-step": "nationality_verified", "step-done_on": done_on}).status_code == 302
    assert OutboxMessage.objects.filter(transfer=transfer, kind="step_done").count() == 1
    worker.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "lo"
    lao = worker.get(reverse("crossborder:detail", args=[transfer.pk]))
    assert "ຢັ້ງຢືນສັນຊາດແລ້ວ" in lao.content.decode()


def test_the_administrator_sees_a_held_message_and_sets_it_aside(people, peer, thai_key):
    transfer_id = uuid.uuid4()
    for body in (referral(transfer_id), step(transfer_id, 2, "reception")):
        post(Client(), body, signed_headers(body, thai_key))
    held = InboxMessage.objects.get(seq=2)
    admin = client_for(people.admin)
    page = admin.get(reverse("crossborder:held")).content.decode()
    assert "This step is done by the other side." in held.held_reason and held.held_reason in page
    assert client_for(people.social_worker).get(reverse("crossborder:held")).status_code == 403
    aside = reverse("crossborder:resolve", args=[held.pk, "set-aside"])
    assert admin.post(aside, {"text-text": "Recorded by mistake, said on the phone."}).status_code == 302
    held.refresh_from_db()
    assert held.state == "set_aside" and held.resolved_by == people.admin


def test_the_list_and_a_transfer_take_a_fixed_number_of_queries(people, peer, thai_key, django_assert_max_num_queries):
    for _ in range(3):
        body = referral(uuid.uuid4(), categories=SHARED)
        post(Client(), body, signed_headers(body, thai_key))
    worker = client_for(people.social_worker)
    worker.get(reverse("crossborder:transfers"))  # the session's first reads
    with django_assert_max_num_queries(12):
        listing = worker.get(reverse("crossborder:transfers"))
    assert listing.content.decode().count("TH-2026-0001") == 3
    transfer = Transfer.objects.first()
    assert transfer is not None
    with django_assert_max_num_queries(20):
        assert worker.get(reverse("crossborder:detail", args=[transfer.pk])).status_code == 200
