"""A register too large to run while the page waits is checked and imported by a real Celery
worker (tests.processes), the page's status URL reporting its progress."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shelters.imports.models import ImportStatus, RegisterImport
from shelters.imports.views import INLINE_ROWS
from shelters.models import Stay
from tests.clients import client_for
from tests.factories import ShelterFactory
from tests.processes import celery_worker, wait_for
from tests.registers import as_csv, stay_row

pytestmark = [pytest.mark.slow, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_large_register_is_checked_and_imported_by_the_worker(reference, orgs, people):
    shelter = ShelterFactory(operator=orgs.mlsw_vt)
    manager = client_for(people.manager)
    rows = [stay_row(n) for n in range(INLINE_ROWS + 1)]

    def status() -> dict[str, object]:
        register_import = RegisterImport.objects.get()
        return manager.get(reverse("shelters:import-status", args=[register_import.pk])).json()

    with celery_worker(queue="celery"):  # the default queue, which the page's .delay() uses
        response = manager.post(
            reverse("shelters:import", args=[shelter.code]), {"file": SimpleUploadedFile("big.csv", as_csv(rows))}
        )
        assert response.status_code == 302
        assert RegisterImport.objects.get().status == ImportStatus.CHECKING  # handed to the worker
        page = manager.get(response["Location"]).content.decode()
        assert "<progress" in page and "import-status" in page
        checked = wait_for(lambda: (s := status())["status"] == ImportStatus.CHECKED and s, what="the check")
        assert checked["done"] == checked["total"] == len(rows)
        assert not Stay.objects.filter(shelter=shelter).exists()
        manager.post(reverse("shelters:import-confirm", args=[RegisterImport.objects.get().pk]))
        wait_for(lambda: status()["status"] == ImportStatus.IMPORTED, what="the import")
    assert Stay.objects.filter(shelter=shelter).count() == len(rows)


def test_the_api_hands_a_large_register_to_the_worker_and_reports_its_progress(reference, orgs, people):
    shelter = ShelterFactory(operator=orgs.mlsw_vt)
    manager = client_for(people.manager)
    rows = [stay_row(n) for n in range(INLINE_ROWS + 1)]

    def detail() -> dict[str, object]:
        return manager.get(reverse("v1:register-import-detail", args=[RegisterImport.objects.get().pk])).json()

    with celery_worker(queue="celery"):
        response = manager.post(
            reverse("v1:register-import-list"),
            {"shelter": shelter.code, "file": SimpleUploadedFile("big.csv", as_csv(rows))},
        )
        assert response.status_code == 202 and response.json()["status"] == ImportStatus.CHECKING
        checked = wait_for(lambda: (d := detail())["status"] == ImportStatus.CHECKED and d, what="the check")
        assert checked["done"] == checked["row_count"] == len(rows) and checked["error_count"] == 0
        confirmed = manager.post(reverse("v1:register-import-confirm", args=[checked["id"]]))
        assert confirmed.status_code == 202
        wait_for(lambda: detail()["status"] == ImportStatus.IMPORTED, what="the import")
    assert Stay.objects.filter(shelter=shelter).count() == len(rows)
