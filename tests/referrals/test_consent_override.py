"""Consent override (docs/design/access.md: Consent; requirement 5): sharing without consent
to protect a life needs a reason from the requester and the approval of a second person, a
manager of the sending organisation; until then the draft cannot be sent and no receiver, page
or partner token sees anything of it. Both steps are audited with their reason and alert people."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import AuditAction, AuditEvent, Notification, Role
from core.errors import ApplicationError, Conflict, NotFound, PermissionDenied
from referrals import permissions, services
from referrals.choices import ReferralStatus
from referrals.models import ConsentOverride, Referral
from referrals.partner.tokens import token_issue
from tests.clients import client_for
from tests.factories import make_user
from tests.permission_checks import assert_predicate_matches_filter
from tests.referrals import adult_case, draft_for

pytestmark = pytest.mark.django_db
REASON = "The recruiter knows where she hides; the NGO shelter must take her tonight"


def api_for(user):  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def office(people, orgs):  # type: ignore[no-untyped-def]
    """The Vientiane office: a worker who is also a manager (the requester), its manager, and a
    draft to the partner NGO without any consent."""
    requester = make_user("sw-mgr", orgs.mlsw_vt, Role.SOCIAL_WORKER, Role.MANAGER)
    case = adult_case(requester)
    draft = draft_for(requester, case, orgs.ngo)
    return SimpleNamespace(requester=requester, approver=people.manager, draft=draft, case=case)


@pytest.fixture
def partner(people, orgs):  # type: ignore[no-untyped-def]
    _token, plaintext = token_issue(actor=people.partner, organisation=orgs.ngo, name="case system")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    return client


def partner_ids(partner) -> set[str]:  # type: ignore[no-untyped-def]
    response = partner.get(reverse("v1:partner-referral-list"))
    assert response.status_code == 200
    return {row["id"] for row in response.json()["results"]}


def ask(office, reason=REASON):  # type: ignore[no-untyped-def]
    return services.consent_override_request(actor=office.requester, referral=office.draft, reason=reason)


def test_without_consent_a_draft_cannot_be_sent_and_an_override_needs_a_reason(office):
    response = api_for(office.requester).post(reverse("v1:referral-send", args=[office.draft.pk]))
    assert response.status_code == 400 and "consent" in response.json()["errors"]
    response = api_for(office.requester).post(
        reverse("v1:referral-consent-override", args=[office.draft.pk]), {"reason": "  "}, format="json"
    )
    assert response.status_code == 400 and "reason" in response.json()["errors"]
    assert not ConsentOverride.objects.exists()


def test_a_pending_override_shares_nothing(office, people, partner):
    override = ask(office)
    assert override.status == ConsentOverride.Status.PENDING
    with pytest.raises(ApplicationError):
        services.referral_send(actor=office.requester, referral=office.draft)
    assert Referral.objects.get(pk=office.draft.pk).status == ReferralStatus.DRAFT
    assert str(office.draft.pk) not in partner_ids(partner)
    ngo_worker = make_user("ngo-sw", office.draft.to_organisation, Role.SOCIAL_WORKER)
    assert not permissions.view_referral.allows(ngo_worker, office.draft)
    # The draft is frozen as asked: the override covers this recipient and these data only.
    with pytest.raises(ApplicationError) as frozen:
        services.referral_update_draft(actor=office.requester, referral=office.draft, shared_categories=["contact"])
    assert "consent_override" in frozen.value.fields
    with pytest.raises(Conflict):
        ask(office)


def test_the_requester_cannot_approve_their_own_request(office):
    override = ask(office)
    with pytest.raises(PermissionDenied):
        services.consent_override_decide(actor=office.requester, override=override, approve=True)
    response = api_for(office.requester).post(reverse("v1:consent-override-approve", args=[override.pk]))
    assert response.status_code == 403
    # The database refuses it as well, whatever the code above it does.
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsentOverride.objects.filter(pk=override.pk).update(
            status="approved", decided_by=office.requester, decided_at=timezone.now()
        )
    assert ConsentOverride.objects.get(pk=override.pk).status == ConsentOverride.Status.PENDING


def test_a_social_worker_or_another_offices_manager_cannot_approve(office, people, orgs):
    override = ask(office)
    response = api_for(people.social_worker).post(reverse("v1:consent-override-approve", args=[override.pk]))
    assert response.status_code == 403  # sees it with the case, may not decide
    with pytest.raises(NotFound):
        services.consent_override_decide(actor=people.national_manager, override=override, approve=True)
    other = make_user("mgr-sv", orgs.mlsw_sv, Role.MANAGER)
    assert api_for(other).post(reverse("v1:consent-override-approve", args=[override.pk])).status_code == 404
    assert client_for(people.social_worker).get(reverse("referrals:overrides")).status_code == 403
    assert ConsentOverride.objects.get(pk=override.pk).status == ConsentOverride.Status.PENDING


def test_approval_then_send_shares_the_listed_data(office, partner):
    override = ask(office)
    response = api_for(office.approver).post(
        reverse("v1:consent-override-approve", args=[override.pk]), {"note": "agreed by phone"}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "approved"
    assert response.json()["decided_by"] == office.approver.username
    response = api_for(office.requester).post(reverse("v1:referral-send", args=[office.draft.pk]))
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "sent" and response.json()["consent_status"] == "override"
    shown = partner.get(reverse("v1:partner-referral-detail", args=[office.draft.pk])).json()
    assert shown["consent_status"] == "override" and "identity" in shown
    with pytest.raises(Conflict):
        services.consent_override_decide(actor=office.approver, override=override, approve=False, note="late")


def test_rejection_keeps_the_draft_blocked(office, partner):
    override = ask(office)
    response = api_for(office.approver).post(reverse("v1:consent-override-reject", args=[override.pk]))
    assert response.status_code == 400 and "note" in response.json()["errors"]
    response = api_for(office.approver).post(
        reverse("v1:consent-override-reject", args=[override.pk]), {"note": "ask the person first"}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "rejected"
    assert not Referral.objects.get(pk=office.draft.pk).consent_override
    with pytest.raises(ApplicationError):
        services.referral_send(actor=office.requester, referral=office.draft)
    assert str(office.draft.pk) not in partner_ids(partner)
    assert ask(office, "new facts: she was seen at the border").status == ConsentOverride.Status.PENDING


def test_both_steps_are_audited_with_their_reason(office):
    override = ask(office)
    services.consent_override_decide(actor=office.approver, override=override, approve=True, note="agreed")
    rows = AuditEvent.objects.filter(object_type="referrals.referral", object_id=str(office.draft.pk))
    asked = rows.get(action=AuditAction.CREATE, fields=["consent_override"])
    decided = rows.get(action=AuditAction.UPDATE, fields=["consent_override"])
    assert (asked.actor, asked.reason) == (office.requester, REASON)
    assert (decided.actor, decided.reason) == (office.approver, "agreed")
    kinds = set(office.case.events.values_list("kind", flat=True))
    assert {"consent_override_requested", "consent_override_approved"} <= kinds
    # The reason stays out of the timeline, which more people read.
    assert REASON not in str(list(office.case.events.values_list("data", flat=True)))


def test_the_approvers_are_alerted_and_the_requester_hears_the_decision(office, people, orgs):
    deputy = make_user("mgr-2", orgs.mlsw_vt, Role.MANAGER)
    override = ask(office)
    asked = Notification.objects.filter(occurrence__rule="consent_override_requested")
    assert {n.user for n in asked} == {office.approver, deputy}  # never the requester
    assert {n.occurrence.case_code for n in asked} == {office.case.person.case_code}
    services.consent_override_decide(actor=deputy, override=override, approve=True)
    assert all(n.occurrence.resolved_at is not None for n in asked.select_related("occurrence"))
    decided = Notification.objects.get(occurrence__rule="consent_override_decided")
    assert decided.user == office.requester


def test_the_managers_page_lists_requests_and_decides_them(office):
    override = ask(office)
    own = client_for(office.requester).get(reverse("referrals:overrides")).content.decode()
    assert office.case.person.case_code in own and f"approve-{override.pk}" not in own
    client = client_for(office.approver)
    page = client.get(reverse("referrals:overrides")).content.decode()
    assert REASON in page and f"approve-{override.pk}" in page
    response = client.post(reverse("referrals:override-decide", args=[override.pk, "reject"]))
    assert response.status_code == 400
    assert "Say why the override is rejected." in response.content.decode()
    response = client.post(reverse("referrals:override-decide", args=[override.pk, "approve"]))
    assert response.status_code == 302
    assert ConsentOverride.objects.get(pk=override.pk).status == ConsentOverride.Status.APPROVED


def test_the_referral_page_asks_for_an_override_with_a_reason(office):
    client = client_for(office.requester)
    url = reverse("referrals:override-request", args=[office.draft.pk])
    assert 'id="override-request"' in client.get(reverse("referrals:detail", args=[office.draft.pk])).content.decode()
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400 and not ConsentOverride.objects.exists()
    assert client.post(url, {"reason": REASON}).status_code == 302
    assert ConsentOverride.objects.get().reason == REASON


def test_override_permissions_agree_with_their_filters(office, people):
    ask(office)
    users = [office.requester, office.approver, people.social_worker, people.national_manager, people.police]
    for permission in (permissions.view_override, permissions.decide_override):
        assert_predicate_matches_filter(permission, users, ConsentOverride.objects.all())


def test_the_subject_access_export_carries_the_override_and_its_reason(people, office):  # type: ignore[no-untyped-def]
    override = ask(office)
    services.consent_override_decide(actor=office.approver, override=override, approve=False, note="ask her first")
    response = client_for(people.manager).get(reverse("casework:subject-access", args=[office.case.pk]))
    assert response.status_code == 200
    (referral,) = response.json()["referrals"]
    assert [(o["reason"], o["status"], o["decision_note"]) for o in referral["consent_overrides"]] == [
        (REASON, "rejected", "ask her first")
    ]
