"""Cross-border referral in a real browser (issue 22): the administrator registers Thailand's
instance; a referral from Thailand reaches the Lao worker's list, who reads it, accepts it and
records the nationality check on a phone, in Lao; the administrator sees a held message.
Screenshots at 1366 and 360 px."""

from __future__ import annotations

import uuid

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.test import Client
from playwright.sync_api import Page, expect

from crossborder import signatures
from crossborder.models import OutboxMessage, Peer, Transfer
from tests.browser.conftest import assert_no_horizontal_scroll, login_as, screenshot
from tests.crossborder.peers import SHARED, post, referral, register_thai_peer, signed_headers, step

WIDE, PHONE = {"width": 1366, "height": 900}, {"width": 360, "height": 740}


def both_widths(page: Page, name: str) -> None:
    page.set_viewport_size(PHONE)
    assert_no_horizontal_scroll(page)
    screenshot(page, f"{name}-360")
    page.set_viewport_size(WIDE)
    screenshot(page, f"{name}-1366")


def test_the_administrator_registers_a_partner_instance(page, people, orgs):  # type: ignore[no-untyped-def]
    login_as(page, people.admin)
    page.goto("/crossborder/peers/")
    expect(page.locator("#our-key")).to_have_text(signatures.public_key_text())
    page.locator("#id_name").fill("Thailand MSDHS")
    page.locator("#id_instance_id").fill("th-msdhs")
    page.locator("#id_base_url").fill("https://pathway.example.th")
    page.locator("#id_public_key").fill(signatures.public_key_text(Ed25519PrivateKey.generate()))
    page.locator("#id_organisation").select_option(str(orgs.ngo_other.pk))
    page.locator("#id_receiving_organisation").select_option(str(orgs.mlsw_vt.pk))
    page.locator("input[name=may_send][value=repatriation]").check()
    page.locator("input[name=categories_in][value=identity]").check()
    both_widths(page, "crossborder-peers-form")
    page.locator("#register").click()
    expect(page.locator("main")).to_contain_text("Partner instance registered.")
    assert Peer.objects.get().may_send == ["repatriation"]


def test_a_referral_from_thailand_is_accepted_and_a_step_recorded_in_lao(page, people, orgs, settings):  # type: ignore[no-untyped-def]
    settings.CROSSBORDER_ALLOW_HTTP = True
    key = Ed25519PrivateKey.generate()
    register_thai_peer(people.admin, orgs, key)
    transfer_id = uuid.uuid4()
    body = referral(transfer_id, categories=SHARED)
    assert post(Client(), body, signed_headers(body, key)).status_code == 200
    login_as(page, people.social_worker, language="lo")
    page.goto("/crossborder/")
    expect(page.locator("html")).to_have_attribute("lang", "lo")
    both_widths(page, "crossborder-list-lo")
    page.get_by_role("link", name="TH-2026-0001").click()
    expect(page.locator("main")).to_contain_text("Dao")
    both_widths(page, "crossborder-referral-lo")
    page.locator("#accept").click()
    page.locator("#id_step-step").select_option("nationality_verified")
    page.locator("#id_step-done_on").fill("01/12/2026")
    both_widths(page, "crossborder-step-lo")
    page.locator("#record-step").click()
    expect(page.locator("ol.steps")).to_contain_text("ຢັ້ງຢືນສັນຊາດແລ້ວ")
    transfer = Transfer.objects.get(transfer_id=transfer_id)
    assert transfer.status == "accepted" and transfer.steps.filter(code="nationality_verified").exists()
    assert OutboxMessage.objects.filter(transfer=transfer).count() == 2  # accepted, step_done


def test_the_administrator_sees_why_a_message_is_held(page, people, orgs, settings):  # type: ignore[no-untyped-def]
    settings.CROSSBORDER_ALLOW_HTTP = True
    key = Ed25519PrivateKey.generate()
    register_thai_peer(people.admin, orgs, key)
    transfer_id = uuid.uuid4()
    for body in (referral(transfer_id), step(transfer_id, 2, "reception")):
        post(Client(), body, signed_headers(body, key))
    login_as(page, people.admin, language="lo")
    page.goto("/crossborder/held/")
    expect(page.locator("main")).to_contain_text("ສຳເລັດຂັ້ນຕອນ")  # "Step done"
    both_widths(page, "crossborder-held-lo")
