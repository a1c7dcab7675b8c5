"""The consent pages: the case page's Consent tab, recording a consent (a child's by a guardian or
a best-interest decision), withdrawing one, and the referral form offering the consents that fit
and naming the one that is missing. Same gates and messages as the staff API; a refusal saves
nothing. The social worker's office (t-mlsw-vt) asks consent to share with LWU and the NGO."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditAction, AuditEvent
from casework.models import CaseEvent, ServiceType
from casework.services import cases
from referrals.models import Consent, Referral
from tests.clients import client_for
from tests.referrals import child_case, consent_for, guardian_of

pytestmark = pytest.mark.django_db
MISSING = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def case_person():
    return {"given_name_latin": "Dao", "family_name_latin": "Consenting", "sex": "female", "estimated_age": 24}


@pytest.fixture
def counselling():
    return ServiceType.objects.get(code="counselling")


def consent_data(orgs, counselling, **extra):
    data = {
        "recipient": str(orgs.lwu.pk),
        "data_categories": ["identity", "case_summary"],
        "service_types": [str(counselling.pk)],
        "purpose": "Counselling after return",
        "given_by": "person",
        "guardian": "",
        "best_interest_reason": "",
        "given_on": "",
        "valid_until": "",
    }
    return {**data, **extra}


def tab(client, case):
    return client.get(reverse("casework:case-detail", args=[case.pk]) + "?tab=consents")


def answer(response):
    """Status and page, without the per-request CSRF token and the address (the language form's `next`)."""
    return response.status_code, re.sub(rb'(name="(csrfmiddlewaretoken|next)".*?value=)"[^"]+"', b"", response.content)


# --- The tab -----------------------------------------------------------------------------------------
def test_the_tab_shows_each_consent_in_words_never_codes(
    people, orgs, case, counselling, django_assert_max_num_queries
):
    consent_for(
        people.social_worker, case, orgs.lwu, categories=("identity", "case_summary"), requested=("counselling",)
    )
    withdrawn = consent_for(people.social_worker, case, orgs.ngo, requested=("shelter",))
    client_for(people.social_worker).post(reverse("referrals:consent-withdraw", args=[withdrawn.pk]), {"note": "x"})
    client = client_for(people.social_worker)
    with django_assert_max_num_queries(20):
        response = tab(client, case)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Category and form of exploitation" in page and "Name, sex and age" in page
    assert "case_summary" not in page
    assert "Mental health and counselling" in page
    assert "In force" in page and "Withdrawn" in page
    assert reverse("referrals:consent-create", args=[case.pk]) in page
    assert page.count("Withdraw this consent") == 1  # the one still in force


def test_the_tab_lists_a_page_of_consents_in_a_fixed_number_of_queries(
    people, orgs, case, counselling, django_assert_max_num_queries
):
    for _ in range(3):
        consent_for(people.social_worker, case, orgs.lwu, requested=("counselling",))
    client = client_for(people.social_worker)
    tab(client, case)  # the session's first request writes it
    with django_assert_max_num_queries(20) as few:
        tab(client, case)
    for _ in range(10):
        consent_for(people.social_worker, case, orgs.lwu, requested=("counselling",))
    with django_assert_max_num_queries(len(few.captured_queries)):
        tab(client, case)


def test_the_tab_in_lao_labels_the_categories_in_lao(people, orgs, case):
    consent_for(people.social_worker, case, orgs.lwu, categories=("case_summary",), requested=("counselling",))
    client = client_for(people.social_worker)
    client.post(reverse("set_language"), {"language": "lo", "next": "/"})
    page = tab(client, case).content.decode()
    assert "ປະເພດ ແລະ ຮູບແບບການຂູດຮີດ" in page and "ມີຜົນບັງຄັບໃຊ້" in page  # the category; "In force"
    assert "case_summary" not in page and "Category and form of exploitation" not in page


def test_police_read_a_consent_about_health_without_its_health_content(people, orgs, case):
    cases.case_share(actor=people.social_worker, case=case, organisation=orgs.police, purpose="investigation")
    consent_for(
        people.social_worker,
        case,
        orgs.lwu,
        categories=("identity", "health"),
        requested=("medical_care", "legal_aid"),
        purpose="Treatment of injuries",
    )
    worker = tab(client_for(people.social_worker), case).content.decode()
    assert "Health needs" in worker and "Treatment of injuries" in worker
    police = tab(client_for(people.police), case).content.decode()
    assert "Name, sex and age" in police
    assert "Health needs" not in police and "Medical care" not in police and "Treatment of injuries" not in police
    assert "Health details of this consent are not shown to you." in police
    assert "Withdraw this consent" not in police and "Record a consent" not in police


# --- Record ------------------------------------------------------------------------------------------
def test_a_worker_records_a_consent_and_it_is_audited(people, orgs, case, counselling):
    response = client_for(people.social_worker).post(
        reverse("referrals:consent-create", args=[case.pk]),
        consent_data(orgs, counselling, valid_until=(timezone.localdate() + timedelta(days=90)).isoformat()),
    )
    assert response.status_code == 302
    assert response["Location"].endswith("?tab=consents")
    consent = Consent.objects.get(case=case)
    assert (consent.recipient, consent.data_categories, consent.given_by) == (
        orgs.lwu,
        ["case_summary", "identity"],
        "person",
    )
    assert list(consent.service_types.all()) == [counselling]
    # Valid through the 90th day: it ends at the start of the next one, in Laos' time.
    ends = timezone.localtime(consent.expires_at)
    assert (ends.date(), ends.hour, ends.minute) == (timezone.localdate() + timedelta(days=91), 0, 0)
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="referrals.consent", object_id=str(consent.pk)
    ).exists()
    assert CaseEvent.objects.filter(case=case, kind="consent_recorded").exists()
    shown = tab(client_for(people.social_worker), case).content.decode()
    assert (timezone.localdate() + timedelta(days=90)).strftime("%d/%m/%Y") in shown


def test_an_empty_form_is_told_every_missing_field_and_saves_nothing(people, case):
    response = client_for(people.social_worker).post(reverse("referrals:consent-create", args=[case.pk]), {})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["recipient"] == ["Choose an active organisation."]
    assert errors["data_categories"] == ["Choose at least one category of data."]
    assert errors["service_types"] == ["Choose at least one service."]
    assert errors["purpose"] == ["This field is required."]
    assert errors["given_by"] == ["Say who gave the consent."]
    assert not Consent.objects.exists()


def test_bad_dates_are_refused_next_to_their_fields(people, orgs, case, counselling):
    today = timezone.localdate()
    client = client_for(people.social_worker)
    url = reverse("referrals:consent-create", args=[case.pk])
    future = client.post(url, consent_data(orgs, counselling, given_on=(today + timedelta(days=2)).isoformat()))
    assert future.status_code == 400
    assert future.context["form"].errors["given_on"] == ["This date is in the future."]
    backwards = client.post(
        url,
        consent_data(
            orgs,
            counselling,
            given_on=(today - timedelta(days=10)).isoformat(),
            valid_until=(today - timedelta(days=20)).isoformat(),
        ),
    )
    assert backwards.status_code == 400
    assert backwards.context["form"].errors["valid_until"] == ["The consent must expire after it was given."]
    nonsense = client.post(url, consent_data(orgs, counselling, given_on="31/02/2026"))
    assert nonsense.status_code == 400 and "given_on" in nonsense.context["form"].errors
    assert not Consent.objects.exists()


@pytest.fixture
def child(people):
    return child_case(people.social_worker)


def test_a_child_cannot_consent_for_themselves(people, orgs, child, counselling):
    response = client_for(people.social_worker).post(
        reverse("referrals:consent-create", args=[child.pk]), consent_data(orgs, counselling)
    )
    assert response.status_code == 400
    assert response.context["form"].errors["given_by"] == [
        "The person is a child on this date: a guardian consents, or a best-interest decision is recorded."
    ]
    assert not Consent.objects.exists()


def test_a_childs_consent_without_the_guardian_is_refused_next_to_the_guardian(people, orgs, child, counselling):
    guardian_of(people.social_worker, child.person)
    response = client_for(people.social_worker).post(
        reverse("referrals:consent-create", args=[child.pk]), consent_data(orgs, counselling, given_by="guardian")
    )
    assert response.status_code == 400
    assert response.context["form"].errors["guardian"] == ["Name the guardian who consented."]
    assert not Consent.objects.exists()


def test_a_best_interest_decision_without_its_reason_is_refused_next_to_the_reason(people, orgs, child, counselling):
    response = client_for(people.social_worker).post(
        reverse("referrals:consent-create", args=[child.pk]),
        consent_data(orgs, counselling, given_by="best_interest"),
    )
    assert response.status_code == 400
    assert response.context["form"].errors["best_interest_reason"] == [
        "Say why sharing is in the child's best interest."
    ]
    assert not Consent.objects.exists()


def test_a_guardian_records_a_childs_consent_chosen_from_the_family(people, orgs, child, counselling):
    mother = guardian_of(people.social_worker, child.person)
    aunt = guardian_of(people.social_worker, child.person, is_guardian=False)
    client = client_for(people.social_worker)
    url = reverse("referrals:consent-create", args=[child.pk])
    form = client.get(url).context["form"]
    assert list(form.fields["guardian"].queryset) == [mother]  # guardians only
    assert form.initial["given_by"] == "guardian"
    not_a_guardian = client.post(url, consent_data(orgs, counselling, given_by="guardian", guardian=str(aunt.pk)))
    assert not_a_guardian.status_code == 400 and "guardian" in not_a_guardian.context["form"].errors
    response = client.post(url, consent_data(orgs, counselling, given_by="guardian", guardian=str(mother.pk)))
    assert response.status_code == 302
    assert Consent.objects.get().guardian == mother


@pytest.mark.parametrize("who", ["outsider", "counsellor"])
def test_a_case_out_of_scope_is_the_same_404_as_a_missing_one(people, orgs, case, counselling, who):
    client = client_for(getattr(people, who))
    for method in ("get", "post"):
        stranger = getattr(client, method)(
            reverse("referrals:consent-create", args=[case.pk]), consent_data(orgs, counselling)
        )
        missing = getattr(client, method)(
            reverse("referrals:consent-create", args=[MISSING]), consent_data(orgs, counselling)
        )
        assert answer(stranger) == answer(missing)
        assert stranger.status_code == 404
    assert not Consent.objects.exists()


def test_a_manager_who_sees_the_case_may_not_record_its_consent(people, orgs, case, counselling):
    response = client_for(people.manager).post(
        reverse("referrals:consent-create", args=[case.pk]), consent_data(orgs, counselling)
    )
    assert response.status_code == 403
    assert not Consent.objects.exists()


# --- Withdraw ----------------------------------------------------------------------------------------
@pytest.fixture
def consent(people, orgs, case):
    return consent_for(people.social_worker, case, orgs.lwu, requested=("counselling",))


def test_a_worker_withdraws_a_consent_with_a_reason(people, consent):
    client = client_for(people.social_worker)
    url = reverse("referrals:consent-withdraw", args=[consent.pk])
    assert "Withdraw the consent" in client.get(url).content.decode()
    response = client.post(url, {"note": "She changed her mind"})
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None and consent.withdrawal_note == "She changed her mind"
    assert consent.withdrawn_by == people.social_worker
    assert AuditEvent.objects.filter(
        action=AuditAction.UPDATE, object_type="referrals.consent", object_id=str(consent.pk), fields=["withdrawn_at"]
    ).exists()
    again = client.post(url, {"note": "twice"})
    assert again.status_code == 409
    assert "This consent was already withdrawn." in again.content.decode()
    consent.refresh_from_db()
    assert consent.withdrawal_note == "She changed her mind"


def test_the_cases_manager_may_withdraw_too(people, consent):
    response = client_for(people.manager).post(reverse("referrals:consent-withdraw", args=[consent.pk]), {})
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_by == people.manager


def test_a_reason_too_long_is_refused_next_to_it(people, consent):
    response = client_for(people.social_worker).post(
        reverse("referrals:consent-withdraw", args=[consent.pk]), {"note": "x" * 4001}
    )
    assert response.status_code == 400
    assert "note" in response.context["form"].errors
    consent.refresh_from_db()
    assert consent.withdrawn_at is None


@pytest.mark.parametrize("who", ["outsider", "counsellor"])
def test_a_consent_out_of_scope_is_the_same_404_as_a_missing_one(people, consent, who):
    client = client_for(getattr(people, who))
    for method in ("get", "post"):
        stranger = getattr(client, method)(reverse("referrals:consent-withdraw", args=[consent.pk]))
        missing = getattr(client, method)(reverse("referrals:consent-withdraw", args=[MISSING]))
        assert answer(stranger) == answer(missing)
        assert stranger.status_code == 404
    consent.refresh_from_db()
    assert consent.withdrawn_at is None


# --- The referral form offers the consents that fit ------------------------------------------------------
def referral_data(orgs, counselling, **extra):
    data = {
        "to_organisation": str(orgs.lwu.pk),
        "service_types": [str(counselling.pk)],
        "urgency": "routine",
        "reason": "Needs counselling",
        "shared_categories": ["identity", "case_summary"],
        "consent": "",
        "action": "check",
    }
    return {**data, **extra}


def test_checking_names_the_missing_consent_and_links_to_record_it(people, orgs, case, counselling):
    consent_for(people.social_worker, case, orgs.ngo, requested=("counselling",))  # another recipient
    response = client_for(people.social_worker).post(
        reverse("referrals:create", args=[case.pk]), referral_data(orgs, counselling)
    )
    assert response.status_code == 200
    assert not Referral.objects.exists()  # a check saves nothing
    assert list(response.context["form"].fields["consent"].queryset) == []
    missing = response.context["missing"]
    assert missing["categories"] == ["Name, sex and age", "Category and form of exploitation"]
    assert missing["services"] == ["Mental health and counselling"]
    query = parse_qs(urlsplit(missing["url"]).query)
    assert query == {
        "recipient": [str(orgs.lwu.pk)],
        "data_categories": ["identity", "case_summary"],
        "service_types": [str(counselling.pk)],
        "for": ["referral"],
    }
    page = response.content.decode()
    assert "No consent in force lets" in page and "Record this consent" in page


def test_recording_the_missing_consent_goes_back_to_the_referral_with_it_chosen(people, orgs, case, counselling):
    client = client_for(people.social_worker)
    check = client.post(reverse("referrals:create", args=[case.pk]), referral_data(orgs, counselling))
    link = check.context["missing"]["url"]
    form = client.get(link).context["form"]
    assert form.initial["recipient"] == orgs.lwu
    assert form.initial["data_categories"] == ["identity", "case_summary"]
    recorded = client.post(link, consent_data(orgs, counselling))
    consent = Consent.objects.get()
    back = client.get(recorded["Location"])
    offered = back.context["form"].fields["consent"].queryset
    assert list(offered) == [consent]
    assert back.context["form"]["consent"].value() == consent.pk
    assert back.context["missing"] is None
    sent = client.post(
        reverse("referrals:create", args=[case.pk]),
        referral_data(orgs, counselling, consent=str(consent.pk), action="send"),
    )
    assert sent.status_code == 302
    assert Referral.objects.get().status == "sent"


def test_only_the_consents_that_cover_the_referral_are_offered(people, orgs, case, counselling):
    fits = consent_for(
        people.social_worker, case, orgs.lwu, categories=("identity", "case_summary"), requested=("counselling",)
    )
    consent_for(people.social_worker, case, orgs.lwu, categories=("identity",), requested=("counselling",))
    consent_for(people.social_worker, case, orgs.ngo, requested=("counselling",))
    response = client_for(people.social_worker).post(
        reverse("referrals:create", args=[case.pk]), referral_data(orgs, counselling)
    )
    assert list(response.context["form"].fields["consent"].queryset) == [fits]
    assert response.context["missing"] is None


def test_the_receiver_reads_the_consent_state_and_the_shared_data_in_words(people, orgs, case, counselling):
    consent = consent_for(
        people.social_worker, case, orgs.lwu, categories=("identity", "case_summary"), requested=("counselling",)
    )
    client = client_for(people.social_worker)
    client.post(
        reverse("referrals:create", args=[case.pk]),
        referral_data(orgs, counselling, consent=str(consent.pk), action="send"),
    )
    referral = Referral.objects.get()
    sender = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "Name, sex and age; Category and form of exploitation" in sender and "case_summary" not in sender
    receiver = client_for(people.counsellor).get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "Consent: In force" in receiver
    client.post(reverse("referrals:consent-withdraw", args=[consent.pk]), {"note": "changed her mind"})
    receiver = client_for(people.counsellor).get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "Consent: Withdrawn" in receiver
