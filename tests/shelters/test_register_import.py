"""The register import (shelters/imports, docs/import.md) through its pages, as a manager of the
shelter's operator: nothing is written while a row is wrong, an import is all rows at once, a
second upload of the same file changes nothing, and an undo removes what the import created."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import AuditAction, AuditEvent, Role
from casework.models import Case, Person
from shelters import services
from shelters.imports.models import ImportStatus, RegisterImport, RegisterImportRow
from shelters.models import NonResidentialAssistance, Stay
from tests.clients import client_for
from tests.factories import BedFactory, ShelterFactory, make_user
from tests.registers import as_csv, as_xlsx, assistance_row, stay_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelter(reference, orgs):  # type: ignore[no-untyped-def]
    return ShelterFactory(operator=orgs.mlsw_vt)


@pytest.fixture
def manager(people):  # type: ignore[no-untyped-def]
    return client_for(people.manager)


def upload(client, shelter, content: bytes, name: str = "register.csv"):  # type: ignore[no-untyped-def]
    url = reverse("shelters:import", args=[shelter.code])
    return client.post(url, {"file": SimpleUploadedFile(name, content)})


def latest() -> RegisterImport:
    return RegisterImport.objects.latest("created_at")


def confirm(client, register_import):  # type: ignore[no-untyped-def]
    return client.post(reverse("shelters:import-confirm", args=[register_import.pk]))


def counts(shelter) -> tuple[int, int, int, int]:  # type: ignore[no-untyped-def]
    return (
        Person.objects.count(),
        Case.objects.count(),
        Stay.objects.filter(shelter=shelter).count(),
        NonResidentialAssistance.objects.filter(shelter=shelter).count(),
    )


def test_a_file_with_an_error_writes_nothing_and_shows_the_error_by_its_row(manager, shelter):
    before = counts(shelter)
    rows = [stay_row(1), stay_row(2, discharged_on="2015-12-01"), assistance_row(3)]
    response = upload(manager, shelter, as_csv(rows))
    register_import = latest()
    assert response.status_code == 302 and response["Location"] == reverse(
        "shelters:import-detail", args=[register_import.pk]
    )
    assert register_import.status == ImportStatus.CHECKED and register_import.error_count == 1
    assert counts(shelter) == before  # the check ran every service, then rolled back
    page = manager.get(response["Location"]).content.decode()
    row = page.split('data-line="3"')[1].split("</tr>")[0]
    assert "A stay ends at the earliest the day after admission" in row  # the service's own message
    assert "Discharged on" in row
    assert "import-confirm" not in page
    assert confirm(manager, register_import).status_code == 409
    assert counts(shelter) == before


def test_an_import_writes_every_row_and_a_second_upload_changes_nothing(manager, shelter, people):
    rows = [stay_row(n) for n in range(1, 4)] + [assistance_row(4)]
    upload(manager, shelter, as_csv(rows))
    register_import = latest()
    assert register_import.status == ImportStatus.CHECKED and not register_import.error_count
    response = confirm(manager, register_import)
    assert response.status_code == 302
    register_import.refresh_from_db()
    assert register_import.status == ImportStatus.IMPORTED
    assert register_import.content == b""  # the names live in the records now, not in a file copy
    stays = Stay.objects.filter(shelter=shelter)
    assert stays.count() == 3 and all(stay.during.upper for stay in stays)
    assert {stay.case.owner_id for stay in stays} == {shelter.operator_id}
    assert NonResidentialAssistance.objects.filter(shelter=shelter).count() == 1
    assert RegisterImportRow.objects.filter(register_import=register_import, active=True).count() == 4
    before = counts(shelter)

    upload(manager, shelter, as_csv(rows))
    again = latest()
    assert again.status == ImportStatus.CHECKED and again.skipped_count == 4
    page = manager.get(reverse("shelters:import-detail", args=[again.pk])).content.decode()
    assert "imported before" in page and "import-confirm" not in page
    confirm(manager, again)  # posted anyway (an old tab): the import finds nothing to do, and says so
    again.refresh_from_db()
    assert again.status == ImportStatus.UNCHANGED
    assert "nothing changed" in manager.get(reverse("shelters:import-detail", args=[again.pk])).content.decode()
    assert counts(shelter) == before


def test_the_kind_of_assistance_is_imported_and_checked(manager, shelter):
    rows = [
        assistance_row(1),
        assistance_row(2, assistance_kind="no_such_kind"),
        stay_row(3, assistance_kind="trafficking"),  # a stay has no kind of assistance
        assistance_row(4, assistance_kind=""),  # not recorded
    ]
    upload(manager, shelter, as_csv(rows))
    register_import = latest()
    errors = {row["ref"]: row["errors"] for row in register_import.results if row["errors"]}
    assert set(errors) == {"NR-2017-00002", "2016-00003"}
    assert all(column == "assistance_kind" for found in errors.values() for column, _message in found)
    upload(manager, shelter, as_csv([rows[0], rows[3]]))
    confirm(manager, latest())
    kinds = NonResidentialAssistance.objects.filter(shelter=shelter).values_list("kind_id", flat=True)
    assert len(kinds) == 2 and set(kinds) == {"child_labour", None}


def test_an_import_is_undone_as_a_whole_and_audited(manager, shelter, people):
    before = counts(shelter)
    upload(manager, shelter, as_csv([stay_row(1), assistance_row(2)]))
    register_import = latest()
    confirm(manager, register_import)
    assert counts(shelter) != before
    response = manager.post(reverse("shelters:import-undo", args=[register_import.pk]))
    assert response.status_code == 302
    register_import.refresh_from_db()
    assert register_import.status == ImportStatus.UNDONE
    assert counts(shelter) == before
    deleted = AuditEvent.objects.filter(action=AuditAction.DELETE, actor=people.manager)
    assert {event.object_type for event in deleted} >= {"shelters.stay", "casework.case", "casework.person"}
    # undone rows no longer count as imported: the same file can be imported again
    upload(manager, shelter, as_csv([stay_row(1), assistance_row(2)]))
    assert latest().skipped_count == 0
    assert manager.post(reverse("shelters:import-undo", args=[register_import.pk])).status_code == 409


def test_xlsx_with_lao_titles_is_read_like_csv(manager, shelter):
    upload(manager, shelter, as_xlsx([stay_row(1), assistance_row(2)], language="lo"), name="register.xlsx")
    register_import = latest()
    assert register_import.status == ImportStatus.CHECKED and register_import.error_count == 0, register_import.results
    confirm(manager, register_import)
    assert Stay.objects.filter(shelter=shelter).count() == 1


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_template_has_lao_titles_and_stable_codes(manager, shelter, fmt):
    url = reverse("shelters:import-template", args=[shelter.code, fmt])
    response = manager.get(url, {"language": "lo"})
    assert response.status_code == 200
    if fmt == "csv":
        titles = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    else:
        titles = [cell.value for cell in next(load_workbook(io.BytesIO(response.content)).active.iter_rows())]
    assert titles[0].endswith("[register_ref]") and titles[0] != "Register number [register_ref]"
    assert any("ວັນທີ" in title for title in titles)  # "date" in Lao


def test_another_organisations_manager_is_refused(shelter, orgs, manager):
    upload(manager, shelter, as_csv([stay_row(1)]))
    register_import = latest()
    stranger = client_for(make_user("mgr-sv-import", orgs.mlsw_sv, Role.MANAGER))
    assert upload(stranger, shelter, as_csv([stay_row(2)])).status_code == 403
    assert stranger.get(reverse("shelters:import-detail", args=[register_import.pk])).status_code == 404
    assert confirm(stranger, register_import).status_code == 404
    assert RegisterImport.objects.count() == 1


def test_a_bed_not_in_service_then_is_a_row_error_and_a_stay_may_have_no_bed(manager, shelter):
    BedFactory(shelter=shelter, label="B1")  # in service from 2020
    upload(manager, shelter, as_csv([stay_row(1, bed="B1"), stay_row(2, year=2021, bed="B1"), stay_row(3)]))
    results = {row["line"]: row for row in latest().results}
    assert results[2]["errors"] == [["bed", "This bed is in service only from 2020-01-01."]]
    assert results[3]["status"] == results[4]["status"] == "ok"


def test_an_unreadable_file_is_refused_on_the_form(manager, shelter):
    response = upload(manager, shelter, b"\x00\x01", name="register.xlsx")
    assert response.status_code == 400
    assert "could not be read" in response.content.decode()
    assert not RegisterImport.objects.exists()


def test_an_import_worked_on_since_is_not_undone(manager, shelter, people):
    upload(manager, shelter, as_csv([stay_row(1, discharged_on="", exit_destination=""), stay_row(2)]))
    register_import = latest()
    confirm(manager, register_import)
    stay = Stay.objects.get(shelter=shelter, during__upper_inf=True)
    services.stay_discharge(
        actor=people.manager, stay=stay, discharged_on=stay.during.lower + timedelta(days=3), destination="unknown"
    )
    before = counts(shelter)
    response = manager.post(reverse("shelters:import-undo", args=[register_import.pk]))
    assert response.status_code == 409
    assert "worked on since" in response.content.decode()
    register_import.refresh_from_db()
    assert register_import.status == ImportStatus.IMPORTED and counts(shelter) == before
