"""A child trafficked to Thailand taken from intake to closure in the browser alone (issue 16,
"Done when"): a social worker, a manager, a counsellor and shelter staff take turns at the
computer; after each login every page is reached by clicking a link or a button (the tab's
`goto` refuses any address but the login page) and nothing calls the API. The screenshots of
docs/user-guide.md and docs/user-guide.lo.md (`guide-*`) are taken on the way, each in English
and in Lao."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, ViewportSize, expect

from accounts.models import Role
from casework.choices import CaseCategory
from casework.models import Case, CaseNote, FollowUpVisit, RepatriationStep
from referrals.models import Consent, Referral
from shelters import services as shelter_services
from shelters.models import AdmissionRequest, Bed, Room, Shelter, Stay
from tests.browser.conftest import assert_no_horizontal_scroll, fill_date, login_as, screenshot
from tests.factories import make_user

LAPTOP: ViewportSize = {"width": 1366, "height": 900}
PHONE: ViewportSize = {"width": 360, "height": 740}
PARTNER = "Thai MSDHS Kredtrakarn shelter"


@pytest.fixture
def shelter(people: Any, orgs: Any) -> Shelter:
    """The Lao Women's Union shelter in Vientiane, where the shelter staff persona works."""
    shelter = Shelter.objects.create(
        code="t-journey",
        name_en="LWU protection centre (test)",
        name_lo="ສູນປົກປ້ອງ ສະຫະພັນແມ່ຍິງ (ທົດລອງ)",
        operator=orgs.lwu,
        province=orgs.mlsw_vt.province,
        accepts_sexes=["female"],
        accepts_categories=list(CaseCategory.values),
        address="synthetic address",
    )
    room = Room.objects.create(shelter=shelter, name="A")
    for n in (1, 2):
        Bed.objects.create(shelter=shelter, room=room, label=f"A{n}", in_service=(date(2020, 1, 1), None))
    shelter_services.staff_post(actor=people.admin, shelter=shelter, user=people.shelter_staff)
    return shelter


class Computer:
    """The one browser the staff share. After a login, `page.goto` fails: every later page is
    reached by a click. Every request the browser makes is kept, to show none went to the API."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.requests: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        login_page = page.goto

        def goto(url: str, **kwargs: Any) -> Any:
            assert url == "/accounts/login/", f"a URL was typed: {url}; click a link or a button instead"
            return login_page(url, **kwargs)

        page.goto = goto  # type: ignore[method-assign]

    def log_in(self, user: Any) -> None:
        """Whoever is logged in logs out (the logout button), then `user` logs in on the login page."""
        if self.page.locator("form.logout button").count():
            self.page.locator("form.logout button").click()
            self.page.wait_for_load_state()
        login_as(self.page, user, form=True)
        self.page.set_viewport_size(LAPTOP)

    def click_link(self, name: str, **kwargs: Any) -> None:
        self.page.get_by_role("link", name=name, **kwargs).first.click()
        self.page.wait_for_load_state()

    def tab(self, name: str) -> None:
        self.page.locator("nav.tabs").get_by_role("link", name=name, exact=True).click()
        self.page.wait_for_load_state()

    def open_case(self, code: str) -> None:
        """From any page: Cases in the menu, then the case's code in the list."""
        self.page.locator("nav.main").get_by_role("link", name="Cases", exact=True).click()
        self.page.get_by_role("link", name=code, exact=True).first.click()
        expect(self.page.locator("h1")).to_have_text(code)

    def saved(self, text: str) -> None:
        expect(self.page.locator("ul.messages")).to_contain_text(text)

    def shoot(self, name: str, *, languages: tuple[str, ...] = ("en", "lo")) -> None:
        """The page for the guides, in the languages asked (Lao through the language list, then
        back to English); and at a phone's width, where nothing may scroll sideways."""
        page = self.page
        page.set_viewport_size(PHONE)
        assert_no_horizontal_scroll(page)
        page.set_viewport_size(LAPTOP)
        if "en" in languages:
            screenshot(page, f"guide-{name}")
        if "lo" in languages:
            self._language("lo")
            screenshot(page, f"guide-{name}-lo")
            self._language("en")

    def _language(self, code: str) -> None:
        self.page.locator("#language").select_option(code)
        self.page.locator("form.lang button").click()
        expect(self.page.locator("html")).to_have_attribute("lang", code)


@pytest.fixture
def computer(page: Page) -> Iterator[Computer]:
    at_the_desk = Computer(page)
    yield at_the_desk
    api = [url for url in at_the_desk.requests if "/api/" in url]
    assert not api, f"the journey called the API: {api}"


def change_step(computer: Computer, code: str, action: str, **fields: str | date) -> None:
    """A step of the repatriation checklist (the only one in the database), by its code."""
    page = computer.page
    step = RepatriationStep.objects.get(code=code)
    row = page.locator(f"#step-{step.pk}")
    row.locator("summary").filter(has_text="Change this step").click()
    row.get_by_label("Change").select_option(action)
    for name, value in fields.items():
        field = row.get_by_label(name.replace("_", " ").capitalize(), exact=True)
        if isinstance(value, date):
            fill_date(field, value)
        else:
            field.fill(value)
    row.get_by_role("button", name="Save the step").click()
    computer.saved("Step updated.")


def test_a_child_trafficked_to_thailand_from_intake_to_closure(computer: Computer, people: Any, orgs: Any, shelter):  # type: ignore[no-untyped-def]
    page = computer.page
    sw, manager, staff = people.social_worker, people.manager, people.shelter_staff
    counsellor = make_user("counsellor-vt", orgs.mlsw_vt, Role.COUNSELLOR)
    today = timezone.localdate()

    def ago(days: int) -> date:
        return today - timedelta(days=days)

    # 1. Intake: the social worker registers the girl the border police found.
    computer.log_in(sw)
    with pytest.raises(AssertionError, match="a URL was typed"):
        page.goto("/cases/new/")  # the guard is on: from here on, only clicks
    computer.click_link("New person and case")
    page.get_by_label("Given name (Lao script)").fill("ດາວ")
    page.get_by_label("Family name (Lao script)").fill("ທົດລອງ")
    page.get_by_label("Given name (Latin letters)").fill("Dao")
    page.get_by_label("Family name (Latin letters)").fill("Journey")
    page.locator("#id_sex").select_option("female")
    fill_date(page.get_by_label("Date of birth"), date(today.year - 14, 2, 1))
    page.locator("#id_category").select_option("trafficking")
    page.get_by_label("How was the person identified?").select_option("border_police")
    fill_date(page.get_by_label("Identified on"), ago(20))
    fill_date(page.get_by_label("Exploitation started on"), ago(300))
    page.locator("#id_exploitation_country").select_option(label="Thailand")
    screenshot(page, "guide-intake")
    page.get_by_role("button", name="Register").click()
    case = Case.objects.get(assigned_worker=sw)
    code = case.person.case_code
    expect(page.locator("h1")).to_have_text(code)
    computer.shoot("case-registered", languages=("lo",))

    # 2. Screening: a child, so act and purpose make her a possible victim.
    computer.tab("Screening")
    computer.click_link("Record a screening")
    page.get_by_label("Where was the interview?").select_option("border_office")
    fill_date(page.get_by_label("Date of the interview"), ago(19))
    page.get_by_label("A guardian or social worker was present (for a child)").select_option("true")
    page.locator("#ind-act-recruited-by-third-party").check()
    page.locator("#ind-purpose-child-hazardous-work").check()
    expect(page.locator("#suggested-outcome")).to_have_text("Possible victim")
    screenshot(page, "guide-screening", full_page=False)
    page.get_by_role("button", name="Save the screening").click()
    expect(page.locator("section.tab")).to_contain_text("Possible victim")
    computer.shoot("screening-saved", languages=("lo",))

    # 3. Consent and referral: the form says which consent is missing; its link records it
    # (a child: a best-interests decision, her family not yet found), then the referral goes.
    computer.tab("Referrals")
    computer.click_link("Refer to another organisation")
    page.locator("#id_to_organisation").select_option(label=orgs.lwu.name_en)
    page.get_by_label("Shelter", exact=True).check()
    page.get_by_label("Name, sex and age").check()
    page.get_by_role("button", name="Check the consent").click()
    expect(page.locator("#consent-missing")).to_contain_text(f"No consent in force lets {orgs.lwu.name_en}")
    computer.shoot("referral-consent-missing", languages=("en",))
    page.locator("#record-missing").click()
    page.locator("#id_purpose").fill("A safe place to stay until her family is found")
    page.locator("#id_given_by").select_option("best_interest")
    page.locator("#id_best_interest_reason").fill("Her family is not yet traced; she needs a safe place now.")
    screenshot(page, "guide-consent-record")
    page.get_by_role("button", name="Record the consent").click()
    consent = Consent.objects.get(case=case)
    expect(page.locator("#id_consent")).to_have_value(str(consent.pk))
    page.locator("#id_reason").fill("Needs a safe place while the return is prepared")
    page.get_by_role("button", name="Send the referral").click()
    expect(page.locator("#referral-status")).to_have_text("Sent")
    computer.shoot("referral-sent")
    assert Referral.objects.get(case=case).consent == consent

    # 4. Repatriation under the Thailand MOU: started from the Repatriation tab.
    computer.open_case(code)
    computer.tab("Repatriation")
    page.get_by_label("Repatriation flow").select_option("thailand_mou")
    page.get_by_label("Returning from (country)").select_option("TH")
    page.get_by_label("Partner in that country").fill(PARTNER)
    page.get_by_label("Border point").select_option("friendship_bridge_1")
    page.get_by_role("button", name="Start the repatriation").click()
    computer.saved("Repatriation started")
    change_step(computer, "case_interview_documentation", "complete", done_on=ago(18))
    change_step(computer, "family_tracing_requested", "complete", done_on=ago(17))
    change_step(computer, "family_tracing_received", "complete", done_on=ago(15))
    row = page.locator(f"#step-{RepatriationStep.objects.get(code='family_assessment').pk}")
    row.locator("summary").filter(has_text="Record the family assessment").click()
    page.get_by_label("Result of the family assessment").select_option("safe")
    page.get_by_label("What the assessment found").fill("Grandmother at home, school nearby.")
    fill_date(page.get_by_label("Assessed on"), ago(14))
    page.get_by_role("button", name="Save the assessment").click()
    computer.saved("Family assessment recorded.")
    change_step(computer, "assessment_result_sent", "complete", done_on=ago(13))
    change_step(computer, "return_coordination", "complete", done_on=ago(13))
    # A child is handed over only after a panel's best-interests determination (issue 20.1),
    # recorded on the Assessments tab.
    computer.tab("Assessments")
    computer.click_link("Record the panel's determination")
    fill_date(page.get_by_label("Date of the panel's decision"), ago(13))
    page.get_by_label("Members of the panel").fill(
        "Chair: head of the provincial social welfare office\nChild protection officer, LWU\nSocial worker of the case"
    )
    page.locator("#id_decision").select_option("return_to_family")
    page.locator("#id_reasons").fill("She was heard: she asks to go home; her grandmother can care for her.")
    page.locator("form.stack button[type=submit]").click()
    computer.saved("Best-interests determination saved.")
    expect(page.locator("#best-interests")).to_contain_text("Return to the family")
    computer.shoot("best-interests")
    computer.tab("Repatriation")
    change_step(computer, "handover_at_border", "complete", done_on=ago(12))
    computer.shoot("repatriation-checklist")

    # 5. Shelter stay: the worker asks the shelter for a place from the Stays tab; the shelter
    # staff find the request on their bed board and accept it into a bed.
    computer.tab("Stays")
    computer.click_link("Ask a shelter to admit")
    page.locator("#id_shelter").select_option(shelter.code)
    fill_date(page.get_by_label("Place needed from"), today)  # never in the past
    page.locator("#id_note").fill("Arrives from the Friendship Bridge with her escort")
    screenshot(page, "guide-shelter-request")
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_url("**/?tab=stays")
    asked = AdmissionRequest.objects.get(case=case)
    expect(page.locator(f"#request-{asked.pk} .status")).to_have_text("Waiting for the shelter")
    computer.log_in(staff)
    computer.click_link("Shelters")
    computer.click_link(shelter.name_en)
    computer.click_link("Admission requests")
    card = page.locator("li.card", has_text=code)
    card.get_by_role("link", name="Accept and admit").click()
    # The whole journey runs in one day: the stay is dated from her arrival after the handover,
    # so that she can leave today (a stay ends at the earliest the day after admission).
    fill_date(page.get_by_label("Admitted on"), ago(12))
    page.get_by_label("Bed", exact=True).select_option(label="A · A1")
    page.locator("form.stack button[type=submit]").click()
    computer.saved(f"{code} admitted.")
    expect(page.locator("#bed-a1")).to_contain_text(code)
    computer.shoot("bed-board")

    # 6. The manager gives the case to a counsellor, who writes the first counselling note.
    computer.log_in(manager)
    computer.open_case(code)
    page.locator("#assign-case").click()
    page.get_by_label("Worker").select_option(str(counsellor.pk))
    page.get_by_role("button", name="Assign").click()
    computer.saved("Case assigned.")
    computer.log_in(counsellor)
    computer.click_link(code)  # on her dashboard now
    computer.tab("Notes")
    page.get_by_label("Kind of note").select_option("counselling")
    page.locator("#id_text").fill("First session: she sleeps badly and asks about her grandmother.")
    page.get_by_role("button", name="Save the note").click()
    computer.saved("Note added.")
    computer.shoot("counselling-note", languages=("lo",))
    assert CaseNote.objects.get(case=case).tier == 3

    # 7. The case plan: the social worker writes and submits it, the manager approves it.
    computer.log_in(sw)
    computer.open_case(code)
    computer.tab("Plan")
    page.get_by_label("Summary").fill("Home to her grandmother, back to school, counselling.")
    page.locator("#id_goals-0-support_type").select_option("education")
    page.locator("#id_goals-0-objective").fill("Enrol in grade 8 at the village school")
    page.locator("#id_goals-1-support_type").select_option("health")
    page.locator("#id_goals-1-objective").fill("Counselling every week for three months")
    page.get_by_role("button", name="Save the plan").click()
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.locator("#plan-status")).to_have_text("Waiting for approval")
    computer.log_in(manager)
    computer.click_link("Team")
    computer.click_link("Plan approvals")
    expect(page.locator(f"#plan-{code}")).to_contain_text("2 goals")
    computer.shoot("plan-approvals")
    page.locator(f"#plan-{code}").get_by_role("link", name="Read and decide").click()
    page.get_by_role("button", name="Approve the plan").click()
    computer.saved("Plan approved.")

    # 8. Home: the return decision (a child's, with the best-interests decision) schedules the
    # follow-up visits; the shelter discharges her to her family.
    computer.log_in(sw)
    computer.open_case(code)
    computer.tab("Repatriation")
    change_step(computer, "transit_centre_reception", "skip", reason="Stayed at the LWU shelter instead")
    home = page.locator(f"#step-{RepatriationStep.objects.get(code='return_or_placement').pk}")
    home.locator("summary").filter(has_text="Record the return decision").click()
    page.get_by_label("Where the person goes").select_option("family")
    page.get_by_label("Best-interests decision (required for a child)").fill(
        "She asks to go home; her grandmother can care for her and the village head supports it."
    )
    page.get_by_role("button", name="Save the decision").click()
    computer.saved("Return decision recorded.")
    computer.shoot("return-decision")
    assert FollowUpVisit.objects.filter(case=case).exists()
    computer.log_in(staff)
    computer.click_link("Shelters")
    computer.click_link(shelter.name_en)
    page.locator("#bed-a1").get_by_role("link", name="Discharge", exact=True).click()
    page.get_by_label("Where the person went").select_option("family_reunification_home_village")
    screenshot(page, "guide-discharge")
    page.get_by_role("button", name="Discharge").click()
    computer.saved(f"{code} discharged.")
    assert Stay.objects.get(case=case).during.upper is not None

    # 9. Reintegration and the first follow-up visit, recorded from the Follow-up visits tab.
    computer.log_in(sw)
    computer.open_case(code)
    computer.tab("Repatriation")
    change_step(computer, "reintegration_follow_up", "complete", done_on=today, notes="Reintegration plan agreed.")
    expect(page.locator("article.repatriation h3 .status")).to_have_text("Completed")
    computer.tab("Follow-up visits")
    first = case.follow_ups.order_by("due_on")[0]
    visit = page.locator(f"#visit-{first.pk}")
    visit.get_by_text("Record the visit").first.click()
    prefix = f"#id_visit-{first.pk}"
    fill_date(page.locator(f"{prefix}-done_on"), today)
    page.locator(f"{prefix}-place").fill("Grandmother's home")
    page.locator(f"{prefix}-met_with").fill("The girl and her grandmother")
    page.locator(f"{prefix}-wellbeing").select_option("good")
    page.locator(f"{prefix}-next_step").fill("Check school attendance next month")
    visit.get_by_role("button", name="Record the visit").click()
    expect(page.locator(f"#visit-{first.pk}")).to_contain_text("Doing well")
    computer.shoot("follow-ups")

    # 10. Closure: the worker asks on the History tab, a manager approves from the queue.
    computer.tab("History")
    page.get_by_label("Reason for closing").select_option("reintegrated")
    page.get_by_role("button", name="Request closure").click()
    computer.saved("Closure requested")
    computer.log_in(manager)
    computer.click_link("Team")
    computer.click_link("Closure approvals")
    expect(page.locator(f"#case-{code}")).to_contain_text("Reintegrated")
    computer.shoot("closure-approvals")
    page.locator(f"#approve-{code}").click()
    page.wait_for_load_state()
    case.refresh_from_db()
    assert case.status == "closed"
    computer.open_case(code)
    computer.tab("History")
    computer.shoot("case-closed")
