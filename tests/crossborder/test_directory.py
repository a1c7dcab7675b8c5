"""The directory of services across the border: what we publish to a peer (a signed GET, only
what the administrator shares, never a person), our copy of a peer's directory (pulled with our
signature; a peer that is down leaves it in place, stale; one that stops sharing has it removed),
and where a worker meets the peer's providers: the directory page and the referral to the peer."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditAction, AuditEvent, Province
from casework.models import ServiceType
from crossborder import directory_format, signatures
from crossborder.models import OutboxMessage, PartnerProvider, PeerDirectory, Transfer
from crossborder.selectors import is_stale, partner_providers
from crossborder.services import peer_share_directory, receive
from crossborder.services.directory import DIRECTORY_PATH, published, pull
from referrals import services as referral_services
from tests.clients import client_for
from tests.crossborder.peers import (
    THAI_COUNSELLING,
    THAI_ID,
    THAI_SHELTER,
    PeerServer,
    child_consent,
    referral,
    serving_directory,
    signed_headers,
)

pytestmark = pytest.mark.django_db


def directory_get(client: Client, headers: dict[str, str]) -> Any:
    extra = {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()}
    return client.get(DIRECTORY_PATH, **extra)


def signed_get(key: Any, *, key_id: str = THAI_ID) -> dict[str, str]:
    return signatures.sign(method="GET", path=DIRECTORY_PATH, body=b"", key_id=key_id, key=key)


def refusals() -> list[str]:
    return list(
        AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED, object_type="crossborder.peer").values_list(
            "reason", flat=True
        )
    )


@pytest.fixture
def our_entries(people, orgs, peer):  # type: ignore[no-untyped-def]
    """LWU offers counselling in Vientiane Capital; the organisation that stands for the peer here
    has an entry too (it must never be published: it is the partner, not one of our providers)."""
    counselling = ServiceType.objects.get(code="counselling")
    vientiane = Province.objects.get(code="VT")
    for organisation in (orgs.lwu, peer.organisation):
        referral_services.directory_entry_save(
            actor=people.admin,
            organisation=organisation,
            service_types=[counselling],
            provinces=[vientiane],
            capacity=12,
            accepting=True,
            phone="021 000 000",
            email="office@lwu.example",
        )


# --- Publishing -------------------------------------------------------------------------------------
def test_a_peer_reads_our_shared_directory_with_a_signed_get(peer, thai_key, orgs, our_entries):
    answer = directory_get(Client(), signed_get(thai_key))
    assert answer.status_code == 200, answer.content
    providers = directory_format.parse(answer.content, sender="pathway-la")  # our instance id in tests
    assert [provider["code"] for provider in providers] == [orgs.lwu.code]
    lwu = providers[0]
    counselling = ServiceType.objects.get(code="counselling")
    assert lwu["services"] == [{"code": "counselling", "name_en": counselling.name_en, "name_lo": counselling.name_lo}]
    assert lwu["areas"][0]["code"] == "VT" and lwu["capacity"] == 12 and lwu["email"] == "office@lwu.example"
    # organisational fields only: nothing that names or reaches a person
    assert set(lwu) == {"code", "name_en", "name_lo", "services", "areas", "capacity", "accepting", "phone",
                        "email", "note", "updated"}  # fmt: skip
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, object_id=str(peer.pk)).count() == 1


def test_a_forged_unknown_or_replayed_directory_request_is_refused_and_audited(peer, thai_key, our_entries):
    forged = directory_get(Client(), signed_get(_other_key()))
    assert forged.status_code == 401 and b"counselling" not in forged.content
    assert directory_get(Client(), signed_get(thai_key, key_id="somebody-else")).status_code == 401
    assert directory_get(Client(), {}).status_code == 401
    genuine = signed_get(thai_key)
    assert directory_get(Client(), genuine).status_code == 200
    assert directory_get(Client(), genuine).status_code == 409
    reasons = refusals()
    assert len(reasons) == 4
    assert any("does not verify" in r for r in reasons) and any("unknown key id" in r for r in reasons)
    assert any("replayed" in r for r in reasons)
    # a signature for the messages endpoint (POST) does not open the directory (GET)
    post_headers = signatures.sign(method="POST", path=DIRECTORY_PATH, body=b"", key_id=THAI_ID, key=thai_key)
    assert directory_get(Client(), post_headers).status_code == 401


def test_an_administrator_stops_sharing_and_the_peer_is_refused_403(people, peer, thai_key, our_entries):
    peer_share_directory(actor=people.admin, peer=peer, share=False)
    refused = directory_get(Client(), signed_get(thai_key))
    assert refused.status_code == 403 and b"counselling" not in refused.content
    assert any("not shared" in r for r in refusals())
    admin = client_for(people.admin)
    assert admin.post(reverse("crossborder:peer-directory", args=[peer.pk, "share"])).status_code == 302
    assert directory_get(Client(), signed_get(thai_key)).status_code == 200
    with pytest.raises(Exception, match="administrator"):
        peer_share_directory(actor=people.manager, peer=peer, share=False)


def test_the_registration_form_shares_the_directory_unless_unticked(people):
    form = client_for(people.admin).get(reverse("crossborder:peers")).context["form"]
    assert form["share_directory"].initial is True


# --- Pulling --------------------------------------------------------------------------------------
@pytest.fixture
def thai_server(peer) -> Iterator[PeerServer]:  # type: ignore[no-untyped-def]
    with serving_directory(peer) as server:
        yield server


def test_the_peers_directory_is_pulled_signed_and_kept_with_its_time(peer, thai_server):
    thai_server.publish(THAI_SHELTER, THAI_COUNSELLING)
    assert pull(peer.pk) == "refreshed"
    assert thai_server.requests[0][0] == DIRECTORY_PATH
    copy = PeerDirectory.objects.get(peer=peer)
    assert copy.refreshed_at is not None and copy.last_error == "" and not is_stale(copy)
    shelter = PartnerProvider.objects.get(peer=peer, code="th-bkk-shelter")
    assert (shelter.service_codes, shelter.area_codes, shelter.capacity) == (
        ["shelter", "family_tracing"],
        ["TH-10"],
        40,
    )
    thai_server.publish(THAI_SHELTER)  # the peer removed one: our copy follows
    assert pull(peer.pk) == "refreshed"
    assert list(PartnerProvider.objects.values_list("code", flat=True)) == ["th-bkk-shelter"]


def test_a_peer_that_is_down_or_answers_nonsense_leaves_the_last_copy_marked_stale(peer, thai_server):
    thai_server.publish(THAI_SHELTER)
    assert pull(peer.pk) == "refreshed"
    refreshed = PeerDirectory.objects.get(peer=peer).refreshed_at
    thai_server.status, thai_server.body = 503, b"down for maintenance"
    assert pull(peer.pk) == "failed"
    copy = PeerDirectory.objects.get(peer=peer)
    assert copy.refreshed_at == refreshed and "503" in copy.last_error and is_stale(copy)
    assert PartnerProvider.objects.filter(peer=peer).count() == 1
    thai_server.status, thai_server.body = 200, b'{"v": 1, "sender": "th-msdhs", "providers": [{"code": "x"}]}'
    assert pull(peer.pk) == "failed"
    assert "not valid" in PeerDirectory.objects.get(peer=peer).last_error
    assert PartnerProvider.objects.filter(peer=peer).count() == 1
    thai_server.publish(THAI_SHELTER)
    assert pull(peer.pk) == "refreshed" and not is_stale(PeerDirectory.objects.get(peer=peer))


def test_an_unreachable_peer_and_an_old_copy_are_stale(peer, thai_server, settings):
    thai_server.publish(THAI_SHELTER)
    assert pull(peer.pk) == "refreshed"
    PeerDirectory.objects.filter(peer=peer).update(
        refreshed_at=timezone.now() - timedelta(seconds=2 * settings.CROSSBORDER_DIRECTORY_SECONDS + 60)
    )
    assert is_stale(PeerDirectory.objects.get(peer=peer))
    peer.base_url = "http://127.0.0.1:9"  # nothing listens
    peer.save()
    assert pull(peer.pk) == "failed"
    assert PartnerProvider.objects.filter(peer=peer).count() == 1


def test_a_peer_that_stops_sharing_has_its_providers_removed(peer, thai_server):
    thai_server.publish(THAI_SHELTER)
    assert pull(peer.pk) == "refreshed"
    thai_server.status, thai_server.body = 403, b'{"error": "our directory is not shared with this peer"}'
    assert pull(peer.pk) == "withdrawn"
    copy = PeerDirectory.objects.get(peer=peer)
    assert not copy.shared and copy.refreshed_at is None and not PartnerProvider.objects.exists()


def test_beat_pulls_only_peers_whose_copy_is_due(peer, thai_server):
    from crossborder.services.directory import claim_due, due_for_refresh

    assert claim_due() == [peer.pk]
    assert claim_due() == []  # claimed: the next sweep does not queue it again before it is pulled
    assert not PeerDirectory.objects.get(peer=peer).refreshed_at
    PeerDirectory.objects.all().delete()
    assert due_for_refresh() == [peer.pk]
    thai_server.publish(THAI_SHELTER)
    pull(peer.pk)
    assert due_for_refresh() == []
    PeerDirectory.objects.filter(peer=peer).update(attempted_at=timezone.now() - timedelta(days=1))
    assert due_for_refresh() == [peer.pk]


# --- The directory page and the referral to the peer ----------------------------------------------
@pytest.fixture
def thai_copy(peer, thai_server):  # type: ignore[no-untyped-def]
    thai_server.publish(THAI_SHELTER, THAI_COUNSELLING)
    assert pull(peer.pk) == "refreshed"
    return peer


def test_the_directory_page_lists_the_partners_providers_filtered_by_country_service_and_area(
    people, thai_copy, our_entries, orgs, django_assert_max_num_queries
):
    worker = client_for(people.social_worker)
    url = reverse("referrals:directory")
    with django_assert_max_num_queries(30):
        both = worker.get(url).content.decode()
    assert orgs.lwu.name_en in both and "Bangkok Protection Centre" in both and "Chiang Mai Counselling" in both
    assert "Last refreshed" in both and "Stale" not in both
    partner_only = worker.get(url, {"country": str(thai_copy.pk)}).content.decode()
    assert orgs.lwu.name_en not in partner_only and "Bangkok Protection Centre" in partner_only
    here_only = worker.get(url, {"country": "here"}).content.decode()
    assert orgs.lwu.name_en in here_only and "Bangkok Protection Centre" not in here_only
    shelter = worker.get(url, {"country": str(thai_copy.pk), "service": "shelter"}).content.decode()
    assert "Bangkok Protection Centre" in shelter and "Chiang Mai Counselling" not in shelter
    chiang_mai = worker.get(url, {"country": str(thai_copy.pk), "area": "TH-50"}).content.decode()
    assert "Bangkok Protection Centre" not in chiang_mai and "Chiang Mai Counselling" in chiang_mai
    PeerDirectory.objects.filter(peer=thai_copy).update(last_error="HTTP 503")
    assert "Stale" in worker.get(url).content.decode()
    worker.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "lo"
    lao = worker.get(url).content.decode()
    assert "ສູນປົກປ້ອງບາງກອກ" in lao and "ບາງກອກ" in lao  # the peer's Lao names, in Lao
    assert "Last refreshed" not in lao and "Bangkok Protection Centre" not in lao


def test_a_partner_account_reads_no_partner_providers(people, thai_copy):
    assert client_for(people.partner).get(reverse("referrals:directory")).status_code == 403
    assert not partner_providers(user=people.partner).exists()
    assert partner_providers(user=people.statistician).count() == 2


def test_the_referral_to_the_peer_offers_its_providers_by_service_and_area(people, child_case, thai_copy):
    consent = child_consent(people.social_worker, child_case, thai_copy.organisation)
    worker = client_for(people.social_worker)
    url = reverse("crossborder:refer", args=[child_case.pk])
    fields = {
        "peer": thai_copy.pk,
        "purpose": "repatriation",
        "service": "shelter",
        "area": "TH-10",
        "categories": ["identity"],
        "consent": consent.pk,
        "reason": "Going home.",
    }
    found = worker.post(url, {**fields, "action": "find"})
    assert found.status_code == 200 and not found.context["form"].errors
    offered = [str(label) for _value, label in found.context["form"].fields["provider"].choices][1:]
    assert len(offered) == 1 and offered[0].startswith("Bangkok Protection Centre · Thailand MSDHS · 40")
    assert found.context["form"].initial["reason"] == "Going home."  # what was typed is kept
    counselling = PartnerProvider.objects.get(code="th-cm-counselling")
    wrong = worker.post(url, {**fields, "provider": counselling.pk})  # it offers no shelter
    assert wrong.status_code == 400 and "provider" in wrong.context["form"].errors
    shelter = PartnerProvider.objects.get(code="th-bkk-shelter")
    sent = worker.post(url, {**fields, "provider": shelter.pk})
    assert sent.status_code == 302
    transfer = Transfer.objects.get()
    assert (transfer.provider_code, transfer.provider_service) == ("th-bkk-shelter", "shelter")
    body = json.loads(OutboxMessage.objects.get(transfer=transfer).body)
    assert body["data"]["provider"] == {"organisation": "th-bkk-shelter", "service": "shelter"}
    page = worker.get(reverse("crossborder:detail", args=[transfer.pk])).content.decode()
    assert "Bangkok Protection Centre" in page
    # without a provider the referral is sent as before, naming none
    plain = worker.post(url, {name: value for name, value in fields.items() if name not in ("service", "area")})
    assert plain.status_code == 302
    assert "provider" not in json.loads(OutboxMessage.objects.exclude(transfer=transfer).get().body)["data"]


def test_a_received_referral_keeps_the_receiving_service_named(peer, thai_key, orgs):
    transfer_id = uuid.uuid4()
    envelope = json.loads(referral(transfer_id))
    envelope["data"]["provider"] = {"organisation": orgs.lwu.code, "service": "counselling"}
    body = json.dumps(envelope).encode()
    answer = receive(
        method="POST", path="/crossborder/api/messages/", headers=signed_headers(body, thai_key), body=body
    )
    assert answer.status == 200, answer.body
    transfer = Transfer.objects.get(transfer_id=transfer_id)
    assert (transfer.provider_code, transfer.provider_service) == (orgs.lwu.code, "counselling")
    envelope["data"]["provider"] = {"organisation": "", "service": "x" * 41}
    envelope["id"], envelope["transfer"] = str(uuid.uuid4()), str(uuid.uuid4())
    body = json.dumps(envelope).encode()
    bad = receive(method="POST", path="/crossborder/api/messages/", headers=signed_headers(body, thai_key), body=body)
    assert bad.status == 400 and "data.provider.organisation" in bad.body["error"]


def test_published_lists_only_active_organisations(people, orgs, peer, our_entries):
    orgs.lwu.is_active = False
    orgs.lwu.save()
    assert published() == []


def _other_key() -> Any:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.generate()
