"""The register import's batch path (shelters.imports.batched: the services' many-at-once forms,
a few statements a table) against its reference, the rows one by one through the services a
form uses: on a mixed file the same refusals with the same messages, row for row, and on its
accepted rows the same people, cases, stays, assistance, timeline and audit rows."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.db.backends.postgresql.psycopg_any import DateRange
from django.utils import timezone

from accounts.models import AuditEvent
from casework.models import Case, CaseEvent, Person
from shelters.imports import services
from shelters.imports.models import ImportStatus, RegisterImport
from shelters.models import BedOutage, NonResidentialAssistance, Stay
from tests.factories import BedFactory, ShelterFactory
from tests.registers import as_csv, assistance_row, stay_row

pytestmark = pytest.mark.django_db

SINCE_2015 = DateRange(date(2015, 1, 1), None)


@pytest.fixture
def shelter(reference, orgs, people):  # type: ignore[no-untyped-def]
    """A women's shelter with a bed from 2015, one from 2020 and one out of service in March 2016."""
    shelter = ShelterFactory(operator=orgs.mlsw_vt, accepts_sexes=["female"])
    BedFactory(shelter=shelter, label="B1", in_service=SINCE_2015)
    BedFactory(shelter=shelter, label="B2")
    outage = BedFactory(shelter=shelter, label="B3", in_service=SINCE_2015)
    march = DateRange(date(2016, 3, 1), date(2016, 4, 1))
    BedOutage.objects.create(bed=outage, during=march, reason="roof", recorded_by=people.manager)
    BedFactory(shelter=shelter, label="B4", in_service=SINCE_2015)
    return shelter


def mixed_rows() -> list[dict[str, str]]:
    """Accepted rows and rows each refused by another rule (the comment names it)."""
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    return [
        stay_row(1, bed="B1"),
        stay_row(2, bed="B1"),  # the bed is taken on those dates (by row 1)
        stay_row(3, year=2015, bed="B1"),  # admitted before row 1, still open then: taken too
        stay_row(150, bed="B1"),  # after row 1 left
        stay_row(5, bed="B2"),  # the bed is in service only from 2020
        stay_row(6, bed="B3"),  # the bed's outage
        stay_row(7, sex="male"),  # a women's shelter
        stay_row(8, discharged_on="2015-12-01"),  # a discharge before the admission
        stay_row(9, exit_destination="left_without_notice"),  # no reason given
        stay_row(10, exit_destination="nowhere"),  # no such destination
        stay_row(11, estimated_age="130"),  # the person's rule
        stay_row(12, identified_on=tomorrow, admitted_on="2016-01-13"),  # the case's date rule
        stay_row(13, date_of_birth="2008-02-01", estimated_age="", age_estimated_on=""),  # a child
        stay_row(14, date_of_birth="2016-06-01", estimated_age="", age_estimated_on=""),  # born later
        assistance_row(15),
        assistance_row(16, services=""),  # no service
        assistance_row(17, admitted_on="2017-03-01"),  # a stay and assistance
        stay_row(18, assistance_kind="child_labour"),  # a kind of assistance on a stay
        stay_row(19, discharged_on="", exit_destination=""),  # still there
        stay_row(1),  # the same register number twice
        stay_row(21, admitted_on="31/02/2016"),  # no such date
        stay_row(22, category="rape", exploitation_forms=""),
        stay_row(23, bed="B9"),  # no such bed
        stay_row(24, bed="B4", discharged_on="", exit_destination=""),
        stay_row(199, bed="B4"),  # the bed is taken by row 24's open stay
        assistance_row(26, notes="  came twice  ", assistance_kind=""),
    ]


def checked(manager: Any, shelter: Any, rows: list[dict[str, str]], *, batched: bool) -> RegisterImport:
    register_import = services.import_upload(actor=manager, shelter=shelter, filename="r.csv", content=as_csv(rows))
    services.import_check(register_import=register_import, batched=batched)
    register_import.refresh_from_db()
    return register_import


def test_the_batch_refuses_the_same_rows_with_the_same_messages(people, shelter, django_assert_max_num_queries):
    rows = mixed_rows()
    reference = checked(people.manager, shelter, rows, batched=False)
    register_import = services.import_upload(
        actor=people.manager, shelter=shelter, filename="r.csv", content=as_csv(rows)
    )
    with django_assert_max_num_queries(60):  # the batch itself, not a rerun row by row (20 a row)
        services.import_check(register_import=register_import)
    register_import.refresh_from_db()
    assert register_import.results == reference.results
    statuses = [row["status"] for row in reference.results]
    assert statuses.count("ok") == 8 and statuses.count("error") == 18  # every kind of refusal above
    assert not Person.objects.exists() and not Stay.objects.exists()  # a check writes nothing


def test_the_batch_writes_what_the_rows_one_by_one_write(people, shelter):
    accepted = [row for row, result in zip(mixed_rows(), checked_results(people, shelter), strict=True) if result]
    batch = snapshot(imported(people.manager, shelter, accepted, batched=True))
    services.import_undo(actor=people.manager, register_import=RegisterImport.objects.get(pk=batch["import"]))
    one_by_one = snapshot(imported(people.manager, shelter, accepted, batched=False))
    assert len(batch["rows"]) == len(accepted) == 8
    for batched_row, reference_row in zip(batch["rows"], one_by_one["rows"], strict=True):
        assert batched_row == reference_row


def checked_results(people: Any, shelter: Any) -> list[bool]:
    register_import = checked(people.manager, shelter, mixed_rows(), batched=True)
    return [row["status"] == "ok" for row in register_import.results]


def imported(manager: Any, shelter: Any, rows: list[dict[str, str]], *, batched: bool) -> RegisterImport:
    register_import = checked(manager, shelter, rows, batched=batched)
    assert register_import.error_count == 0
    services.import_start(actor=manager, register_import=register_import)
    services.import_run(register_import=register_import, batched=batched)
    assert register_import.status == ImportStatus.IMPORTED
    return register_import


IGNORED = {"id", "created_at", "updated_at", "quiet_since", "case_code", "person_id", "case_id", "shelter_id"}


def snapshot(register_import: RegisterImport) -> dict[str, Any]:
    """What the import wrote for each row, with the records' own ids replaced by their role in
    the row (the ids and case numbers of two imports differ, nothing else may)."""
    rows = []
    first_numbers: dict[str, int] = {}  # each province and year has its own counter
    for row in register_import.rows.order_by("line"):
        names = {str(row.person_id): "person", str(row.case_id): "case"}
        if row.stay_id:
            names[str(row.stay_id)] = "stay"
        if row.non_residential_id:
            names[str(row.non_residential_id)] = "assistance"
        person, case = Person.objects.get(pk=row.person_id), Case.objects.get(pk=row.case_id)
        prefix, number = person.case_code.rsplit("-", 1)
        first = first_numbers.setdefault(prefix, int(number))
        described = {
            "ref": row.register_ref,
            "code": (prefix, int(number) - first),
            "person": fields(person),
            "case": fields(case),
            "forms": sorted(case.exploitation_forms.values_list("code", flat=True)),
            "timeline": [
                (event.kind, event.actor_id, renamed(event.data, names, person.case_code))
                for event in CaseEvent.objects.filter(case=case).order_by("at", "id")
            ],
            "audit": sorted(
                (names[event.object_id], event.action, tuple(event.fields), event.actor_id, event.reason)
                for event in AuditEvent.objects.filter(object_id__in=names)
            ),
        }
        if row.stay_id:
            stay = Stay.objects.select_related("bed").get(pk=row.stay_id)
            described["stay"] = {**fields(stay), "bed_id": stay.bed.label if stay.bed else None}
        if row.non_residential_id:
            assistance = NonResidentialAssistance.objects.get(pk=row.non_residential_id)
            described["assistance"] = fields(assistance)
            described["services"] = sorted(assistance.service_types.values_list("code", flat=True))
        rows.append(described)
    return {"import": register_import.pk, "rows": rows}


def fields(record: Any) -> dict[str, Any]:
    return {
        field.attname: getattr(record, field.attname)
        for field in record._meta.concrete_fields
        if field.attname not in IGNORED
    }


def renamed(data: dict[str, Any], names: dict[str, str], case_code: str) -> dict[str, Any]:
    return {
        key: "(case code)" if value == case_code else names.get(value, value) if isinstance(value, str) else value
        for key, value in data.items()
    }
