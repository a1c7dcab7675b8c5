"""The report page's four downloads, and the same report read as data with the browser's own
session, as a manager of the transit centre's operator who works in Lao (issue 18.5)."""

from __future__ import annotations

import csv
import io

from playwright.sync_api import Browser

from accounts.models import Organisation, Role
from shelters.report_requests import REPORTS
from tests.browser.conftest import assert_no_horizontal_scroll, login_as, screenshot, watched_page
from tests.factories import make_user

QUERY = "?shelter=mlsw-transit-vientiane&start=2025-01-01&end=2025-01-31"


def test_a_manager_downloads_codes_and_reads_the_report_as_data_in_lao(page, browser: Browser, live_server):
    manager = make_user("mgr-transit-browser", Organisation.objects.get(code="mlsw-transit-centre"), Role.MANAGER)
    login_as(page, manager, language="lo")
    page.goto("/shelters/reports/occupancy/" + QUERY)
    links = page.locator("a[href*='/shelters/reports/'][href$='end=2025-01-31']")
    assert links.count() == 2 * len(REPORTS)  # every report, CSV and XLSX each

    with page.expect_download() as download:
        page.locator("a[href*='/shelters/reports/utilisation.csv']").click()
    assert download.value.suggested_filename == "utilisation_mlsw-transit-vientiane_2025-01-01_2025-01-31.csv"

    coded = page.request.get("/shelters/reports/shelter-table.csv" + QUERY + "&columns=codes")
    rows = list(csv.reader(io.StringIO(coded.text().lstrip("\ufeff"))))
    assert rows[0][:3] == ["category", "total", "female"] and rows[-1][0] == "total"

    data = page.request.get("/api/v1/reports/shelter-table/" + QUERY).json()
    assert [column["code"] for column in data["columns"]] == rows[0]
    assert data["columns"][1]["title"] != "Total"  # the title in Lao, the code the same

    cookies = page.context.cookies()
    for width in (1366, 360):
        with watched_page(browser, live_server.url, width=width) as tab:
            tab.context.add_cookies(cookies)
            tab.goto("/shelters/reports/occupancy/" + QUERY)
            assert_no_horizontal_scroll(tab)
            tab.locator("a[href*='/shelters/reports/utilisation.xlsx']").scroll_into_view_if_needed()
            screenshot(tab, f"report-downloads-lo-{width}", full_page=False)
