"""The Journey tab and the HTCDS export in a real browser: a social worker records how a girl was
recruited online and exploited in a scam compound, in Lao on a phone; a manager downloads the
HTCDS export and opens it. Screenshots at 1366 and 360 px (see conftest for where they go)."""

from __future__ import annotations

import csv
import io
from datetime import date

from playwright.sync_api import expect

from casework.models import JourneyEvent
from referrals.services import consent_record
from tests.browser.conftest import both_widths, fill_date, login_as
from tests.factories import open_case

ADULT = {
    "given_name_latin": "Keo",
    "family_name_latin": "Synthetic",
    "sex": "female",
    "date_of_birth": date(1999, 2, 3),
}


def test_a_journey_is_recorded_in_lao_and_exported_for_iom(page, people, orgs):  # type: ignore[no-untyped-def]
    case = open_case(people.social_worker, person_values=ADULT)
    login_as(page, people.social_worker, language="lo")
    page.goto(f"/cases/{case.pk}/?tab=journey")
    expect(page.locator("html")).to_have_attribute("lang", "lo")
    page.locator("#journey-actions a").nth(2).click()  # Exploitation
    fill_date(page.locator("#id_started_on"), date(2025, 4, 1))
    page.locator("#id_place").fill("Golden Triangle")
    page.locator("input[name=forced_criminality][value=online_scam]").check()
    page.locator("input[name=methods_of_control][value=withholds_documents]").check()
    page.locator("#id_labour_industry").select_option("information_and_communication")
    both_widths(page, "journey-form-lo")
    page.locator("form.stack button[type=submit]").first.click()
    expect(page.locator("#journey")).to_contain_text("ການຫຼອກລວງທາງອອນລາຍ")
    both_widths(page, "journey-tab-lo")
    assert JourneyEvent.objects.get(case=case).forced_criminality == ["online_scam"]

    consent_record(
        actor=people.social_worker,
        case=case,
        recipient=orgs.ngo,
        data_categories=["htcds"],
        service_types=[],
        purpose="HTCDS data sharing with IOM",
        given_by="person",
    )
    page.context.clear_cookies()
    login_as(page, people.manager)
    page.goto("/statistics/")
    page.get_by_role("link", name="The HTCDS export").click()
    both_widths(page, "htcds-export")
    with page.expect_download() as download:
        page.get_by_role("link", name="Victims (CSV)").click()
    text = download.value.path().read_text(encoding="utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 1
    row = dict(zip(header, rows[0], strict=True))
    assert (row["vic_ForcedLabourIndustry"], row["x_ForcedCriminality"]) == (
        "J_InformationAndCommunication",
        "online_scam",
    )
    assert "Keo" not in text and "Golden" not in text
