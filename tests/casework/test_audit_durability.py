"""Audit that cannot be lost (docs/design/access.md: Audit): the audit row is written in the same
transaction as the change it records and before a read returns anything, never after the
response, in a signal handler or a task. These tests make the database itself refuse (a
trigger written here, nothing of ours mocked) and commit for real (transactional tests)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import DatabaseError, connection
from django.test import Client
from django.urls import reverse

from accounts.models import AuditAction, AuditEvent
from casework.models import Case, CaseEvent
from casework.services import cases
from tests.factories import open_case
from tests.referrals import adult_case, sent_for

pytestmark = pytest.mark.django_db(transaction=True)
NAME = "Synthetic"  # the family name of every person these tests open


@contextmanager
def database_refuses(trigger: str) -> Iterator[None]:
    """Install `trigger` (SQL naming the function refuse()) for the block: a real database
    error at the moment the trigger fires, like a full disk or a lost connection would give."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$"
        )
        cursor.execute(trigger)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP FUNCTION refuse() CASCADE")


def audit_rows(case: Case) -> int:
    return AuditEvent.objects.filter(object_type="casework.case", object_id=str(case.pk)).count()


def test_a_change_whose_commit_fails_leaves_neither_the_change_nor_its_audit_row(people):
    case = open_case(people.social_worker)
    before = audit_rows(case)
    # Fires at COMMIT, after the service wrote both the change and its audit row.
    trigger = (
        "CREATE CONSTRAINT TRIGGER refuse_commit AFTER UPDATE ON casework_case "
        "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION refuse()"
    )
    with database_refuses(trigger), pytest.raises(DatabaseError, match="refused by the test"):
        cases.case_update(actor=people.social_worker, case=case, category="rape")
    assert Case.objects.get(pk=case.pk).category == "trafficking"
    assert audit_rows(case) == before
    assert not CaseEvent.objects.filter(case=case, kind="case_updated").exists()


def test_a_change_whose_audit_row_cannot_be_written_is_not_made(people):
    case = open_case(people.social_worker)
    trigger = (
        "CREATE TRIGGER refuse_audit BEFORE INSERT ON accounts_auditevent FOR EACH ROW "
        "WHEN (NEW.action = 'update') EXECUTE FUNCTION refuse()"
    )
    with database_refuses(trigger), pytest.raises(DatabaseError, match="refused by the test"):
        cases.case_update(actor=people.social_worker, case=case, category="rape")
    assert Case.objects.get(pk=case.pk).category == "trafficking"
    assert not CaseEvent.objects.filter(case=case, kind="case_updated").exists()


def test_a_read_whose_audit_row_cannot_be_written_shows_nothing(people):
    case = open_case(people.social_worker)
    client = Client(raise_request_exception=False)
    client.force_login(people.social_worker)
    reads = [
        reverse("casework:case-detail", args=[case.pk]),
        reverse("v1:case-detail", args=[case.pk]),
        reverse("v1:person-detail", args=[case.person_id]),
        reverse("casework:case-list"),
    ]
    trigger = (
        "CREATE TRIGGER refuse_reads BEFORE INSERT ON accounts_auditevent FOR EACH ROW "
        "WHEN (NEW.action IN ('view', 'list')) EXECUTE FUNCTION refuse()"
    )
    with database_refuses(trigger):
        for url in reads:
            response = client.get(url)
            assert response.status_code == 500, url
            assert NAME not in response.content.decode(), url
    for url in reads:  # the same reads once the log accepts rows again: data, and its row
        response = client.get(url)
        assert response.status_code == 200 and NAME in response.content.decode(), url
        assert AuditEvent.objects.filter(request_id=response["X-Request-ID"]).exists(), url


def test_every_read_that_shows_a_person_has_its_committed_audit_row(people, orgs):
    sw, counsellor = people.social_worker, people.counsellor
    case = adult_case(sw)
    referral = sent_for(sw, case, orgs.lwu, categories=("identity",), requested=("counselling",))
    reads = [
        (sw, reverse("home")),
        (sw, reverse("casework:case-list")),
        (sw, reverse("casework:case-detail", args=[case.pk])),
        (sw, reverse("v1:case-list")),
        (sw, reverse("v1:case-detail", args=[case.pk])),
        (sw, reverse("v1:person-list")),
        (sw, reverse("v1:person-detail", args=[case.person_id])),
        (counsellor, reverse("referrals:inbox")),
        (counsellor, reverse("referrals:detail", args=[referral.pk])),
        (counsellor, reverse("v1:referral-inbox")),
        (counsellor, reverse("v1:referral-detail", args=[referral.pk])),
    ]
    client = Client()
    for user, url in reads:
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200 and NAME in response.content.decode(), url
        rows = AuditEvent.objects.filter(request_id=response["X-Request-ID"], actor=user)
        assert rows.filter(action__in=[AuditAction.VIEW, AuditAction.LIST]).exists(), f"{url} left no audit row"
