"""The Assessments tab, its answer and compare pages, the questionnaire pages of an
administrator, and the staff API: refusals beside their fields (400), nothing half-saved, every
read in the audit log, each form shown only to the readers of its tier."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import AuditAction, AuditEvent
from casework.models import Assessment, Questionnaire, QuestionnaireVersion
from casework.services.cases import case_share
from tests.clients import client_for
from tests.factories import open_case

pytestmark = pytest.mark.django_db
RISK = {"to_person": "low", "trafficker": "high", "retrafficking": "medium", "at_home": "none", "community": "low"}


def tab(case):
    return reverse("casework:case-detail", args=[case.pk]) + "?tab=assessments"


def answer(client, case, code, body):
    return client.post(reverse("casework:assessment-new", args=[case.pk, code]), body)


def test_a_worker_answers_twice_and_the_page_compares(people, case):
    client = client_for(people.social_worker)
    html = client.get(tab(case)).content.decode()
    assert 'id="form-needs"' in html and 'id="form-risk"' in html and 'id="form-who5"' not in html
    refused = answer(client, case, "risk", {"assessed_on": "2026-11-01", **RISK, "trafficker": "dire"})
    assert refused.status_code == 400 and "Select a valid choice" in refused.content.decode()
    refused = answer(client, case, "risk", {"assessed_on": "2026-11-01", **RISK, "community": ""})
    assert refused.status_code == 400 and "Answer this question." in refused.content.decode()
    assert not Assessment.objects.exists()
    first = answer(client, case, "risk", {"assessed_on": "01/11/2026", **RISK})
    assert first.status_code == 302
    second = answer(client, case, "risk", {"assessed_on": "01/12/2026", **RISK, "trafficker": "low"})
    latest = Assessment.objects.order_by("-assessed_on").first()
    assert second["Location"] == reverse("casework:assessment-detail", args=[case.pk, latest.pk])
    html = client.get(second["Location"]).content.decode()
    assert html.count('class="changed"') == 1 and 'id="score-delta"' in html and "(-2 " in html
    assert AuditEvent.objects.filter(object_type="casework.assessment", action=AuditAction.VIEW).count() == 2
    html = client.get(tab(case)).content.decode()
    assert "Assess again" in html and AuditEvent.objects.filter(action=AuditAction.LIST).exists()


def test_the_questions_are_asked_in_lao(people, case, settings):
    client = client_for(people.social_worker)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "lo"
    html = client.get(reverse("casework:assessment-new", args=[case.pk, "needs"]))
    assert "ທີ່ພັກອາໄສທີ່ປອດໄພ (ເຮືອນພັກ)" in html.content.decode()
    assert "Safe accommodation" not in html.content.decode()


def test_police_see_the_risk_form_never_needs_or_wellbeing(people, orgs, case):
    case_share(actor=people.social_worker, case=case, organisation=orgs.police, purpose="investigation")
    html = client_for(people.police).get(tab(case)).content.decode()
    assert 'id="form-risk"' in html and 'id="form-needs"' not in html and 'id="form-who5"' not in html
    response = client_for(people.police).get(reverse("casework:assessment-new", args=[case.pk, "risk"]))
    assert response.status_code == 403  # sees the case, does not work on it
    assert client_for(people.outsider).get(tab(case)).status_code == 404


def test_the_assigned_counsellor_answers_the_wellbeing_form(people):
    counselled = open_case(people.counsellor)
    client = client_for(people.counsellor)
    assert 'id="form-who5"' in client.get(tab(counselled)).content.decode()
    body = {"assessed_on": "02/12/2026"} | dict.fromkeys(
        ("cheerful", "calm", "active", "rested", "interest"), "at_no_time"
    )
    response = answer(client, counselled, "who5", body)
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "Likely depression" in html and Assessment.objects.get().score == 0


def test_an_administrator_adds_a_question_through_the_page(people, case):
    assert client_for(people.manager).get(reverse("casework:questionnaires")).status_code == 403
    client = client_for(people.admin)
    assert client.get(reverse("casework:questionnaires")).status_code == 200
    response = client.post(reverse("casework:questionnaire-draft", args=["risk"]))
    draft = QuestionnaireVersion.objects.get(questionnaire__code="risk", published_at__isnull=True)
    assert response["Location"] == reverse("casework:questionnaire-version", args=[draft.pk])
    page = reverse("casework:questionnaire-version", args=[draft.pk])
    question = {"code": "online", "text_en": "Contact through social media", "text_lo": "ການຕິດຕໍ່ຜ່ານສື່ສັງຄົມ",
                "answer": "choice", "required": "on"}  # fmt: skip
    refused = client.post(page, question | {"options": "none | None"})
    assert refused.status_code == 400 and "code | English | Lao | points" in refused.content.decode()
    refused = client.post(page, question | {"options": "none | None | ບໍ່ມີ | 0"})
    assert refused.status_code == 400 and "at least two answers" in refused.content.decode()
    options = "none | None | ບໍ່ມີ | 0\nsome | Some | ມີ | 2"
    assert client.post(page, question | {"options": options}).status_code == 302
    publish = reverse("casework:questionnaire-publish", args=[draft.pk])
    assert client.post(publish, {"note": ""}).status_code == 400
    assert client.post(publish, {"note": "Online contact asked"}).status_code == 302
    draft.refresh_from_db()
    assert not draft.is_draft and draft.questions.get(code="online").options[1]["score"] == 2
    html = client_for(people.social_worker).get(reverse("casework:assessment-new", args=[case.pk, "risk"]))
    assert "Contact through social media" in html.content.decode()
    assert client.post(page, question | {"options": options}).status_code == 409  # published: never changes


def test_the_api_records_lists_and_refuses_by_field(people, case, api):
    api.force_authenticate(people.social_worker)
    url = reverse("v1:assessment-list")
    refused = api.post(url, {"case": str(case.pk), "questionnaire": "risk", "assessed_on": "2026-11-01",
                             "answers": {**RISK, "trafficker": "dire"}}, format="json")  # fmt: skip
    assert refused.status_code == 400 and "trafficker" in refused.json()["errors"]
    unknown = api.post(url, {"case": str(case.pk), "questionnaire": "nope", "assessed_on": "2026-11-01",
                             "answers": RISK}, format="json")  # fmt: skip
    assert unknown.status_code == 400
    made = api.post(url, {"case": str(case.pk), "questionnaire": "risk", "assessed_on": "2026-11-01",
                          "answers": RISK}, format="json")  # fmt: skip
    assert made.status_code == 201 and made.json()["score"] == 7 and made.json()["version"] == 1
    listed = api.get(url, {"case": str(case.pk)}).json()
    assert [row["id"] for row in listed["results"]] == [made.json()["id"]]
    forms = api.get(reverse("v1:questionnaire-list")).json()
    assert {form["code"] for form in forms} == set(Questionnaire.objects.values_list("code", flat=True))
    api.force_authenticate(people.outsider)
    assert api.get(url, {"case": str(case.pk)}).json()["results"] == []
