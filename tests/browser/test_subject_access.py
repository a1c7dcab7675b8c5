"""A manager answers a subject access request from the case page: the download button gives the
person's JSON file, and the download is in the audit log."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from accounts.models import AuditAction, AuditEvent
from tests.browser.conftest import login_as
from tests.factories import open_case


def test_manager_downloads_a_persons_data_from_the_case_page(page, people):  # type: ignore[no-untyped-def]
    case = open_case(
        people.social_worker,
        person_values={
            "given_name_latin": "Vanh",
            "family_name_latin": "Browsersar",
            "sex": "female",
            "date_of_birth": date(1995, 2, 3),
        },
    )
    login_as(page, people.manager)
    page.goto(f"/cases/{case.pk}/")
    with page.expect_download() as info:
        page.get_by_test_id("subject-access").click()
    download = info.value
    assert download.suggested_filename == f"{case.person.case_code}-subject-access.json"
    document = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert document["person"]["family_name_latin"] == "Browsersar"
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, object_id=str(case.person_id)).count() == 1
