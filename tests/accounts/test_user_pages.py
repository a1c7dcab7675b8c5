"""Account administration in the product (issue 18.1): administrators for everyone, managers for
their own organisation; invitations and password links by e-mail; every change audited."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent, Role, User
from tests.factories import make_user

pytestmark = pytest.mark.django_db
LINK = re.compile(r"http://\S+/accounts/password/set/\S+/")
PASSWORD = "a long enough passphrase 42"


def new_account(client, **values):
    body = {"username": "new-worker", "language": "en", "roles": ["social_worker"], "invite": "on"}
    body |= {"email": "new.worker@example.org", **values}
    return client.post(reverse("user-new"), body)


def can_log_in(username: str, password: str = PASSWORD) -> bool:
    """Through the login page, as a person does (django-axes needs the request)."""
    response = Client().post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302


def choose_password(link: str) -> Client:
    """Follow the e-mailed link as its addressee would, in a browser of their own."""
    browser = Client()
    form_page = browser.get(link, follow=True)
    assert form_page.status_code == 200 and form_page.context["validlink"]
    done = browser.post(form_page.redirect_chain[-1][0], {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert done.status_code == 302
    return browser


def test_an_admin_invites_a_new_worker_who_chooses_a_password_once(
    client, people, orgs, django_capture_on_commit_callbacks
):
    client.force_login(people.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = new_account(client, organisation=str(orgs.lwu.pk))
    user = User.objects.get(username="new-worker")
    assert response.status_code == 302 and response["Location"] == reverse("user", args=[user.pk])
    assert (user.organisation, user.roles, user.has_usable_password()) == (orgs.lwu, [Role.SOCIAL_WORKER], False)
    assert [message.to for message in mail.outbox] == [["new.worker@example.org"]]
    link = LINK.search(mail.outbox[0].body).group(0)

    choose_password(link)
    assert can_log_in("new-worker")
    assert not Client().get(link, follow=True).context["validlink"], "the link works once"
    audited = AuditEvent.objects.filter(object_id=str(user.pk)).values_list("action", "fields")
    assert {("create", ("organisation", "roles")), ("update", ("invitation",)), ("update", ("password",))} <= {
        (action, tuple(fields)) for action, fields in audited
    }


def test_the_new_account_form_refuses_bad_input_next_to_the_fields_and_saves_nothing(client, people, orgs):
    client.force_login(people.admin)
    refusals = {
        "organisation": {"organisation": ""},
        "roles": {"organisation": str(orgs.lwu.pk), "roles": ["police"]},  # police only in a police unit
        "email": {"organisation": str(orgs.lwu.pk), "email": ""},  # an invitation needs an address
        "username": {"organisation": str(orgs.lwu.pk), "username": "has space"},
    }
    for field, values in refusals.items():
        response = new_account(client, **values)
        assert response.status_code == 400, field
        assert response.context["form"].errors[field], field
    assert not User.objects.filter(username__in=["new-worker", "has space"]).exists()
    assert not mail.outbox


def test_a_manager_adds_accounts_to_their_own_organisation_only_and_never_an_admin(client, people, orgs):
    client.force_login(people.manager)
    form = client.get(reverse("user-new")).context["form"]
    assert list(form.fields["organisation"].queryset) == [orgs.mlsw_vt]
    assert "admin" not in dict(form.fields["roles"].choices)
    assert new_account(client, organisation=str(orgs.mlsw_sv.pk)).status_code == 400
    assert new_account(client, organisation=str(orgs.mlsw_vt.pk), roles=["admin"]).status_code == 400
    assert not User.objects.filter(username="new-worker").exists()
    assert new_account(client, organisation=str(orgs.mlsw_vt.pk)).status_code == 302


def test_a_manager_sees_and_changes_only_their_organisations_accounts(client, people):
    client.force_login(people.manager)
    listed = client.get(reverse("users")).content.decode()
    assert "sw-sv" not in listed and ">sw<" in listed
    for stranger in (people.outsider, people.admin, people.counsellor):
        assert client.get(reverse("user", args=[stranger.pk])).status_code == 404
    page = reverse("user", args=[people.social_worker.pk])
    body = {"action": "save", "first_name": "Khamla", "last_name": "", "email": "", "language": "lo"}
    assert client.post(page, {**body, "roles": ["social_worker", "counsellor"]}).status_code == 302
    people.social_worker.refresh_from_db()
    assert people.social_worker.roles == [Role.COUNSELLOR, Role.SOCIAL_WORKER]
    event = AuditEvent.objects.filter(object_id=str(people.social_worker.pk), action="update").latest("at")
    assert sorted(event.fields) == ["first_name", "roles"]  # the language was Lao already


def test_roles_the_rules_forbid_are_refused_next_to_the_field(client, people):
    client.force_login(people.admin)
    page = reverse("user", args=[people.police.pk])
    body = {"action": "save", "first_name": "", "last_name": "", "email": "", "language": "lo"}
    response = client.post(page, {**body, "roles": ["police", "counsellor"]})
    assert response.status_code == 400
    assert response.context["form"].errors["roles"] == ["Choose one of the two."]
    people.police.refresh_from_db()
    assert people.police.roles == [Role.POLICE]


def test_deactivating_needs_a_reason_and_stops_the_login(client, people):
    worker = make_user("leaving", people.manager.organisation, Role.SOCIAL_WORKER, password=PASSWORD)
    session = Client()
    session.force_login(worker)
    client.force_login(people.manager)
    page = reverse("user", args=[worker.pk])
    assert client.post(page, {"action": "deactivate", "deactivate-reason": " "}).status_code == 400
    worker.refresh_from_db()
    assert worker.is_active
    assert client.post(page, {"action": "deactivate", "deactivate-reason": "left the office"}).status_code == 302
    assert session.get(reverse("home")).status_code == 302, "an open session ends at its next request"
    assert not can_log_in("leaving")
    event = AuditEvent.objects.get(object_id=str(worker.pk), fields=["is_active"])
    assert event.reason == "left the office" and event.actor == people.manager
    assert client.post(page, {"action": "reactivate", "reactivate-reason": "came back"}).status_code == 302
    assert can_log_in("leaving")


def test_nobody_deactivates_their_own_account(client, people):
    client.force_login(people.manager)
    page = reverse("user", args=[people.manager.pk])
    assert client.post(page, {"action": "deactivate", "deactivate-reason": "oops"}).status_code == 400
    people.manager.refresh_from_db()
    assert people.manager.is_active


def test_a_password_reset_stops_the_old_password_and_mails_a_link(client, people, django_capture_on_commit_callbacks):
    worker = make_user("forgetful", people.manager.organisation, Role.SOCIAL_WORKER, password=PASSWORD)
    User.objects.filter(pk=worker.pk).update(email="forgetful@example.org")
    client.force_login(people.manager)
    page = reverse("user", args=[worker.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(page, {"action": "reset-password", "reset-password-reason": "leaked"}).status_code == 302
    assert not can_log_in("forgetful")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["forgetful@example.org"]
    assert "forgetful" in mail.outbox[0].body
    assert AuditEvent.objects.get(object_id=str(worker.pk), fields=["password"]).reason == "leaked"


def test_a_forgotten_password_gets_the_same_answer_whoever_asks(client, people, django_capture_on_commit_callbacks):
    User.objects.filter(pk=people.social_worker.pk).update(email="sw@example.org")
    page = reverse("password-forgot")
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(page, {"email": "SW@example.org"})
        unknown = client.post(page, {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert known.context["sent"] and unknown.context["sent"]  # the same page: nobody learns who has an account
    assert [message.to for message in mail.outbox] == [["sw@example.org"]]
    choose_password(LINK.search(mail.outbox[0].body).group(0))
    assert can_log_in("sw")


def test_people_who_administer_no_account_are_refused(client, people):
    for user in (people.social_worker, people.police, people.partner, people.statistician):
        client.force_login(user)
        assert client.get(reverse("users")).status_code == 403
        assert client.get(reverse("user-new")).status_code == 403
        assert client.get(reverse("user", args=[people.manager.pk])).status_code == 404


def test_the_menu_leads_managers_and_admins_to_the_accounts(client, people):
    for user, shown in ((people.manager, True), (people.admin, True), (people.social_worker, False)):
        client.force_login(user)
        assert (reverse("users") in client.get(reverse("home")).content.decode()) is shown
    assert reverse("password-forgot") in Client().get(reverse("login")).content.decode()
