"""Linked cases (issue 20.5): groups of cases of one kind, the same from each member's side; only
the members a reader sees are shown, the others are not there at all; a group acted on in one
action through each case's own service, all or nothing, a refusal naming the refused case."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from accounts.models import AuditAction, AuditEvent, Role
from casework import permissions, selectors
from casework.models import CaseEvent, CaseGroup, CaseGroupMember
from casework.services import group_actions, links
from casework.services.cases import case_share, case_share_revoke
from core.errors import ApplicationError, NotFound, PermissionDenied
from shelters.models import Shelter, Stay
from tests.clients import client_for
from tests.factories import make_user, open_case
from tests.permission_checks import assert_predicate_matches_filter

pytestmark = pytest.mark.django_db
REASON = "Returned together from Thailand under the MOU"
BOY = {
    "given_name_latin": "Somphone",
    "family_name_latin": "Synthetic",
    "sex": "male",
    "date_of_birth": date(2010, 2, 1),
}


@pytest.fixture
def sengsavang(reference):  # type: ignore[no-untyped-def]
    """Female 12-30; no domestic violence cases."""
    return Shelter.objects.get(code="sengsavang-savannakhet")


@pytest.fixture
def operator_worker(sengsavang):  # type: ignore[no-untyped-def]
    """A social worker of Sengsavang's operator: works the shelter, owns the cases."""
    return make_user("sw-sengsavang", sengsavang.operator, Role.SOCIAL_WORKER)


def five(worker, **overrides):  # type: ignore[no-untyped-def]
    return [open_case(worker, **overrides) for _ in range(5)]


def test_a_link_is_a_group_read_the_same_from_each_side_with_timeline_and_audit(people, case):
    other = open_case(people.social_worker)
    group = links.case_group_create(actor=people.social_worker, kind="sibling", reason="Sisters", cases=[case, other])
    assert (group.kind, group.reason, group.created_by) == ("sibling", "Sisters", people.social_worker)
    for one, two in ((case, other), (other, case)):
        (shown,) = selectors.case_groups(user=people.social_worker, case=one)
        assert shown["others"] == [two]
        event = CaseEvent.objects.get(case=one, kind="case_linked")
        assert event.data == {"link": "sibling", "group": str(group.pk)}  # no other case's code
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="casework.casegroupmember").count() == 2
    with pytest.raises(ApplicationError) as again:
        links.case_group_create(actor=people.social_worker, kind="sibling", reason="Again", cases=[other, case])
    assert "cases" in again.value.fields


def test_bad_input_and_cases_out_of_scope(people, orgs, case):
    with pytest.raises(ApplicationError) as refused:
        links.case_group_create(actor=people.social_worker, kind="cousins", reason="x", cases=[case, case])
    assert set(refused.value.fields) == {"kind"}
    with pytest.raises(ApplicationError) as refused:
        links.case_group_create(actor=people.social_worker, kind="family", reason=" ", cases=[case])
    assert set(refused.value.fields) == {"reason"}
    with pytest.raises(ApplicationError) as refused:
        links.case_group_create(actor=people.social_worker, kind="family", reason="Aunt", cases=[case, case])
    assert set(refused.value.fields) == {"cases"}
    elsewhere = open_case(people.outsider)
    with pytest.raises(NotFound):  # a case outside the actor's scope is not there for them
        links.case_group_create(actor=people.social_worker, kind="family", reason="Aunt", cases=[case, elsewhere])
    other = open_case(people.social_worker)
    for shared in (case, other):
        case_share(actor=people.social_worker, case=shared, organisation=orgs.police, purpose="Investigation")
    with pytest.raises(PermissionDenied):  # police see the shared cases but do not link them
        links.case_group_create(actor=people.police, kind="family", reason="Aunt", cases=[case, other])
    assert not CaseGroup.objects.exists()


def test_a_linked_case_the_reader_may_not_see_is_not_there_at_all(people, orgs, case):
    """Linked while the other province shared its case; the share ended, and with it the link's trace."""
    mine = open_case(people.social_worker)
    theirs = open_case(people.outsider)
    share = case_share(actor=people.outsider, case=theirs, organisation=orgs.mlsw_vt, purpose="Same broker")
    group = links.case_group_create(
        actor=people.social_worker, kind="same_perpetrator", reason="Same broker", cases=[case, mine, theirs]
    )
    alone = links.case_group_create(actor=people.social_worker, kind="family", reason="Aunt", cases=[mine, theirs])
    case_share_revoke(actor=people.outsider, share=share)
    (shown,) = selectors.case_groups(user=people.social_worker, case=case)
    assert shown["others"] == [mine]
    assert selectors.group_members(user=people.outsider, group=group) == [theirs]
    assert_predicate_matches_filter(permissions.view_case_group, people.all, [group, alone])
    # `alone` links `mine` only with the case no longer shared: the tab shows no trace of it
    assert [shown["group"] for shown in selectors.case_groups(user=people.social_worker, case=mine)] == [group]
    assert selectors.case_groups(user=people.outsider, case=theirs) == []
    assert not permissions.view_case_group.allows(people.social_worker, alone)  # one member seen: no group
    assert client_for(people.social_worker).get(f"/cases/groups/{alone.pk}/").status_code == 404
    assert not permissions.view_case_group.allows(people.partner, group)
    page = client_for(people.social_worker).get(f"/cases/{case.pk}/?tab=links")
    assert page.status_code == 200
    assert mine.person.case_code in page.text and theirs.person.case_code not in page.text
    detail = client_for(people.social_worker).get(f"/cases/groups/{group.pk}/")
    assert theirs.person.case_code not in detail.text
    assert detail.text.count('<li class="card">') == 2  # nor counted
    assert client_for(people.partner).get(f"/cases/groups/{group.pk}/").status_code == 404
    api = client_for(people.social_worker).get(f"/api/v1/case-groups/{group.pk}/")
    assert {m["case_code"] for m in api.json()["members"]} == {case.person.case_code, mine.person.case_code}


def test_add_and_remove_with_a_reason_in_the_audit(people, case):
    other, third = open_case(people.social_worker), open_case(people.social_worker)
    group = links.case_group_create(actor=people.social_worker, kind="family", reason="Cousins", cases=[case, other])
    links.case_group_add(actor=people.social_worker, group=group, case=third)
    with pytest.raises(ApplicationError):
        links.case_group_add(actor=people.social_worker, group=group, case=third)
    with pytest.raises(ApplicationError) as refused:
        links.case_group_remove(actor=people.social_worker, group=group, case=third, reason="")
    assert set(refused.value.fields) == {"reason"}
    links.case_group_remove(actor=people.social_worker, group=group, case=third, reason="Recorded by mistake")
    assert not CaseGroupMember.objects.filter(group=group, case=third).exists()
    removal = AuditEvent.objects.get(action=AuditAction.DELETE, object_type="casework.casegroupmember")
    assert removal.reason == "Recorded by mistake"
    assert CaseEvent.objects.filter(case=third, kind="case_unlinked").exists()


def test_the_removal_page_answers_a_removal_with_the_case_not_the_form_again(people, case):
    """The service answers None: the page once took that for a refusal and showed the form again
    (200) over a removal already saved (found by the form fuzz)."""
    other, third = open_case(people.social_worker), open_case(people.social_worker)
    group = links.case_group_create(actor=people.social_worker, kind="family", reason="Cousins", cases=[case, other])
    links.case_group_add(actor=people.social_worker, group=group, case=third)
    client = client_for(people.social_worker)
    url = f"/cases/groups/{group.pk}/remove/{third.pk}/"
    assert client.post(url, {"reason": ""}).status_code == 400
    assert CaseGroupMember.objects.filter(group=group, case=third).exists()
    response = client.post(url, {"reason": "Recorded by mistake"})
    assert response.status_code == 302 and response["Location"].startswith(f"/cases/{third.pk}/")
    assert not CaseGroupMember.objects.filter(group=group, case=third).exists()


def test_five_returned_together_admitted_in_one_action(operator_worker, sengsavang):
    cases = five(operator_worker)
    group = links.case_group_create(actor=operator_worker, kind="returned_together", reason=REASON, cases=cases)
    today = timezone.localdate()
    results = group_actions.case_group_act(
        actor=operator_worker, group=group, action="admit", data={"shelter": sengsavang, "admitted_on": today}
    )
    assert [r.done for r in results] == [True] * 5
    assert Stay.objects.filter(shelter=sengsavang, case__in=cases).count() == 5
    assert CaseEvent.objects.filter(case__in=cases, kind="stay_admitted").count() == 5  # each through stay_admit


def test_one_refusal_names_the_case_and_saves_nothing(operator_worker, sengsavang):
    cases = five(operator_worker)
    boy = open_case(operator_worker, person_values=BOY)
    group = links.case_group_create(actor=operator_worker, kind="returned_together", reason=REASON, cases=[*cases, boy])
    with pytest.raises(group_actions.GroupRefused) as refused:
        group_actions.case_group_act(
            actor=operator_worker,
            group=group,
            action="admit",
            data={"shelter": sengsavang, "admitted_on": timezone.localdate()},
        )
    (message,) = refused.value.fields["cases"]
    assert message.startswith(boy.person.case_code + ": ")
    assert [r.done for r in refused.value.results].count(False) == 1
    assert not Stay.objects.filter(case__in=[*cases, boy]).exists()


def test_the_group_pages_admit_with_per_case_results(operator_worker, sengsavang):
    cases = five(operator_worker)
    group = links.case_group_create(actor=operator_worker, kind="returned_together", reason=REASON, cases=cases)
    client = client_for(operator_worker)
    assert client.get("/cases/groups/").status_code == 200
    assert client.get(f"/cases/groups/{group.pk}/act/?action=admit").status_code == 200
    answer = client.post(
        f"/cases/groups/{group.pk}/act/",
        {
            "action": "admit",
            "cases": [str(c.pk) for c in cases[:3]],
            "shelter": sengsavang.code,
            "admitted_on": timezone.localdate().strftime("%d/%m/%Y"),
        },
    )
    assert answer.status_code == 200
    assert all(c.person.case_code in answer.text for c in cases[:3])
    assert Stay.objects.filter(case__in=cases).count() == 3
    bad = client.post(f"/cases/groups/{group.pk}/act/", {"action": "admit", "cases": [str(cases[4].pk)]})
    assert bad.status_code == 400


def test_the_api_links_and_acts(operator_worker, sengsavang):
    cases = five(operator_worker)
    client = client_for(operator_worker)
    made = client.post(
        "/api/v1/case-groups/",
        {"kind": "returned_together", "reason": REASON, "cases": [str(c.pk) for c in cases]},
        content_type="application/json",
    )
    assert made.status_code == 201, made.json()
    group_id = made.json()["id"]
    bad = client.post(
        f"/api/v1/case-groups/{group_id}/act/",
        {"action": "admit", "params": {"shelter": "nowhere"}},
        content_type="application/json",
    )
    assert bad.status_code == 400 and {"shelter", "admitted_on"} <= set(bad.json()["errors"])
    done = client.post(
        f"/api/v1/case-groups/{group_id}/act/",
        {"action": "admit", "params": {"shelter": sengsavang.code, "admitted_on": str(timezone.localdate())}},
        content_type="application/json",
    )
    assert done.status_code == 200, done.json()
    assert [r["done"] for r in done.json()["results"]] == [True] * 5


def test_a_group_referral_and_a_repatriation_step_refused_per_case_save_nothing(people, orgs, case, reference):
    from casework.models import ServiceType
    from referrals.models import Referral

    other = open_case(people.social_worker)
    group = links.case_group_create(actor=people.social_worker, kind="sibling", reason="Sisters", cases=[case, other])
    refer = {
        "to_organisation": orgs.ngo,
        "service_types": list(ServiceType.objects.filter(code="legal_aid")),
        "urgency": "routine",
        "reason": "Legal aid for both",
        "shared_categories": ["identity"],
    }
    with pytest.raises(group_actions.GroupRefused) as refused:  # neither sister consented to this
        group_actions.case_group_act(actor=people.social_worker, group=group, action="refer", data=refer)
    assert {message.split(": ")[0] for message in refused.value.fields["cases"]} == {
        case.person.case_code,
        other.person.case_code,
    }
    assert not Referral.objects.exists()
    step = {"step": "case_interview_documentation", "done_on": timezone.localdate(), "notes": ""}
    with pytest.raises(group_actions.GroupRefused) as refused:
        group_actions.case_group_act(actor=people.social_worker, group=group, action="repatriation_step", data=step)
    assert refused.value.fields["cases"][0].endswith(": No repatriation in progress with this step.")
    with pytest.raises(ApplicationError) as refused:  # this office runs no shelter: admitting is not offered
        group_actions.case_group_act(actor=people.social_worker, group=group, action="admit", data={})
    assert set(refused.value.fields) == {"action"}


def test_the_last_but_one_taken_out_leaves_no_group_to_see(people, case):
    other = open_case(people.social_worker)
    group = links.case_group_create(actor=people.social_worker, kind="sibling", reason="Sisters", cases=[case, other])
    client = client_for(people.social_worker)
    api = client.post(
        f"/api/v1/case-groups/{group.pk}/remove/",
        {"case": str(other.pk), "reason": "Not sisters after all"},
        content_type="application/json",
    )
    assert api.status_code == 204
    assert client.get(f"/api/v1/case-groups/{group.pk}/").status_code == 404
    assert selectors.case_groups(user=people.social_worker, case=case) == []
