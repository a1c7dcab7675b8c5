"""A manager brings in a paper register from the browser: downloads the Lao template, uploads a
20-row file with one wrong row, sees the error beside that row, uploads the corrected file,
imports it, and finds the residents in the shelter's occupancy report for that year. Screens at
1366 px and 360 px, in English and Lao."""

from __future__ import annotations

import openpyxl
import pytest

from shelters.models import Stay
from tests.browser.conftest import assert_no_horizontal_scroll, login_as, screenshot
from tests.factories import ShelterFactory
from tests.registers import as_xlsx, assistance_row, stay_row

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def shelter(orgs):  # type: ignore[no-untyped-def]
    return ShelterFactory(code="t-import", name_en="Import test shelter", name_lo="ເຮືອນພັກທົດລອງ", operator=orgs.mlsw_vt)


def rows(bad: bool) -> list[dict[str, str]]:
    register = [stay_row(n) for n in range(1, 18)] + [assistance_row(n) for n in range(18, 21)]
    if bad:
        register[6] = stay_row(7, discharged_on="2015-01-01")  # line 8: discharged before admission
    return register


def upload(page, path) -> None:  # type: ignore[no-untyped-def]
    page.locator("#id_file").set_input_files(str(path))
    page.locator("form[enctype] button[type=submit]").click()
    page.wait_for_load_state()


def test_a_manager_imports_a_register_fixes_a_bad_row_and_sees_the_residents(page, people, shelter, tmp_path):  # type: ignore[no-untyped-def]
    login_as(page, people.manager)
    page.goto("/shelters/")
    page.locator(f"a[href='/shelters/{shelter.code}/import/']").click()
    page.wait_for_load_state()
    screenshot(page, "register-import-upload")
    with page.expect_download() as download:
        page.locator("a[href$='template.xlsx?language=lo']").click()
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)
    titles = [cell.value for cell in next(openpyxl.load_workbook(template).active.iter_rows())]
    assert titles[0].endswith("[register_ref]") and "ເລກທະບຽນ" in titles[0]

    wrong = tmp_path / "register.xlsx"
    wrong.write_bytes(as_xlsx(rows(bad=True), language="lo"))
    upload(page, wrong)
    row = page.locator("#import-rows tr[data-line='8']")
    assert "A stay ends at the earliest the day after admission" in row.inner_text()
    assert page.locator("#import-rows tr.error").count() == 1
    assert page.locator("form[action$='/confirm/']").count() == 0
    screenshot(page, "register-import-errors")
    page.set_viewport_size(PHONE)
    assert_no_horizontal_scroll(page)
    screenshot(page, "register-import-errors-phone")
    page.set_viewport_size({"width": 1366, "height": 900})
    assert not Stay.objects.filter(shelter=shelter).exists()

    fixed = tmp_path / "register-fixed.xlsx"
    fixed.write_bytes(as_xlsx(rows(bad=False), language="lo"))
    upload(page, fixed)
    assert page.locator("#import-rows tr.error").count() == 0
    page.locator("form[action$='/confirm/'] button").click()
    page.wait_for_load_state()
    assert "Imported on" in page.locator("#import-status ~ p").first.inner_text()
    assert page.locator("form[action$='/undo/']").count() == 1
    screenshot(page, "register-import-done")

    page.goto(f"/shelters/reports/occupancy/?shelter={shelter.code}&start=2016-01-01&end=2016-12-31")
    figures = page.locator("dl.figures").inner_text()
    assert "Admissions\n17" in figures or "Admissions\t17" in figures, figures

    login_as(page, people.manager, language="lo")
    page.goto("/shelters/")
    page.locator(f"a[href='/shelters/{shelter.code}/import/']").click()
    page.wait_for_load_state()
    assert "ນຳເຂົ້າທະບຽນ" in page.locator("h1").inner_text()
    page.locator("table.list a").first.click()
    page.wait_for_load_state()
    page.set_viewport_size(PHONE)
    assert_no_horizontal_scroll(page)
    screenshot(page, "register-import-lo-phone")
