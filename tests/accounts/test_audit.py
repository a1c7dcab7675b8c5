import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from accounts.models import AuditAction, AuditEvent
from accounts.services import audit_record, audit_record_many

pytestmark = pytest.mark.django_db


def test_it_records_who_what_and_from_where(people):
    event = audit_record(actor=people.manager, action=AuditAction.VIEW, obj=people.social_worker, fields=["roles"])
    event.refresh_from_db()
    assert event.actor_username == "mgr"
    assert event.organisation == people.manager.organisation
    assert event.roles == ["manager"]
    assert (event.object_type, event.object_id) == ("accounts.user", str(people.social_worker.pk))
    assert event.fields == ["roles"]


def test_rows_written_during_a_request_carry_its_address_and_id(people, client):
    people.social_worker.set_password("correct horse battery")
    people.social_worker.save()
    response = client.post(
        reverse("login"),
        {"username": "sw", "password": "correct horse battery"},
        REMOTE_ADDR="10.1.2.3",
        HTTP_X_REQUEST_ID="req-42",
    )
    assert response["X-Request-ID"] == "req-42"
    event = AuditEvent.objects.get(action="login")
    assert (event.ip_address, event.request_id, event.actor) == ("10.1.2.3", "req-42", people.social_worker)


def test_a_list_is_recorded_in_one_insert(people, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = audit_record_many(actor=people.manager, action=AuditAction.LIST, objects=people.all[:5])
    assert len(rows) == 5


def test_the_rows_of_one_insert_are_stored_as_given(people):  # type: ignore[no-untyped-def]
    """Every column of every row, arrays and odd characters included, read back as written."""
    odd = ['quote " here', "back\\slash", "{braces,comma}", "NULL", "", "ລາວ"]
    written = audit_record_many(
        actor=people.manager,
        action=AuditAction.LIST,
        object_type="casework.case",
        object_ids=["a", "b'c", 'd"e'],
        fields_by={"a": odd, "b'c": []},
        reasons={'d"e': "why\nnot"},
    )
    stored = {row.object_id: row for row in AuditEvent.objects.filter(pk__in=[row.pk for row in written])}
    assert [stored[row.object_id].pk for row in written] == [row.pk for row in written]  # ids in the given order
    assert stored["a"].fields == odd and stored["b'c"].fields == [] and stored['d"e'].fields == []
    assert stored['d"e'].reason == "why\nnot" and stored["a"].reason == ""
    for row in stored.values():
        assert (row.actor, row.actor_username, row.organisation_id) == (
            people.manager,
            "mgr",
            people.manager.organisation_id,
        )
        assert (row.roles, row.action, row.object_type, row.ip_address) == (["manager"], "list", "casework.case", None)
        assert row.at == written[0].at


def test_the_database_refuses_to_update_an_audit_row(people):
    event = audit_record(actor=people.manager, action=AuditAction.VIEW, obj=people.social_worker)
    with pytest.raises(DatabaseError, match="Cannot update or delete rows"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(reason="tampered")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_auditevent SET action = 'view' WHERE id = %s", [event.pk])
    event.refresh_from_db()
    assert event.reason == ""


def test_the_database_refuses_to_delete_an_audit_row(people):
    event = audit_record(actor=people.manager, action=AuditAction.VIEW, obj=people.social_worker)
    with pytest.raises(DatabaseError, match="Cannot update or delete rows"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM accounts_auditevent")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_an_audit_row_rolls_back_with_the_change_it_records(people):
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=people.manager, action=AuditAction.UPDATE, obj=people.social_worker)
        raise RuntimeError("the change failed")
    assert AuditEvent.objects.count() == before


def test_logins_and_failed_logins_are_audited(people, client):
    people.social_worker.set_password("correct horse battery")
    people.social_worker.save()
    client.post(reverse("login"), {"username": "sw", "password": "wrong"})
    client.post(reverse("login"), {"username": "sw", "password": "correct horse battery"})
    actions = list(AuditEvent.objects.filter(action__in=["login", "login_failed"]).values_list("action", flat=True))
    assert sorted(actions) == ["login", "login_failed"]
    failed = AuditEvent.objects.get(action="login_failed")
    assert "correct horse" not in failed.reason and "wrong" not in failed.reason
