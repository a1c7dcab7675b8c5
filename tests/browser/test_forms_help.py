"""Issue 17 (1, 4, 5, 7) in the browser, at 1366 and 360 px, in English and Lao: dates typed
day/month/year in a browser set to en-US, every error of the intake form at once, districts
following the province, reminders seen in the header and before they fall due, the empty
screening box, warnings before a closure, name search by the beginning of a word, and the API
documentation working with every other host unreachable."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import Country, District
from casework.models import Case, Person
from casework.names import name_filter
from casework.services import repatriation
from notifications import engine
from tests.browser.conftest import assert_no_horizontal_scroll, login_as, screenshot, watched_page
from tests.factories import open_case

WIDTHS = [1366, 360]
LANGUAGES = ["en", "lo"]
TEXT = {
    "en": {
        "registered": "Case registered: ",
        "future_birth": "The date of birth cannot be in the future.",
        "date_format": "Enter the date as day/month/year, for example 14/05/2010.",
        "hint": "Day/month/year, for example 14/05/2010",
        "no_indicator": "No indicator ticked yet",
        "upcoming": "Upcoming: the next 14 days",
        "closure": "A repatriation of this case is still under way.",
    },
    "lo": {
        "registered": "ລົງທະບຽນກໍລະນີແລ້ວ: ",
        "future_birth": "ວັນເດືອນປີເກີດບໍ່ສາມາດເປັນວັນທີໃນອະນາຄົດໄດ້.",
        "date_format": "ກະລຸນາໃສ່ວັນທີເປັນ ວັນ/ເດືອນ/ປີ, ຕົວຢ່າງ 14/05/2010.",
        "hint": "ວັນ/ເດືອນ/ປີ, ຕົວຢ່າງ 14/05/2010",
        "no_indicator": "ຍັງບໍ່ໄດ້ໝາຍຕົວຊີ້ບອກໃດເທື່ອ",
        "upcoming": "ກຳລັງຈະມາເຖິງ: 14 ມື້ຕໍ່ໜ້າ",
        "closure": "ການສົ່ງກັບຄືນຂອງກໍລະນີນີ້ຍັງດຳເນີນຢູ່.",
    },
}


@pytest.fixture(params=WIDTHS, ids=lambda width: f"{width}px")
def us_page(request, browser, live_server, transactional_db, reference):  # type: ignore[no-untyped-def]
    """A browser set to en-US (month first for `type=date`), at a laptop's or a phone's width."""
    with watched_page(browser, live_server.url, width=request.param, locale="en-US") as tab:
        tab.width = request.param  # type: ignore[attr-defined]
        yield tab


def shot(page: Page, name: str, language: str) -> None:
    screenshot(page, f"forms-help-{name}-{language}-{page.width}")  # type: ignore[attr-defined]
    assert_no_horizontal_scroll(page)


def fill_intake(page: Page, family_name: str, **values: str) -> None:
    page.locator("#id_given_name_latin").fill("Kham")
    page.locator("#id_family_name_latin").fill(family_name)
    page.locator("#id_sex").select_option(values.get("sex", "female"))
    page.locator("#id_date_of_birth").fill(values.get("date_of_birth", "14/05/2010"))
    page.locator("#id_category").select_option("trafficking")
    page.locator("#id_identification_route").select_option("police")
    page.locator("#id_identified_on").fill(values.get("identified_on", "01/03/2026"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_en_us_browser_registers_14_05_2010_as_the_14th_of_may(us_page, people, language):  # type: ignore[no-untyped-def]
    page = us_page
    login_as(page, people.social_worker, language=language)
    page.goto(reverse("casework:intake"))
    birth = page.locator("#id_date_of_birth")
    expect(birth).to_have_attribute("type", "text")
    expect(birth).to_have_attribute("inputmode", "numeric")
    expect(page.locator("#id_date_of_birth_format")).to_have_text(TEXT[language]["hint"])

    # Districts follow the province; the neighbours come first among countries.
    district = District.objects.select_related("province").order_by("code").first()
    page.locator("#id_origin_province").select_option(str(district.province.pk))
    shown = page.evaluate(
        "[...document.querySelectorAll('#id_origin_district optgroup')].filter(g => !g.hidden).length"
    )
    assert shown == 1
    page.locator("#id_origin_district").select_option(str(district.pk))
    countries = page.locator("#id_exploitation_country option").all_inner_texts()
    neighbours = Country.objects.filter(code__in=["TH", "CN", "VN", "KH", "MM"])
    first = {c.code: (c.name_lo if language == "lo" and c.name_lo else c.name_en) for c in neighbours}
    assert countries[1:6] == [first[code] for code in ("TH", "CN", "VN", "KH", "MM")]

    # Every error in one round: a missing sex, a birth date in the future, a month 14.
    future = (timezone.localdate() + timedelta(days=5)).strftime("%d/%m/%Y")
    fill_intake(page, f"Datetest{language}", date_of_birth=future, identified_on="05/14/2026")
    page.locator("#id_sex").select_option("")
    page.locator("form.stack button[type=submit]").click()
    expect(page.locator("#id_sex_error")).to_be_visible()
    expect(page.locator("main")).to_contain_text(TEXT[language]["future_birth"])
    expect(page.locator("main")).to_contain_text(TEXT[language]["date_format"])
    shot(page, "intake-errors", language)
    assert not Case.objects.exists()

    fill_intake(page, f"Datetest{language}")
    page.locator("form.stack button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text(TEXT[language]["registered"])
    shot(page, "intake-registered", language)
    person = Person.objects.get(name_filter(f"Datetest{language}"))
    assert person.date_of_birth == date(2010, 5, 14)
    assert person.origin_district_id == district.pk
    assert Case.objects.get(person=person).identified_on == date(2026, 3, 1)


@pytest.mark.parametrize("language", LANGUAGES)
def test_reminders_are_visible_counted_and_seen_before_they_fall_due(us_page, people, language):  # type: ignore[no-untyped-def]
    page = us_page
    late, soon = open_case(people.social_worker), open_case(people.social_worker)
    Case.objects.filter(pk=late.pk).update(created_at=timezone.now() - timedelta(days=40))
    Case.objects.filter(pk=soon.pk).update(created_at=timezone.now() - timedelta(days=25))
    engine.tick(now=timezone.now())
    login_as(page, people.social_worker, language=language)
    link = page.locator("header a.notifications")
    expect(link.locator(".badge")).to_have_text("1")
    colours = page.evaluate(
        """() => [getComputedStyle(document.querySelector('header a.notifications')).color,
                  getComputedStyle(document.querySelector('header.top')).backgroundColor]"""
    )
    assert colours[0] != colours[1], "the Reminders link is the colour of the header"
    screenshot(page, f"forms-help-header-{language}-{page.width}", full_page=False)  # type: ignore[attr-defined]
    link.click()
    upcoming = page.locator("section.upcoming")
    expect(upcoming).to_contain_text(TEXT[language]["upcoming"])
    expect(upcoming).to_contain_text(soon.person.case_code)
    expect(upcoming).not_to_contain_text(late.person.case_code)
    shot(page, "reminders", language)
    upcoming.get_by_role("link", name=soon.person.case_code).click()
    expect(page.locator("section.upcoming")).to_contain_text(TEXT[language]["upcoming"])
    shot(page, "case-reminders", language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_screening_box_closure_warning_and_search_by_the_start_of_a_name(us_page, people, language):  # type: ignore[no-untyped-def]
    page = us_page
    names = {"given_name_latin": "Manivanh", "family_name_latin": "Phommachanh", "sex": "female"}
    case = open_case(people.social_worker, person_values=names)
    repatriation.repatriation_start(
        actor=people.social_worker, case=case, flow="thailand_mou", from_country=Country.objects.get(code="TH")
    )
    login_as(page, people.social_worker, language=language)
    page.goto(reverse("casework:case-list") + "?search=Mani")
    expect(page.locator("main")).to_contain_text(case.person.case_code)

    page.goto(reverse("casework:screening-new", args=[case.pk]))
    expect(page.locator("#suggested-outcome")).to_have_text(TEXT[language]["no_indicator"])
    shot(page, "screening-empty", language)

    page.goto(reverse("casework:case-detail", args=[case.pk]) + "?tab=history")
    expect(page.locator(".warnings")).to_contain_text(TEXT[language]["closure"])
    shot(page, "closure-warning", language)


# Redoc's side menu ends with a "by Redocly" link whose logo is an image on their CDN, named in
# its bundle; the policy blocks it (the page works without it), and the browser says so.
REDOCLY_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"


@pytest.mark.parametrize("name", ["swagger", "redoc"])
def test_the_api_documentation_works_with_no_other_host_reachable(browser, live_server, people, name):  # type: ignore[no-untyped-def]
    here = urlsplit(live_server.url).netloc
    context = browser.new_context(viewport={"width": 1366, "height": 800}, base_url=live_server.url)
    requested: list[str] = []
    refused: list[str] = []

    def only_here(route):  # type: ignore[no-untyped-def]
        if urlsplit(route.request.url).netloc != here:
            requested.append(route.request.url)
            return route.abort()
        return route.continue_()

    context.route("**/*", only_here)
    context.on("console", lambda message: refused.append(message.text) if message.type == "error" else None)
    try:
        page = context.new_page()
        page.on("pageerror", lambda error: refused.append(str(error)))
        login_as(page, people.social_worker)
        page.goto(reverse(name))
        if name == "swagger":
            expect(page.locator(".swagger-ui .opblock").first).to_be_visible(timeout=60_000)
        else:
            expect(page.locator("h1").first).to_contain_text("Pathway API", timeout=60_000)
            expect(page.locator(".api-content")).to_be_visible()
        screenshot(page, f"forms-help-api-docs-{name}", full_page=False)
    finally:
        context.close()
    assert requested == []  # nothing asked of another host (the CDN, Google Fonts)
    assert [text for text in refused if REDOCLY_LOGO not in text] == []
