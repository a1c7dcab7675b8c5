"""The directory of services across the border in a real browser, in Lao on a phone: Thailand's
directory, pulled from its endpoint with our signature, shows on the directory page beside ours,
filtered to Thailand and to a service, with the time it was refreshed and, once Thailand cannot
be reached, marked stale; a social worker then names Thailand's shelter as the receiving service
of a referral to Thailand. Screenshots at 360 and 1366 px (see conftest for where they go)."""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.test import override_settings
from playwright.sync_api import Page, expect

from crossborder.models import Transfer
from crossborder.services.directory import pull
from tests.browser.conftest import PHONE, both_widths, login_as
from tests.crossborder.peers import (
    LAO_CHILD,
    THAI_COUNSELLING,
    THAI_SHELTER,
    child_consent,
    register_thai_peer,
    serving_directory,
)
from tests.factories import open_case


def on_phone_and_laptop(page: Page, name: str) -> None:
    """The conftest's two screenshots, then back to the phone for what follows."""
    both_widths(page, name)
    page.set_viewport_size(PHONE)


@override_settings(CROSSBORDER_ALLOW_HTTP=True)
def test_the_partners_providers_on_the_directory_page_and_the_referral_in_lao(page, people, orgs):  # type: ignore[no-untyped-def]
    peer = register_thai_peer(people.admin, orgs, Ed25519PrivateKey.generate())
    with serving_directory(peer, THAI_SHELTER, THAI_COUNSELLING):
        assert pull(peer.pk) == "refreshed"
    page.set_viewport_size(PHONE)
    login_as(page, people.social_worker, language="lo")
    page.goto(f"/referrals/directory/?country={peer.pk}")
    expect(page.locator("html")).to_have_attribute("lang", "lo")
    providers = page.locator("#partner-directory")
    expect(providers).to_contain_text("ສູນປົກປ້ອງບາງກອກ")  # the peer's Lao name
    expect(providers).to_contain_text("Chiang Mai Counselling Office")  # no Lao name: the English one
    expect(providers).to_contain_text("ປັບປຸງຄັ້ງສຸດທ້າຍ")
    page.locator("#id_service").select_option("shelter")
    page.locator("main form button[type=submit]").first.click()
    expect(providers).not_to_contain_text("Chiang Mai Counselling Office")
    on_phone_and_laptop(page, "partner-directory-lo")

    assert pull(peer.pk) == "failed"  # Thailand's endpoint is gone: the last copy stays, stale
    page.reload()
    expect(page.locator("#partner-directory .stale")).to_contain_text("ບໍ່ທັນສະໄໝ")
    expect(providers).to_contain_text("ສູນປົກປ້ອງບາງກອກ")
    on_phone_and_laptop(page, "partner-directory-stale-lo")

    case = open_case(people.social_worker, person_values=LAO_CHILD)
    consent = child_consent(people.social_worker, case, peer.organisation)
    page.goto(f"/crossborder/refer/{case.pk}/")
    page.locator("#id_peer").select_option(str(peer.pk))
    page.locator("#id_service").select_option("shelter")
    page.locator("#id_area").select_option("TH-10")
    page.locator("#find-providers").click()
    expect(page.locator("#providers-found")).to_contain_text("1")
    page.locator("#id_provider").select_option(index=1)
    page.locator("input[name=categories][value=identity]").check()
    page.locator("#id_consent").select_option(str(consent.pk))
    page.locator("#id_reason").fill("ກັບບ້ານ")
    on_phone_and_laptop(page, "partner-referral-provider-lo")
    page.locator("#refer").click()
    expect(page.locator("#receiving-service")).to_contain_text("ສູນປົກປ້ອງບາງກອກ")
    assert Transfer.objects.get().provider_code == "th-bkk-shelter"
