"""The referral pages: create and send from a case (the consent check shown next to the consent,
nothing saved on a refusal), the inbox and the sent list, one referral with its history and the
status buttons of each side. The social worker's office (t-mlsw-vt) refers to LWU, where the
counsellor answers."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from casework.models import ServiceType
from referrals import services
from referrals.models import Referral
from tests.clients import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def case_person():
    return {"given_name_latin": "Dao", "family_name_latin": "Referred", "sex": "female", "estimated_age": 24}


@pytest.fixture
def counselling():
    return ServiceType.objects.get(code="counselling")


@pytest.fixture
def consent(people, orgs, case, counselling):
    return services.consent_record(
        actor=people.social_worker,
        case=case,
        recipient=orgs.lwu,
        data_categories=["identity"],
        service_types=[counselling],
        purpose="counselling",
        given_by="person",
    )


def form_data(orgs, counselling, consent=None, **extra):
    data = {
        "to_organisation": str(orgs.lwu.pk),
        "service_types": [counselling.pk],
        "urgency": "high",
        "reason": "Needs counselling after return",
        "shared_categories": ["identity"],
        "consent": str(consent.pk) if consent else "",
        "action": "send",
    }
    return {**data, **extra}


@pytest.fixture
def referral(people, orgs, case, consent, counselling):
    draft = services.referral_create(
        actor=people.social_worker,
        case=case,
        to_organisation=orgs.lwu,
        service_types=[counselling],
        urgency="routine",
        reason="counselling",
        shared_categories=["identity"],
        consent=consent,
    )
    return services.referral_send(actor=people.social_worker, referral=draft)


# --- Create and send -----------------------------------------------------------------------------
def test_a_worker_creates_and_sends_a_referral(people, orgs, case, consent, counselling):
    response = client_for(people.social_worker).post(
        reverse("referrals:create", args=[case.pk]), form_data(orgs, counselling, consent)
    )
    referral = Referral.objects.get(case=case)
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:detail", args=[referral.pk])
    assert (referral.status, referral.urgency, referral.consent) == ("sent", "high", consent)
    assert referral.acknowledge_due_at is not None


def test_saving_a_draft_sends_nothing(people, orgs, case, counselling):
    response = client_for(people.social_worker).post(
        reverse("referrals:create", args=[case.pk]), form_data(orgs, counselling, action="draft")
    )
    assert response.status_code == 302
    assert Referral.objects.get(case=case).status == "draft"


def test_sending_without_consent_is_refused_next_to_the_consent_and_saves_nothing(people, orgs, case, counselling):
    response = client_for(people.social_worker).post(
        reverse("referrals:create", args=[case.pk]), form_data(orgs, counselling)
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["consent"] == ["No consent is linked to this referral."]
    assert form["reason"].value() == "Needs counselling after return"  # kept as typed
    assert not Referral.objects.exists()


def test_a_consent_not_covering_a_category_is_named_next_to_the_categories(people, orgs, case, consent, counselling):
    data = form_data(orgs, counselling, consent, shared_categories=["identity", "contact"])
    response = client_for(people.social_worker).post(reverse("referrals:create", args=[case.pk]), data)
    assert response.status_code == 400
    assert response.context["form"].errors["shared_categories"] == [
        "The consent does not cover these data categories: Phone and contact details."
    ]
    assert response.context["form"]["shared_categories"].value() == ["identity", "contact"]
    assert not Referral.objects.exists()


def test_the_services_own_checks_reach_their_fields(people, orgs, case, counselling):
    data = form_data(orgs, counselling, service_types=[], reason="", action="draft")
    response = client_for(people.social_worker).post(reverse("referrals:create", args=[case.pk]), data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["service_types"] == ["Choose at least one service."]
    assert errors["reason"] == ["This field is required."]
    assert not Referral.objects.exists()


@pytest.mark.parametrize(("persona", "status"), [("outsider", 404), ("counsellor", 404), ("manager", 403)])
def test_who_may_not_refer_from_the_case(people, orgs, case, counselling, consent, persona, status):
    client = client_for(getattr(people, persona))
    url = reverse("referrals:create", args=[case.pk])
    assert client.get(url).status_code == status
    assert client.post(url, form_data(orgs, counselling, consent)).status_code == status
    assert not Referral.objects.exists()


# --- Inbox and sent list --------------------------------------------------------------------------
def test_the_receiver_sees_the_referral_in_the_inbox_with_what_is_disclosed(
    people, referral, django_assert_max_num_queries
):
    client = client_for(people.counsellor)
    client.get(reverse("referrals:inbox"))
    before = AuditEvent.objects.filter(object_id=str(referral.pk)).count()
    with django_assert_max_num_queries(16):
        response = client.get(reverse("referrals:inbox"))
    html = response.content.decode()
    assert response.status_code == 200
    assert referral.case.person.case_code in html and "Dao Referred" in html
    assert AuditEvent.objects.filter(object_id=str(referral.pk)).count() == before + 1


def test_the_inbox_filters_by_status_and_is_empty_for_the_sender(people, referral):
    assert [r.pk for r, _ in client_for(people.counsellor).get(reverse("referrals:inbox")).context["rows"]] == [
        referral.pk
    ]
    filtered = client_for(people.counsellor).get(reverse("referrals:inbox"), {"status": "completed"})
    assert filtered.context["rows"] == []
    assert client_for(people.social_worker).get(reverse("referrals:inbox")).context["rows"] == []


def test_the_sent_list_shows_my_organisations_referrals_without_names(people, referral):
    response = client_for(people.social_worker).get(reverse("referrals:sent"))
    html = response.content.decode()
    assert referral.case.person.case_code in html and "Dao" not in html
    assert client_for(people.counsellor).get(reverse("referrals:sent")).context["page"].object_list.count() == 0


# --- One referral and its buttons -----------------------------------------------------------------
def act(client, referral, action, text=None):
    data = {} if text is None else {f"{action}-text": text}
    return client.post(reverse("referrals:act", args=[referral.pk, action]), data)


def test_the_receiver_acknowledges_accepts_starts_and_completes(people, referral):
    client = client_for(people.counsellor)
    page = client.get(reverse("referrals:detail", args=[referral.pk]))
    assert page.status_code == 200
    assert [a.name for a, _ in page.context["actions"]] == ["acknowledge", "accept", "decline"]
    assert "Dao Referred" in page.content.decode()
    for action, status in (("acknowledge", "acknowledged"), ("accept", "accepted"), ("start", "in_progress")):
        assert act(client, referral, action, "").status_code == 302
        referral.refresh_from_db()
        assert referral.status == status
    assert act(client, referral, "complete", "Six sessions held").status_code == 302
    referral.refresh_from_db()
    assert (referral.status, referral.outcome) == ("completed", "Six sessions held")
    history = client.get(reverse("referrals:detail", args=[referral.pk])).context["history"]
    assert [label for _, label in history] == ["Sent", "Acknowledged", "Accepted", "In progress", "Completed"]


def test_declining_without_a_reason_is_refused_next_to_the_reason(people, referral):
    response = act(client_for(people.counsellor), referral, "decline", "  ")
    assert response.status_code == 400
    forms = {action.name: form for action, form in response.context["actions"]}
    assert forms["decline"].errors["text"] == ["This field is required."]
    referral.refresh_from_db()
    assert referral.status == "sent"


def test_completing_needs_an_outcome(people, referral):
    client = client_for(people.counsellor)
    for action in ("accept", "start"):
        act(client, referral, action, "")
    response = act(client, referral, "complete", "")
    assert response.status_code == 400
    referral.refresh_from_db()
    assert referral.status == "in_progress"


def test_a_button_not_allowed_now_is_refused(people, referral):
    response = act(client_for(people.counsellor), referral, "start")
    assert response.status_code == 400
    assert "Not allowed from the current status." in response.content.decode()


def test_the_sender_withdraws_and_the_receiver_may_not(people, referral):
    page = client_for(people.social_worker).get(reverse("referrals:detail", args=[referral.pk]))
    assert [a.name for a, _ in page.context["actions"]] == ["withdraw"]
    assert "Dao" not in page.content.decode()  # the sender's page shows the case code, not the person
    assert act(client_for(people.counsellor), referral, "withdraw", "no").status_code == 403
    assert act(client_for(people.social_worker), referral, "withdraw", "").status_code == 400
    assert act(client_for(people.social_worker), referral, "withdraw", "Family took her home").status_code == 302
    referral.refresh_from_db()
    assert referral.status == "withdrawn"


def test_a_draft_is_sent_from_its_page(people, orgs, case, consent, counselling):
    client = client_for(people.social_worker)
    client.post(reverse("referrals:create", args=[case.pk]), form_data(orgs, counselling, consent, action="draft"))
    draft = Referral.objects.get(case=case)
    assert act(client, draft, "send").status_code == 302
    draft.refresh_from_db()
    assert draft.status == "sent"


@pytest.mark.parametrize("persona", ["outsider", "statistician", "partner", "shelter_staff"])
def test_a_referral_out_of_sight_is_404(people, referral, persona):
    client = client_for(getattr(people, persona))
    assert client.get(reverse("referrals:detail", args=[referral.pk])).status_code == 404
    assert act(client, referral, "acknowledge").status_code == 404
    referral.refresh_from_db()
    assert referral.status == "sent"


def test_an_unknown_button_is_404(people, referral):
    assert act(client_for(people.counsellor), referral, "explode").status_code == 404
