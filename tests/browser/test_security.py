"""Authentication hardening in a real browser: the Content Security Policy leaves every main page
and the Django admin working (the `page` fixture fails a test on any "Refused to ..." console
message or script error), and a member of an organisation that requires a second factor sets up
an authenticator app, then logs in with password and code."""

from __future__ import annotations

import re
import time
from base64 import b32decode

import pytest
from django_otp.oath import hotp
from playwright.sync_api import Page, expect

from accounts import services
from accounts.models import User
from casework.services import assistance
from tests.browser.conftest import PASSWORD, login_as, screenshot


def code_for(secret: str, *, ahead: int = 0) -> str:
    """What an authenticator app shows for the base32 `secret` (with its clock `ahead` steps on)."""
    key = b32decode(secret.replace(" ", ""))
    return f"{hotp(key, int(time.time() // 30) + ahead, digits=6):06d}"


def visit(page: Page, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.ok, f"{path}: {response.status if response else 'no answer'}"
    assert "object-src 'none'" in (response.header_value("content-security-policy") or ""), path
    page.wait_for_load_state("networkidle")


@pytest.fixture
def case(case, people):  # type: ignore[no-untyped-def]
    assistance.note_add(actor=people.social_worker, case=case, text="first visit")
    return case


def test_the_main_pages_work_under_the_policy(page, people, case):  # type: ignore[no-untyped-def]
    login_as(page, people.social_worker)
    for path in ("/", "/cases/", "/cases/new/", f"/cases/{case.pk}/", "/referrals/inbox/", "/referrals/sent/"):
        visit(page, path)
    visit(page, "/notifications/")
    # The screening page's inline script carries the nonce and runs; its fetch is to 'self'.
    visit(page, f"/cases/{case.pk}/screening/")
    assert page.evaluate("window.PATHWAY_YES") == "present"
    expect(page.locator("#el-act")).to_have_text("absent")
    page.locator("#ind-act-recruited-by-third-party").check()
    expect(page.locator("#el-act")).to_have_text("present")
    visit(page, "/accounts/two-factor/setup/")
    expect(page.locator("figure.qr svg")).to_be_visible()


def test_the_manager_and_statistics_pages_work_under_the_policy(page, people):  # type: ignore[no-untyped-def]
    login_as(page, people.manager)  # (the occupancy report: test_shelters_referrals.py)
    for path in ("/manage/workload/", "/manage/closures/", "/notifications/rules/"):
        visit(page, path)
    visit(page, "/statistics/")
    expect(page.locator("figure svg").first).to_be_visible()
    # The PNG button draws the chart's SVG (a data: image) on a canvas and downloads it.
    with page.expect_download() as download:
        page.locator("button[data-png]").first.click()
    assert download.value.suggested_filename.endswith(".png")


def test_the_admin_works_under_the_policy(page, people, orgs):  # type: ignore[no-untyped-def]
    admin = people.admin
    User.objects.filter(pk=admin.pk).update(is_staff=True)
    page.goto("/admin/")
    assert "/accounts/login/" in page.url, "the admin's way in is Pathway's login page"
    page.locator("#id_username").fill(admin.username)
    admin.set_password(PASSWORD)
    admin.language = "en"  # users are created with Lao; this test reads the admin's English words
    admin.save(update_fields=["password", "language"])
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form.stack button[type=submit]").click()
    expect(page.locator("#site-name")).to_be_visible()

    visit(page, "/admin/accounts/user/")
    expect(page.locator("#result_list")).to_be_visible()
    page.locator("#searchbar").fill("sw")
    page.locator("#changelist-search input[type=submit]").click()
    page.locator("#result_list a", has_text=re.compile(r"^sw$")).click()
    expect(page.locator("input[name=username]")).to_have_value("sw")
    expect(page.get_by_role("link", name="Reset")).to_be_visible()
    visit(page, f"/admin/accounts/organisation/{orgs.ngo.pk}/change/")
    page.locator("#id_two_factor_required").check()
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_be_visible()
    orgs.ngo.refresh_from_db()
    assert orgs.ngo.two_factor_required
    visit(page, "/admin/accounts/auditevent/")
    screenshot(page, "admin-audit-under-csp", full_page=False)


def test_a_member_sets_up_the_app_the_organisation_requires_then_logs_in_with_a_code(page, people, orgs):  # type: ignore[no-untyped-def]
    orgs.mlsw_vt.two_factor_required = True
    services.organisation_update(actor=people.admin, organisation=orgs.mlsw_vt, fields=["two_factor_required"])
    sw = people.social_worker

    login_as(page, sw, form=True)
    assert "/accounts/two-factor/setup/" in page.url, "set-up comes before any other page"
    expect(page.get_by_text("Your organisation requires")).to_be_visible()
    screenshot(page, "two-factor-setup")
    secret = page.locator("#otp-secret").inner_text()
    page.get_by_label("Code from the app").fill(code_for(secret))
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".messages")).to_contain_text("Your authenticator app is set up")
    assert page.url.endswith("/")

    page.locator("form.logout button").click()
    page.wait_for_load_state()
    page.goto("/cases/")
    page.locator("#id_username").fill(sw.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form.stack button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Enter your code")
    # A code is good once: the next time step's (the app's clock a little ahead) is accepted.
    page.get_by_label("Code from the app").fill(code_for(secret, ahead=1))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"/cases/$"))
