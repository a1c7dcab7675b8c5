"""Each role's home page and menu (issue 17): a manager's home shows what waits for a decision and
the numbers that matter, each linking to its list; every role's menu leads to its work; a 403 or
404 keeps the normal layout, speaks the user's language and links home."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from casework.services import cases
from shelters import services as shelter_services
from tests.clients import client_for
from tests.factories import BedFactory, ShelterFactory, open_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(people, orgs):
    """Two open cases of the social worker's office, one with a closure asked for, and a shelter
    the office runs with one resident in one of its two beds."""
    sw = people.social_worker
    first, second = open_case(sw, assigned_worker=sw), open_case(sw, assigned_worker=sw)
    cases.case_closure_request(actor=sw, case=second, reason="reintegrated")
    shelter = ShelterFactory(code="home-shelter", operator=orgs.mlsw_vt)
    beds = [BedFactory(shelter=shelter, label=label) for label in ("H1", "H2")]
    shelter_services.staff_post(actor=people.admin, shelter=shelter, user=people.shelter_staff)
    shelter_services.stay_admit(
        actor=people.shelter_staff, shelter=shelter, case=first, admitted_on=timezone.localdate(), bed=beds[0]
    )
    return shelter


def test_a_managers_home_counts_what_waits_and_links_each_number(people, waiting, django_assert_max_num_queries):
    client = client_for(people.manager)
    with django_assert_max_num_queries(28):  # 27 + the risk-flag counts (one aggregate)
        response = client.get(reverse("home"))
    html = response.content.decode()
    section = html[html.index('id="manager-home"') :]
    links = dict(re.findall(r'<a href="([^"]+)">[^<]*<strong>(\d+)</strong>', section))
    assert links[reverse("manage:closures")] == "1"
    assert links[reverse("casework:case-list") + "?current=on"] == "2"
    assert links[reverse("referrals:overrides")] == "0"  # referrals' decision, registered by referrals
    listed = client.get(unescape(reverse("casework:case-list") + "?current=on"))
    assert listed.context["page"].paginator.count == 2
    assert "1 of 2 beds occupied" in html and reverse("shelters:board", args=[waiting.code]) in html


def test_the_managers_home_costs_the_same_with_more_cases(people, waiting, django_assert_max_num_queries):
    client = client_for(people.manager)
    client.get(reverse("home"))
    for _ in range(5):
        open_case(people.social_worker, assigned_worker=people.social_worker)
    with django_assert_max_num_queries(28):  # 27 + the risk-flag counts (one aggregate)
        assert client.get(reverse("home")).status_code == 200


@pytest.mark.parametrize(
    ("persona", "route"),
    [
        ("statistician", "statistics:page"),
        ("manager", "statistics:page"),
        ("partner", "partner-tokens"),
        ("partner", "partner-webhooks"),
        ("partner", "referrals:inbox"),
        ("shelter_staff", "shelters:list"),
        ("admin", "users"),
        ("manager", "manage:workload"),
    ],
)
def test_each_roles_menu_leads_to_its_work(people, persona, route):
    html = client_for(getattr(people, persona)).get(reverse("home")).content.decode()
    menu = html[html.index('<nav class="main"') : html.index("</nav>")]
    assert f'href="{reverse(route)}"' in menu


@pytest.mark.parametrize("persona", ["statistician", "partner"])
def test_a_menu_offers_no_page_the_role_cannot_open(people, persona):
    client = client_for(getattr(people, persona))
    html = client.get(reverse("home")).content.decode()
    menu = html[html.index('<nav class="main"') : html.index("</nav>")]
    for href in re.findall(r'href="([^"]+)"', menu):
        assert client.get(href).status_code == 200, href


def test_a_refusal_keeps_the_layout_speaks_lao_and_links_home(people):
    client = client_for(people.statistician)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "lo"
    response = client.get(reverse("manage:workload"))
    assert response.status_code == 403
    html = response.content.decode()
    assert '<nav class="main"' in html and f'href="{reverse("home")}"' in html
    assert "ບໍ່ອະນຸຍາດ" in html and "Not allowed" not in html


def test_a_case_out_of_scope_and_a_missing_one_get_the_same_404(people, case):
    client = client_for(people.outsider)
    hidden = client.get(reverse("casework:case-detail", args=[case.pk]))
    missing = client.get(reverse("casework:case-detail", args=["00000000-0000-4000-8000-000000000000"]))
    assert hidden.status_code == missing.status_code == 404
    assert page_text(hidden) == page_text(missing)
    assert f'href="{reverse("home")}"' in hidden.content.decode()


def page_text(response) -> str:  # type: ignore[no-untyped-def]
    """The page without its hidden inputs (the CSRF token and the language switch's return address)."""
    return re.sub(r'<input[^>]*type="hidden"[^>]*>', "", response.content.decode())


@pytest.mark.parametrize(("persona", "work"), [("statistician", "statistics-work"), ("partner", "partner-work")])
def test_a_home_without_cases_leads_to_the_roles_own_work(people, persona, work):
    response = client_for(getattr(people, persona)).get(reverse("home"))
    html = response.content.decode()
    assert f'id="{work}"' in html and "My cases" not in html
