"""Forms that help (issue 17.5): neighbours first in country lists, districts grouped by
province, a confirmation after intake, an honest empty screening box, warnings before a closure."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Country, District
from accounts.selectors import FIRST_COUNTRIES, country_list
from casework.services import repatriation
from tests.referrals import sent_for

pytestmark = pytest.mark.django_db


def test_thailand_china_vietnam_cambodia_and_myanmar_come_first(reference):
    codes = list(country_list().values_list("code", flat=True))
    assert tuple(codes[:5]) == FIRST_COUNTRIES == ("TH", "CN", "VN", "KH", "MM")
    rest = list(Country.objects.exclude(code__in=FIRST_COUNTRIES).order_by("name_en").values_list("code", flat=True))
    assert codes[5:] == rest


def test_the_intake_page_groups_districts_by_province_and_lists_neighbours_first(client, people):
    client.force_login(people.social_worker)
    html = client.get(reverse("casework:intake")).content.decode()
    district = District.objects.select_related("province").order_by("code").first()
    assert 'data-filtered-by="id_origin_province"' in html and "js/district-filter.js" in html
    districts = html[html.index('id="id_origin_district"') :]
    group = districts.index(f'<optgroup label="{district.province.name_en}">')
    assert districts.index(f'value="{district.pk}"') > group
    country = html[html.index('id="id_exploitation_country"') :]
    assert country.index('value="TH"') < country.index('value="MM"') < country.index('value="AF"')


def test_intake_confirms_the_registration(client, people):
    client.force_login(people.social_worker)
    values = {
        "given_name_latin": "Kham",
        "family_name_latin": "Confirmed",
        "sex": "female",
        "category": "trafficking",
        "identification_route": "police",
        "identified_on": "01/03/2026",
    }
    page = client.post(reverse("casework:intake"), values, follow=True).content.decode()
    assert "Case registered: " in page


def test_the_empty_screening_box_says_no_indicator_yet(client, people, case):
    client.force_login(people.social_worker)
    page = client.get(reverse("casework:screening-new", args=[case.pk])).content.decode()
    box = page[page.index('id="suggested-outcome"') :][:200]
    assert "No indicator ticked yet" in box and "Not a victim" not in box
    answer = client.post(reverse("casework:screening-evaluate", args=[case.pk]), {}).json()
    assert answer["suggested_label"] == "No indicator ticked yet"


def test_a_closure_request_warns_about_an_open_repatriation_and_referrals(client, people, orgs, case):
    client.force_login(people.social_worker)
    history = reverse("casework:case-detail", args=[case.pk]) + "?tab=history"
    assert "Before you ask for the closure" not in client.get(history).content.decode()
    repatriation.repatriation_start(
        actor=people.social_worker, case=case, flow="thailand_mou", from_country=Country.objects.get(code="TH")
    )
    sent_for(people.social_worker, case, orgs.ngo)
    page = client.get(history).content.decode()
    assert "Before you ask for the closure" in page
    assert "A repatriation of this case is still under way." in page
    assert "1 referral of this case is still open." in page


def test_no_warning_for_readers_who_cannot_ask_for_a_closure(client, people, case):
    repatriation.repatriation_start(
        actor=people.social_worker, case=case, flow="thailand_mou", from_country=Country.objects.get(code="TH")
    )
    client.force_login(people.manager)  # reads the case, does not ask for its closure
    page = client.get(reverse("casework:case-detail", args=[case.pk]) + "?tab=history").content.decode()
    assert "Before you ask" not in page
