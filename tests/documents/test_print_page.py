"""The case summary's print page: the same sections as the PDF (documents.summary), no menu, the
print stylesheet, linked from the case page, audited like the download."""

from __future__ import annotations

from django.urls import reverse

from accounts.models import AuditEvent
from casework.models import ServiceType
from tests.clients import client_for


def test_the_case_page_links_the_print_page(world):
    page = client_for(world.people.police).get(reverse("casework:case-detail", args=[world.case.pk]))
    assert reverse("documents:case-summary-print", args=[world.case.pk]) in page.content.decode()


def test_the_print_page_has_no_menu_and_the_reader_tiers(world):
    url = reverse("documents:case-summary-print", args=[world.case.pk])
    counselling = ServiceType.objects.get(code="counselling").name_en
    worker = client_for(world.people.social_worker).get(url).content.decode()
    police = client_for(world.people.police).get(url).content.decode()
    for page in (worker, police):
        assert 'class="top"' not in page and "<nav" not in page
        assert "css/print.css" in page and "Screening outcome" in page and "Repatriation steps" in page
    assert counselling in worker and counselling not in police
    assert AuditEvent.objects.filter(
        action="export", actor=world.people.police, fields__contains=["document:case_summary"]
    ).exists()


def test_the_print_page_in_lao(world):
    client = client_for(world.people.social_worker)
    page = client.get(
        reverse("documents:case-summary-print", args=[world.case.pk]), HTTP_ACCEPT_LANGUAGE="lo"
    ).content.decode()
    assert 'lang="lo"' in page and "ສະຫຼຸບກໍລະນີ" in page and "ນ້ອຍ ແກ້ວມະນີ" in page


def test_outsiders_get_404(world):
    assert (
        client_for(world.people.outsider).get(reverse("documents:case-summary-print", args=[world.case.pk])).status_code
        == 404
    )
