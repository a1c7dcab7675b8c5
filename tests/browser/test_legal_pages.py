"""Perpetrators and legal proceedings in a real browser (issue 20.4): a police investigator, in
Lao on a phone, records the recruiter on a case shared with the police unit; the social worker
(who never sees the perpetrator) records the proceedings, moves them to the investigation and
adds a hearing date. Screenshots in Lao and English at 360 and 1366 px."""

from __future__ import annotations

from datetime import date, timedelta

from playwright.sync_api import expect

from casework.models import CasePerpetrator, LegalProceeding
from casework.services import cases
from tests.browser.conftest import both_widths, login_as, switch_language
from tests.factories import open_case

KNOWN_AS = "Broker from Bokeo"


def test_police_record_a_perpetrator_in_lao_and_the_worker_follows_the_proceedings(page, people, orgs):  # type: ignore[no-untyped-def]
    case = open_case(people.social_worker)
    cases.case_share(actor=people.social_worker, case=case, organisation=orgs.police, purpose="investigation")
    login_as(page, people.police, language="lo")
    page.goto(f"/cases/{case.pk}/?tab=legal")
    expect(page.locator("html")).to_have_attribute("lang", "lo")
    page.locator("#perpetrator-actions a").first.click()
    page.locator("#id_known_as").fill(KNOWN_AS)
    page.locator("input[name=roles][value=recruiter]").check()
    page.locator("input[name=roles][value=transporter]").check()
    page.locator("#id_relation").select_option("neighbour")
    page.locator("#id_sex").select_option("male")
    page.locator("#id_age_band").select_option("30_44")
    both_widths(page, "legal-perpetrator-form-lo")
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator("#perpetrators")).to_contain_text(KNOWN_AS)
    expect(page.locator("#perpetrators")).to_contain_text("ຜູ້ຊັກຊວນ ຫຼື ຄົນກາງ")
    both_widths(page, "legal-tab-police-lo")
    page.locator("#perpetrators a", has_text=KNOWN_AS).click()
    expect(page.locator("#perpetrator-cases")).to_contain_text(case.person.case_code)
    both_widths(page, "legal-perpetrator-page-lo")
    assert CasePerpetrator.objects.get(case=case).roles == ["recruiter", "transporter"]

    page.context.clear_cookies()
    login_as(page, people.social_worker)
    page.goto(f"/cases/{case.pk}/?tab=legal")
    expect(page.locator("main")).not_to_contain_text(KNOWN_AS)
    page.get_by_role("link", name="Record legal proceedings").click()
    page.locator("#id_complaint_on").fill("03/03/2026")
    page.locator("#id_court").fill("Vientiane Capital People's Court")
    page.locator("input[name=support][value=interpreter]").check()
    page.locator("input[name=support][value=accompaniment]").check()
    page.locator("main form button[type=submit]").first.click()
    proceeding = LegalProceeding.objects.get(case=case)
    move = page.locator(f"form[action$='/proceedings/{proceeding.pk}/stage/']")
    move.locator("select[name$=stage]").select_option("investigation")
    move.locator("button[type=submit]").click()
    expect(page.locator("#proceedings")).to_contain_text("Police investigation")
    page.get_by_role("link", name="Add a hearing date").click()
    hearing_day = date.today() + timedelta(days=20)
    page.locator("#id_held_on").fill(hearing_day.strftime("%d/%m/%Y"))
    page.locator("#id_kind").select_option("trial")
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator(f"[data-hearing='{hearing_day.isoformat()}']")).to_have_count(1)
    both_widths(page, "legal-tab-worker")
    switch_language(page, "lo")
    expect(page.locator("#proceedings")).to_contain_text("ຕຳຫຼວດສືບສວນ-ສອບສວນ")
    both_widths(page, "legal-tab-worker-lo")
    proceeding.refresh_from_db()
    assert (proceeding.stage, proceeding.support) == ("investigation", ["accompaniment", "interpreter"])
