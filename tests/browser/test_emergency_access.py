"""Browser flows of the two-person rules of docs/design/access.md: a national manager opens a case outside
their scope through emergency access (the 404 page offers it; a reason is required); and a
consent override asked on a draft referral is approved by a second manager on the overrides
page, after which the draft can be sent. Screenshots for docs/user-guide.md, section 12."""

from __future__ import annotations

from accounts.models import AuditAction, AuditEvent, Notification, Role
from casework.models import BreakGlassGrant
from referrals.models import ConsentOverride
from tests.browser.conftest import login_as, screenshot
from tests.factories import make_user, open_case
from tests.referrals import draft_for


def logout(page) -> None:  # type: ignore[no-untyped-def]
    page.locator("form.logout button").click()
    page.wait_for_load_state()


def test_a_manager_opens_a_case_outside_their_scope_with_a_reason(page, people):  # type: ignore[no-untyped-def]
    case = open_case(
        people.social_worker,
        person_values={"given_name_latin": "Khamla", "family_name_latin": "Emergency", "sex": "female"},
    )
    login_as(page, people.national_manager)
    response = page.goto(f"/cases/{case.pk}/")
    assert response is not None and response.status == 404
    assert "Khamla" not in page.content()
    page.get_by_role("link", name="Emergency access").click()
    page.get_by_label("Case code").fill(case.person.case_code)
    page.get_by_role("button", name="Open the case").click()
    assert "Say why you must open this case now." in page.locator(".field.has-error").inner_text()
    assert page.get_by_label("Case code").input_value() == case.person.case_code
    page.get_by_label("Why you must open this case now").fill("Police found her phone at the border tonight")
    screenshot(page, "emergency-access")
    page.get_by_role("button", name="Open the case").click()
    page.wait_for_url(f"**/cases/{case.pk}/")
    assert "Emergency access to" in page.locator(".messages").inner_text()
    assert "Khamla" in page.content()
    assert "read only" in page.locator("#emergency-banner").inner_text()
    grant = BreakGlassGrant.objects.get()
    assert grant.user == people.national_manager and grant.reason.startswith("Police found")
    assert AuditEvent.objects.filter(action=AuditAction.BREAK_GLASS, object_id=str(case.pk)).exists()
    assert Notification.objects.filter(user=people.manager, occurrence__rule="break_glass").exists()


def test_a_second_manager_approves_a_consent_override_and_the_draft_is_sent(page, people, orgs):  # type: ignore[no-untyped-def]
    requester = make_user("sw-mgr", orgs.mlsw_vt, Role.SOCIAL_WORKER, Role.MANAGER)
    case = open_case(
        requester, person_values={"given_name_latin": "Phet", "family_name_latin": "Override", "sex": "female"}
    )
    draft = draft_for(requester, case, orgs.lwu, requested=("counselling",))

    login_as(page, requester)
    page.goto(f"/referrals/{draft.pk}/")
    page.get_by_role("button", name="Ask for a consent override").click()
    assert "Say why sharing without consent is needed to protect a life." in page.content()
    page.get_by_label("Why sharing without consent is needed to protect a life").fill(
        "Her employer threatens to take her back across the border"
    )
    page.get_by_role("button", name="Ask for a consent override").click()
    page.wait_for_url(f"**/referrals/{draft.pk}/")
    assert "Waiting for approval" in page.locator("#override-status").inner_text()
    page.goto("/referrals/overrides/")
    assert "another manager of your organisation decides it" in page.content()  # not their own
    logout(page)

    login_as(page, people.manager)
    page.goto("/referrals/overrides/")
    override = ConsentOverride.objects.get()
    assert "Her employer threatens" in page.locator(f"#override-{override.pk}").inner_text()
    screenshot(page, "consent-overrides")
    page.locator(f"#reject-{override.pk}").click()
    assert page.locator(".field.has-error").count() == 1  # a rejection needs a note
    page.locator(f"#approve-{override.pk}").click()
    page.wait_for_url("**/referrals/overrides/")
    assert "approved" in page.locator(".messages").inner_text()
    logout(page)

    login_as(page, requester)
    page.goto(f"/referrals/{draft.pk}/")
    page.locator("#action-send").click()
    page.wait_for_url(f"**/referrals/{draft.pk}/")
    assert page.locator("#referral-status").inner_text() == "Sent"
