"""The case itself in the browser (issue 16), each flow as the roles that do it: a manager
assigns a counsellor and she writes a counselling note; a transfer asked by the social worker
and accepted by the receiving organisation from its inbox; a share given and ended (the partner
no longer sees the case); a reopening asked by the worker and approved by a manager. Every new
page is shot at 1366 and 360 px (no sideways scrolling), in English and in Lao."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page

from accounts.models import Role
from casework.models import Case, CaseNote
from casework.services import cases
from tests.browser.conftest import assert_no_horizontal_scroll, login_as, screenshot
from tests.factories import make_user, open_case

GIRL = {"given_name_latin": "Dao", "family_name_latin": "Casepages", "sex": "female"}


def logout(page: Page) -> None:
    page.locator("form.logout button").click()
    page.wait_for_load_state()


def shots(page: Page, name: str) -> None:
    """The page as it is, on a laptop and on a phone."""
    for width, height in ((1366, 900), (360, 740)):
        page.set_viewport_size({"width": width, "height": height})
        assert_no_horizontal_scroll(page)
        screenshot(page, f"{name}-{width}")
    page.set_viewport_size({"width": 1024, "height": 800})


def message(page: Page) -> str:
    return page.locator(".messages").inner_text()


def test_a_manager_assigns_a_counsellor_who_then_writes_a_counselling_note(page: Page, people: Any, orgs: Any) -> None:
    counsellor = make_user("counsellor-vt", orgs.mlsw_vt, Role.COUNSELLOR)
    case = open_case(people.social_worker, person_values=GIRL)
    login_as(page, people.manager)
    page.goto(f"/cases/{case.pk}/")
    page.locator("#assign-case").click()
    page.get_by_label("Worker").select_option(str(counsellor.pk))
    shots(page, "case-assign")
    page.get_by_role("button", name="Assign").click()
    assert "Case assigned." in message(page)
    assert "counsellor-vt" in page.locator(".meta").first.inner_text()
    logout(page)

    login_as(page, counsellor)
    page.goto(f"/cases/{case.pk}/?tab=notes")
    page.get_by_label("Kind of note").select_option("counselling")
    page.locator("#id_text").fill("First session: she sleeps badly.")
    page.get_by_role("button", name="Save the note").click()
    assert "Note added." in message(page)
    note = CaseNote.objects.get(case=case)
    assert (note.kind, note.tier, note.author) == ("counselling", 3, counsellor)


def test_a_transfer_asked_by_the_worker_is_accepted_by_the_receiving_organisation(
    page: Page, people: Any, orgs: Any
) -> None:
    case = open_case(people.social_worker, person_values=GIRL)
    login_as(page, people.social_worker)
    page.goto(f"/cases/{case.pk}/")
    page.locator("#transfer-case").click()
    page.get_by_label("Transfer to").select_option(str(orgs.lwu.pk))
    page.get_by_role("button", name="Ask to transfer").click()
    assert "This field is required." in page.locator(".field.has-error").inner_text()  # the reason
    page.get_by_label("Why the case is transferred").fill("She needs long counselling near her village")
    page.get_by_role("button", name="Ask to transfer").click()
    assert "Transfer requested" in message(page)
    assert page.locator("#cancel-transfer").is_visible()
    shots(page, "case-transfer")
    logout(page)

    login_as(page, people.counsellor)  # LWU: a social worker and counsellor
    page.locator("#transfers-waiting a").click()
    code = case.person.case_code
    assert code in page.locator(f"#case-{code}").inner_text()
    shots(page, "transfer-inbox")
    page.get_by_label("Give the case to").select_option(str(people.counsellor.pk))
    page.locator(f"#accept-{code}").click()
    page.wait_for_url(f"**/cases/{case.pk}/")
    assert "is now yours" in message(page)
    case.refresh_from_db()
    assert (case.owner, case.assigned_worker) == (orgs.lwu, people.counsellor)


def test_a_share_given_then_ended_and_the_partner_no_longer_sees_the_case(page: Page, people: Any, orgs: Any) -> None:
    case = open_case(people.social_worker, person_values=GIRL)
    login_as(page, people.social_worker)
    page.goto(f"/cases/{case.pk}/")
    page.locator("#share-case").click()
    page.get_by_label("Organisation").select_option(str(orgs.police.pk))
    page.get_by_label("Why the case is shared").fill("Investigation of the recruiter")
    page.get_by_role("button", name="Share the case").click()
    assert "Case shared." in message(page)
    assert "Investigation of the recruiter" in page.locator("#shares").inner_text()
    shots(page, "case-shares")
    logout(page)

    login_as(page, people.police)
    assert page.goto(f"/cases/{case.pk}/").status == 200  # type: ignore[union-attr]
    logout(page)

    login_as(page, people.social_worker)
    page.goto(f"/cases/{case.pk}/shares/")
    page.locator(f"#revoke-{orgs.police.code}").click()
    assert "Sharing ended." in message(page)
    assert page.locator("#shares li", has_text="Ended on").count() == 1
    page.goto(f"/cases/{case.pk}/?tab=history")
    assert "Sharing ended" in page.locator("ol.timeline").inner_text()  # the timeline's label, not a code
    logout(page)

    login_as(page, people.police)
    assert page.goto(f"/cases/{case.pk}/").status == 404  # type: ignore[union-attr]


def test_a_reopening_asked_by_the_worker_is_approved_by_a_manager(page: Page, people: Any) -> None:
    case = open_case(people.social_worker, person_values=GIRL, assigned_worker=people.social_worker)
    cases.case_closure_request(actor=people.social_worker, case=case, reason="reintegrated")
    cases.case_closure_approve(actor=people.manager, case=case)
    login_as(page, people.social_worker)
    page.goto(f"/cases/{case.pk}/")
    page.locator("#reopen-case").click()
    page.get_by_role("button", name="Ask to reopen").click()
    assert "This field is required." in page.locator(".field.has-error").inner_text()
    page.get_by_label("Reason").fill("She came back: the employer found her again")
    shots(page, "case-reopen-request")
    page.get_by_role("button", name="Ask to reopen").click()
    assert "Reopening requested" in message(page)
    logout(page)

    login_as(page, people.manager)
    page.get_by_role("link", name="Team", exact=True).click()
    page.get_by_role("link", name="Reopening approvals").click()
    code = case.person.case_code
    assert "the employer found her again" in page.locator(f"#case-{code}").inner_text()
    shots(page, "reopen-approvals")
    page.locator(f"#approve-{code}").click()
    assert f"Case {code} reopened." in message(page)
    assert Case.objects.get(pk=case.pk).status == "active"


def test_the_case_pages_in_lao_on_a_phone_and_a_laptop(page: Page, people: Any, orgs: Any) -> None:
    """Every new page in Lao: its title translated, nothing wider than a phone."""
    case = open_case(people.social_worker, person_values=GIRL, assigned_worker=people.social_worker)
    cases.case_share(actor=people.social_worker, case=case, organisation=orgs.police, purpose="investigation")
    cases.case_transfer_request(actor=people.social_worker, case=case, to_organisation=orgs.lwu, reason="counselling")
    login_as(page, people.social_worker, language="lo")
    page.goto(f"/cases/{case.pk}/")
    shots(page, "case-header-lo")
    for route, title in (
        ("edit", "ແກ້ໄຂກໍລະນີ"),
        ("shares", "ການແບ່ງປັນ"),
        ("transfer", "ໂອນໄປອົງການອື່ນ"),
    ):
        page.goto(f"/cases/{case.pk}/{route}/")
        assert page.locator("h1").inner_text() == title
        shots(page, f"case-{route}-lo")
    logout(page)
    login_as(page, people.counsellor, language="lo")
    page.goto("/cases/transfers/")
    assert page.locator("h1").inner_text() == "ການໂອນທີ່ລໍຖ້າ"
    shots(page, "transfer-inbox-lo")
    logout(page)
    cases.case_transfer_cancel(actor=people.social_worker, transfer=case.transfers.get())
    cases.case_closure_request(actor=people.social_worker, case=case, reason="reintegrated")
    cases.case_closure_approve(actor=people.manager, case=case)
    cases.case_reopen_request(actor=people.social_worker, case=case, reason="she came back")
    login_as(page, people.manager, language="lo")
    page.goto(f"/cases/{case.pk}/assign/")
    assert page.locator("h1").inner_text() == "ມອບໝາຍພະນັກງານ"
    shots(page, "case-assign-lo")
    page.goto("/manage/reopenings/")
    assert page.locator("h1").inner_text() == "ການອະນຸມັດເປີດຄືນ"
    shots(page, "reopen-approvals-lo")
