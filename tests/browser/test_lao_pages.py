"""The newest pages read in Lao: a manager working in Lao meets the 404 page of a case outside
their scope, the emergency access form (with its Lao field error) and the second-factor set-up
page. Fails when a string on them is left untranslated or the compiled catalogue is stale."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import login_as
from tests.factories import open_case


def test_a_manager_working_in_lao_reaches_emergency_access_and_the_second_factor(page, people):  # type: ignore[no-untyped-def]
    case = open_case(people.social_worker)
    login_as(page, people.national_manager, language="lo")
    expect(page.locator("html")).to_have_attribute("lang", "lo")

    response = page.goto(f"/cases/{case.pk}/")
    assert response is not None and response.status == 404
    expect(page.locator("main h1")).to_have_text("ບໍ່ພົບຂໍ້ມູນ")
    expect(page.locator("main")).to_contain_text("ທ່ານສາມາດເປີດກໍລະນີນັ້ນຜ່ານການເຂົ້າເຖິງແບບສຸກເສີນ")

    page.locator("main").get_by_role("link", name="ການເຂົ້າເຖິງແບບສຸກເສີນ").click()
    expect(page.locator("main")).to_contain_text("ທຸກໜ້າທີ່ທ່ານເປີດ ຈະຖືກບັນທຶກໄວ້ໃນປະຫວັດການເຂົ້າເຖິງ")
    page.get_by_label("ລະຫັດກໍລະນີ").fill(case.person.case_code)
    page.get_by_role("button", name="ເປີດກໍລະນີ").click()
    expect(page.locator(".field.has-error")).to_contain_text("ກະລຸນາບອກເຫດຜົນທີ່ທ່ານຕ້ອງເປີດກໍລະນີນີ້ດຽວນີ້.")

    page.get_by_role("link", name="ການຢືນຢັນຂັ້ນທີສອງ").click()
    expect(page.locator("main h1")).to_have_text("ຕັ້ງຄ່າການຢືນຢັນຂັ້ນທີສອງ")
    expect(page.locator("main")).to_contain_text("ສະແກນລະຫັດ QR ນີ້")
    expect(page.get_by_label("ລະຫັດຈາກແອັບ")).to_be_visible()
    expect(page.get_by_role("button", name="ຢືນຢັນ")).to_be_visible()
    assert "authenticator" not in page.locator("main").inner_text().replace("Google Authenticator", "")
