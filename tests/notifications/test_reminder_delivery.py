"""Notifications reach people: e-mail in their language with the case code and a link only,
sent once; the notification list, mark as read, the header count; the managers' rules page."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from accounts.models import EmailState, Notification, ReminderSetting
from casework.models import FollowUpPolicy
from notifications import delivery, engine, permissions
from tests.factories import open_case
from tests.notifications.reminders import days, tick_at, told
from tests.permission_checks import assert_predicate_matches_filter

pytestmark = pytest.mark.django_db


@pytest.fixture
def due(people):  # type: ignore[no-untyped-def]
    """One silent case of the social worker, its reminder stored (and escalated to the manager)."""
    for user, language in ((people.social_worker, "en"), (people.manager, "lo")):
        user.email = f"{user.username}@example.org"
        user.language = language
        user.save(update_fields=["email", "language"])
    case = open_case(people.social_worker)
    tick_at(case.created_at + days(34))
    return case


def test_the_email_has_the_case_code_and_a_link_and_never_the_name(people, due, settings):
    settings.SITE_URL = "https://pathway.example.org"
    assert delivery.send(delivery.pending_ids()) == 2
    by_recipient = {message.to[0]: message for message in mail.outbox}
    english = by_recipient[people.social_worker.email]
    assert due.person.case_code in english.subject and due.person.case_code in english.body
    assert "https://pathway.example.org/notifications/" in english.body
    for message in mail.outbox:
        text = message.subject + message.body
        for name in (due.person.given_name_latin, due.person.family_name_latin):
            assert name not in text
    notification = Notification.objects.get(user=people.social_worker)
    assert english.extra_headers["Message-ID"] == f"<notification-{notification.pk}@pathway>"
    assert english.extra_headers["Content-Language"] == "en"
    assert by_recipient[people.manager.email].extra_headers["Content-Language"] == "lo"
    with translation.override("lo"):
        escalated = gettext(
            "Nobody has acted on this reminder yet, so it is sent to you as a manager of the organisation."
        )
        subject = gettext("Pathway reminder: case %(case_code)s") % {"case_code": due.person.case_code}
    assert escalated in by_recipient[people.manager.email].body
    assert by_recipient[people.manager.email].subject == subject
    assert "Nobody has acted" not in english.body


def test_each_email_is_sent_once_however_often_its_batch_runs(people, due):
    ids = delivery.pending_ids()
    assert delivery.send(ids) == 2
    assert delivery.send(ids) == 0
    assert engine.tick(now=due.created_at + days(35))["emails_queued"] == 0
    assert len(mail.outbox) == 2
    assert set(Notification.objects.values_list("email_state", flat=True)) == {EmailState.SENT}


def test_a_failing_mail_server_is_retried_then_given_up(people, due, settings):
    settings.EMAIL_BACKEND = "tests.accounts.mail_backends.BrokenBackend"
    ids = delivery.pending_ids()
    for _ in range(delivery.MAX_ATTEMPTS):
        assert delivery.send(ids) == 0
    states = set(Notification.objects.values_list("email_state", "email_attempts"))
    assert states == {(EmailState.FAILED, delivery.MAX_ATTEMPTS)}
    assert delivery.pending_ids() == []


def test_a_user_without_an_address_gets_the_in_app_notification_only(people):
    case = open_case(people.social_worker)
    tick_at(case.created_at + days(31))
    [notification] = told(people.social_worker)
    assert notification.email_state == EmailState.NONE
    assert delivery.pending_ids() == []


# --- Pages ------------------------------------------------------------------------------------
def test_the_header_shows_the_unread_count_and_the_list_marks_read(client, people, due, django_assert_max_num_queries):
    client.force_login(people.social_worker)
    page = client.get(reverse("notifications:list"))
    assert page.status_code == 200
    html = page.content.decode()
    assert due.person.case_code in html and due.person.given_name_latin not in html
    assert 'class="badge"' in html and ">1</span>" in html
    notification = Notification.objects.get(user=people.social_worker)
    assert client.post(reverse("notifications:read", args=[notification.pk])).status_code == 302
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert 'class="badge"' not in client.get(reverse("home")).content.decode()


def test_nobody_marks_another_users_notification(client, people, due):
    notification = Notification.objects.get(user=people.manager)
    client.force_login(people.social_worker)
    assert client.post(reverse("notifications:read", args=[notification.pk])).status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_read(client, people, due):
    client.force_login(people.manager)
    assert client.post(reverse("notifications:read-all")).status_code == 302
    assert not Notification.objects.filter(user=people.manager, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=people.social_worker, read_at__isnull=True).exists()


def test_the_list_is_paginated(client, people):
    for _ in range(3):
        case = open_case(people.social_worker)
    tick_at(case.created_at + days(31))
    client.force_login(people.social_worker)
    from notifications import views

    original = views.PAGE_SIZE
    views.PAGE_SIZE = 2
    try:
        first = client.get(reverse("notifications:list")).content.decode()
        second = client.get(reverse("notifications:list"), {"page": 2}).content.decode()
    finally:
        views.PAGE_SIZE = original
    assert "?page=2" in first and "?page=1" in second


def test_the_manager_changes_a_rule_on_the_page_and_errors_show_next_to_the_field(client, people, orgs):
    client.force_login(people.manager)
    page = client.get(reverse("notifications:rules"))
    assert page.status_code == 200 and "case_without_note-days" in page.content.decode()
    form = {f"{rule}-{field}": value for rule, field, value in _defaults(page)}
    form["case_without_note-days"] = "-3"
    refused = client.post(reverse("notifications:rules"), form)
    assert refused.status_code == 400
    errors = {setting.rule.code: dict(f.errors) for setting, f, _extra in refused.context["forms"]}
    assert "days" in errors["case_without_note"]
    assert not ReminderSetting.objects.exists()
    form["case_without_note-days"] = "20"
    form.pop("referral_unacknowledged-enabled")
    assert client.post(reverse("notifications:rules"), form).status_code == 302
    saved = {row.rule: (row.enabled, row.days) for row in ReminderSetting.objects.filter(organisation=orgs.mlsw_vt)}
    assert saved == {"case_without_note": (True, 20), "referral_unacknowledged": (False, 3)}


def test_the_manager_sets_the_follow_up_months_with_the_rules_and_a_bad_list_is_refused(client, people, orgs):
    client.force_login(people.manager)
    page = client.get(reverse("notifications:rules"))
    assert 'value="1, 3, 6, 12"' in page.content.decode()  # the default, until changed
    form = {f"{rule}-{field}": value for rule, field, value in _defaults(page)}
    form["case_without_note-days"] = "20"
    form["follow_up_due-extra-months"] = "3, 1"
    refused = client.post(reverse("notifications:rules"), form)
    assert refused.status_code == 400
    extras = {setting.rule.code: extra for setting, _form, extra in refused.context["forms"] if extra}
    assert extras["follow_up_due"].errors == {
        "months": [gettext("List the months from the first to the last, each once, e.g. %(example)s.")
                   % {"example": "1, 3, 6, 12"}]
    }  # fmt: skip
    assert not ReminderSetting.objects.exists() and not FollowUpPolicy.objects.filter(organisation=orgs.mlsw_vt)
    form["follow_up_due-extra-months"] = "1, 2, 3"
    assert client.post(reverse("notifications:rules"), form).status_code == 302
    assert FollowUpPolicy.objects.get(organisation=orgs.mlsw_vt).months == [1, 2, 3]
    assert ReminderSetting.objects.get(organisation=orgs.mlsw_vt, rule="case_without_note").days == 20
    assert 'value="1, 2, 3"' in client.get(reverse("notifications:rules")).content.decode()


def _defaults(page):  # type: ignore[no-untyped-def]
    for setting, _form, extra in page.context["forms"]:
        if setting.enabled:
            yield setting.rule.code, "enabled", "on"
        yield setting.rule.code, "days", str(setting.days)
        yield setting.rule.code, "escalate_after_days", str(setting.escalate_after_days)
        for field in extra or ():
            yield f"{setting.rule.code}-extra", field.name, field.value()


def test_only_managers_see_the_rules_page(client, people):
    client.force_login(people.social_worker)
    assert client.get(reverse("notifications:rules")).status_code == 403


def test_readyz_reports_the_age_of_the_last_tick(client, people):
    assert client.get(reverse("readyz")).json()["checks"]["beat"]["last_tick"] is None
    engine.tick()
    beat = client.get(reverse("readyz")).json()["checks"]["beat"]
    assert beat["ok"] is True and beat["age_seconds"] < 300


def test_notification_and_settings_permissions_agree_for_every_persona(people, orgs, due):
    assert_predicate_matches_filter(permissions.view_notification, people.all, Notification.objects.all())
    settings = [
        ReminderSetting.objects.create(organisation=org, rule="case_without_note", days=30, escalate_after_days=3)
        for org in (orgs.mlsw_vt, orgs.lwu)
    ]
    assert_predicate_matches_filter(permissions.manage_reminder_settings, people.all, settings)
