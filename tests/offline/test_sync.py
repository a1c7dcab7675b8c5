"""Offline writes applied at sync (offline.services): once per idempotency key, through the
casework services, a temporary code mapped to its case code, conflicts kept until chosen."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import AuditEvent
from casework.models import Case, CaseNote, FollowUpVisit, Indicator, Person
from casework.services import people as people_services
from offline.models import SyncWrite, WriteStatus
from offline.services import devices, sync

pytestmark = pytest.mark.django_db
INTAKE = {
    "temp_code": "TMP-0001",
    "given_name_latin": "Offlinegirl",
    "family_name_latin": "Fieldcase",
    "sex": "female",
    "date_of_birth": "2012-04-02",
    "category": "trafficking",
    "identification_route": "border_police",
    "identified_on": "2026-03-02",
}


@pytest.fixture
def device(people):  # type: ignore[no-untyped-def]
    return devices.device_register(actor=people.social_worker, label="phone")[0]


def write(kind, payload, case_ref="", key=None):  # type: ignore[no-untyped-def]
    return {
        "key": str(key or uuid.uuid4()),
        "kind": kind,
        "case_ref": case_ref,
        "device_time": "2026-03-02T08:15:00+07:00",
        "payload": payload,
    }


def test_an_offline_intake_gets_its_case_code_and_a_second_send_changes_nothing(people, device):
    sent = write("intake", INTAKE)
    first = sync.sync_apply(actor=people.social_worker, device=device, write=sent)
    again = sync.sync_apply(actor=people.social_worker, device=device, write=sent)
    assert first == again
    assert first["status"] == "applied" and first["temp_code"] == "TMP-0001"
    case = Case.objects.select_related("person").get(pk=first["case_id"])
    assert case.person.case_code == first["case_code"] and case.assigned_worker == people.social_worker
    assert Person.objects.filter(case_code=first["case_code"]).count() == 1
    row = SyncWrite.objects.get(pk=sent["key"])
    assert row.device_time.isoformat() == "2026-03-02T01:15:00+00:00" and row.synced_at > row.device_time
    audit = AuditEvent.objects.filter(request_id=f"offline:{sent['key']}")
    assert {event.object_type for event in audit} >= {"casework.person", "casework.case"}


def test_later_writes_on_the_temporary_code_reach_the_new_case(people, device):
    intake = sync.sync_apply(actor=people.social_worker, device=device, write=write("intake", INTAKE))
    note = sync.sync_apply(
        actor=people.social_worker, device=device, write=write("note", {"text": "met at the border"}, "TMP-0001")
    )
    assert note["status"] == "applied" and note["case_id"] == intake["case_id"]
    assert CaseNote.objects.get(pk=note["note_id"]).case_id == uuid.UUID(intake["case_id"])


def test_a_screening_is_recorded_by_the_screening_service(people, device, case):
    child_act = Indicator.objects.filter(active=True, element="act", applies_to__in=["child", "both"]).first()
    payload = {
        "screened_on": "2026-03-03",
        "place": "border_office",
        "indicators": [child_act.code],
        "guardian_or_social_worker_present": True,
    }
    answer = sync.sync_apply(actor=people.social_worker, device=device, write=write("screening", payload, str(case.pk)))
    assert answer["status"] == "applied", answer
    screening = case.screenings.get()
    assert answer["suggested"] == screening.suggested_outcome == screening.outcome


def test_a_refusal_is_kept_and_answered_again_for_the_same_key(people, device, case):
    sent = write("note", {"text": "   "}, str(case.pk))
    first = sync.sync_apply(actor=people.social_worker, device=device, write=sent)
    assert first["status"] == "refused" and "text" in first["fields"]
    assert sync.sync_apply(actor=people.social_worker, device=device, write=sent) == first
    assert not CaseNote.objects.filter(case=case).exists()


def test_a_case_outside_the_workers_scope_is_refused_as_not_found(people, case):
    outsider_device = devices.device_register(actor=people.outsider, label="phone")[0]
    answer = sync.sync_apply(
        actor=people.outsider, device=outsider_device, write=write("note", {"text": "x"}, str(case.pk))
    )
    assert answer["status"] == "refused" and answer["code"] == "not_found"


def test_a_field_changed_on_the_server_waits_for_the_workers_choice(people, device, case):
    person = case.person
    people_services.person_update(actor=people.social_worker, person=person, phone="020 111")
    changes = {"phone": "020 999", "origin_village": "Ban Offline"}
    sent = write("person", {"base": {"phone": "", "origin_village": ""}, "changes": changes}, str(case.pk))
    answer = sync.sync_apply(actor=people.social_worker, device=device, write=sent)
    assert answer["status"] == "conflict" and answer["conflicts"] == ["phone"]
    assert answer["values"] == {"phone": {"server": "020 111", "device": "020 999"}}
    person.refresh_from_db()
    assert person.phone == "020 111" and person.origin_village == "Ban Offline"  # the other field applied
    with connection.cursor() as cursor:  # both values kept, encrypted
        cursor.execute("SELECT conflict FROM offline_syncwrite WHERE key = %s", [sent["key"]])
        assert "020 999" not in cursor.fetchone()[0]
    assert SyncWrite.objects.get(pk=sent["key"]).status == WriteStatus.CONFLICT

    choice = {"base": {"phone": "020 111"}, "changes": {"phone": "020 999"}, "resolves": sent["key"]}
    resolved = sync.sync_apply(actor=people.social_worker, device=device, write=write("person", choice, str(case.pk)))
    assert resolved["status"] == "applied" and resolved["applied"] == ["phone"]
    person.refresh_from_db()
    assert person.phone == "020 999"
    settled = SyncWrite.objects.get(pk=sent["key"])
    assert settled.status == WriteStatus.RESOLVED and settled.conflict == ""


def test_a_follow_up_visit_is_recorded(people, device, case):
    visit = FollowUpVisit.objects.create(case=case, due_on=timezone.localdate() + timedelta(days=3))
    payload = {"visit_id": str(visit.pk), "done_on": timezone.localdate().isoformat(), "wellbeing": "", "notes": "ok"}
    answer = sync.sync_apply(actor=people.social_worker, device=device, write=write("visit", payload, str(case.pk)))
    assert answer["status"] == "applied"
    visit.refresh_from_db()
    assert visit.done_on == timezone.localdate() and visit.done_by == people.social_worker


@pytest.mark.parametrize(
    "bad",
    [
        "not a dict",
        {"key": "nope", "kind": "note", "payload": {}},
        {"key": str(uuid.uuid4()), "kind": "drop_table", "payload": {}},
        {"key": str(uuid.uuid4()), "kind": "note", "payload": {}, "device_time": "yesterday"},
    ],
)
def test_malformed_writes_are_refused_with_a_field(people, device, bad):  # type: ignore[no-untyped-def]
    from core.errors import ApplicationError

    with pytest.raises(ApplicationError) as refused:
        sync.sync_apply(actor=people.social_worker, device=device, write=bad)
    assert refused.value.fields


def test_a_device_wipes_when_ordered_or_its_user_is_deactivated(people):
    from accounts.services import user_set_active

    device, secret = devices.device_register(actor=people.social_worker, label="phone")
    assert devices.device_must_wipe(device_id=str(device.pk), secret=secret) is False
    assert devices.device_must_wipe(device_id=str(device.pk), secret="guess") is True
    assert devices.device_must_wipe(device_id="nonsense", secret=secret) is True
    user_set_active(actor=people.admin, user=people.social_worker, active=False, reason="left the office")
    assert devices.device_must_wipe(device_id=str(device.pk), secret=secret) is True
    user_set_active(actor=people.admin, user=people.social_worker, active=True, reason="back")
    devices.device_order_wipe(actor=people.admin, device=device)
    assert devices.device_must_wipe(device_id=str(device.pk), secret=secret) is True
    assert devices.device_for(actor=people.social_worker, device_id=str(device.pk), secret=secret) is None


@pytest.mark.django_db(transaction=True)
def test_the_same_write_sent_at_once_from_four_connections_is_applied_once(people):
    from accounts.models import User
    from tests.concurrency import run_concurrently

    device = devices.device_register(actor=people.social_worker, label="phone")[0]
    sent = write("intake", INTAKE)

    def prepare(index):  # type: ignore[no-untyped-def]
        return User.objects.get(pk=people.social_worker.pk)

    def send(actor):  # type: ignore[no-untyped-def]
        return sync.sync_apply(actor=actor, device=device, write=sent)

    answers = run_concurrently(4, prepare, send)
    assert all(isinstance(answer, dict) for answer in answers), answers
    assert len({answer["case_code"] for answer in answers}) == 1
    assert SyncWrite.objects.count() == 1 and Case.objects.count() == Person.objects.count() == 1
