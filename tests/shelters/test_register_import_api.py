"""The register import in the staff API (shelters.imports.api): the same services and rules as
the pages, row errors as JSON by line and column code, confirm, undo, and a clear 400 (never a
500) for anything that is not a register."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from shelters.imports.models import ImportStatus
from shelters.models import NonResidentialAssistance, Stay
from tests.clients import client_for
from tests.factories import ShelterFactory, make_user
from tests.registers import as_csv, as_xlsx, assistance_row, stay_row

pytestmark = pytest.mark.django_db
LIST = reverse("v1:register-import-list")


@pytest.fixture
def shelter(reference, orgs):  # type: ignore[no-untyped-def]
    return ShelterFactory(operator=orgs.mlsw_vt)


@pytest.fixture
def manager(people):  # type: ignore[no-untyped-def]
    return client_for(people.manager)


def upload(client, shelter, content: bytes, name: str = "register.csv"):  # type: ignore[no-untyped-def]
    return client.post(LIST, {"shelter": shelter.code, "file": SimpleUploadedFile(name, content)})


def post(client, name: str, pk: str):  # type: ignore[no-untyped-def]
    return client.post(reverse(f"v1:register-import-{name}", args=[pk]))


def test_the_dry_run_answers_each_rows_errors_by_line_and_column_code_and_writes_nothing(manager, shelter):
    rows = [stay_row(1), stay_row(2, discharged_on="2015-12-01", estimated_age="x"), assistance_row(3)]
    response = upload(manager, shelter, as_csv(rows))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == ImportStatus.CHECKED and body["error_count"] == 1 and body["row_count"] == 3
    by_line = {row["line"]: row for row in body["rows"]}
    assert by_line[2]["status"] == by_line[4]["status"] == "ok" and by_line[3]["ref"] == "2016-00002"
    assert by_line[3]["messages"] == [{"column": "estimated_age", "message": "Enter a whole number of years."}]
    assert not Stay.objects.filter(shelter=shelter).exists()
    refused = post(manager, "confirm", body["id"])
    assert refused.status_code == 409
    assert not Stay.objects.filter(shelter=shelter).exists()


def test_confirm_imports_every_row_a_second_upload_skips_them_and_undo_removes_them(manager, shelter):
    rows = [stay_row(1), stay_row(2), assistance_row(3)]
    checked = upload(manager, shelter, as_xlsx(rows, language="lo"), name="register.xlsx").json()
    assert checked["status"] == ImportStatus.CHECKED and checked["error_count"] == 0, checked["rows"]
    imported = post(manager, "confirm", checked["id"])
    assert imported.status_code == 200
    assert imported.json()["status"] == ImportStatus.IMPORTED and imported.json()["undoable"]
    assert Stay.objects.filter(shelter=shelter).count() == 2
    assert NonResidentialAssistance.objects.filter(shelter=shelter).count() == 1

    again = upload(manager, shelter, as_csv(rows)).json()
    assert again["skipped_count"] == 3 and {row["status"] for row in again["rows"]} == {"skipped"}
    listed = manager.get(LIST, {"shelter__code": shelter.code}).json()["results"]
    assert {item["id"] for item in listed} == {checked["id"], again["id"]} and "rows" not in listed[0]

    undone = post(manager, "undo", checked["id"])
    assert undone.status_code == 200 and undone.json()["status"] == ImportStatus.UNDONE
    assert not Stay.objects.filter(shelter=shelter).exists()
    assert post(manager, "undo", checked["id"]).status_code == 409


def test_another_operators_manager_and_other_roles_are_refused(manager, shelter, orgs, people):
    made = upload(manager, shelter, as_csv([stay_row(1)])).json()
    stranger = client_for(make_user("mgr-sv-import-api", orgs.mlsw_sv, Role.MANAGER))
    assert upload(stranger, shelter, as_csv([stay_row(2)])).status_code == 403
    assert stranger.get(reverse("v1:register-import-detail", args=[made["id"]])).status_code == 404
    assert post(stranger, "confirm", made["id"]).status_code == 404
    assert stranger.get(LIST).json()["results"] == []
    worker = client_for(people.social_worker)
    assert upload(worker, shelter, as_csv([stay_row(2)])).status_code == 403


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"shelter": "no-such-shelter"},
        {"file": "not a file"},
        "SHELTER",
    ],
    ids=["nothing", "unknown-shelter", "no-shelter", "a-string"],
)
def test_what_is_not_a_register_upload_is_a_400(manager, shelter, data):
    response = manager.post(LIST, data, content_type="application/json")
    assert response.status_code == 400, response.content


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("register.xlsx", b"\x00\x01", "could not be read"),
        ("register.txt", b"a,b", ".xlsx or .csv"),
        ("register.csv", b"\xff\xfe\x00", "UTF-8"),
        ("register.csv", b"Who,When\n1,2\n", "Unknown column"),
    ],
)
def test_an_unreadable_file_is_a_400_with_the_files_error(manager, shelter, name, content, message):
    response = upload(manager, shelter, content, name=name)
    assert response.status_code == 400
    assert message in str(response.json())


def test_the_upload_without_a_file_is_a_400_only_for_who_may_import(manager, shelter, people):
    assert manager.post(LIST, {"shelter": shelter.code}).status_code == 400
    assert client_for(people.shelter_staff).post(LIST, {"shelter": shelter.code}).status_code == 403
