"""Consent per disclosure (docs/design/access.md: Consent): who may give it for a child, withdrawal that
takes effect at once, expiry, and the coverage check that refuses to send a referral, with one
message for each thing the consent lacks."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import AuditEvent, User
from casework.models import CaseEvent, Person
from casework.services.cases import case_closure_approve, case_closure_request
from core.errors import ApplicationError, Conflict, NotFound, PermissionDenied
from referrals import selectors, services
from referrals.models import Consent, Referral, ReferralEvent
from tests.concurrency import run_concurrently
from tests.referrals import (
    ADULT,
    adult_case,
    child_case,
    consent_for,
    draft_for,
    guardian_of,
    sent_for,
    years_ago,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def case_person():
    return ADULT


@pytest.fixture
def child(people):
    return child_case(people.social_worker)


def refused(excinfo):
    return excinfo.value.fields


# --- Recording -------------------------------------------------------------------------------------
def test_an_adult_consents_for_themselves_and_the_timeline_carries_codes_only(people, orgs, case):
    consent = consent_for(
        people.social_worker, case, orgs.ngo, categories=("identity", "contact"), purpose="secret purpose text"
    )
    assert (consent.person, consent.case, consent.recipient) == (case.person, case, orgs.ngo)
    assert consent.data_categories == ["contact", "identity"]
    assert [service.code for service in consent.service_types.all()] == ["shelter"]
    assert consent.recorded_by == people.social_worker
    event = CaseEvent.objects.get(case=case, kind="consent_recorded")
    assert event.data == {
        "consent": str(consent.pk),
        "recipient": "t-ngo",
        "categories": ["contact", "identity"],
        "services": ["shelter"],
        "given_by": "person",
    }
    assert "secret" not in str(event.data)
    assert AuditEvent.objects.filter(object_type="referrals.consent", object_id=str(consent.pk), action="create")


def test_an_adult_is_not_consented_for_by_a_guardian_or_a_best_interest_decision(people, orgs, case):
    guardian = guardian_of(people.social_worker, case.person)
    with pytest.raises(ApplicationError) as excinfo:
        consent_for(people.social_worker, case, orgs.ngo, given_by="guardian", guardian=guardian)
    assert refused(excinfo) == {"given_by": ["The person is an adult on this date and gives their own consent."]}
    with pytest.raises(ApplicationError) as excinfo:
        consent_for(people.social_worker, case, orgs.ngo, given_by="best_interest", best_interest_reason="safety")
    assert set(refused(excinfo)) == {"given_by"}


def test_a_child_cannot_consent_alone(people, orgs, child):
    with pytest.raises(ApplicationError) as excinfo:
        consent_for(people.social_worker, child, orgs.ngo, given_by="person")
    assert set(refused(excinfo)) == {"given_by"}
    assert "child" in refused(excinfo)["given_by"][0]
    assert not Consent.objects.exists()


def test_a_childs_guardian_must_be_a_recorded_guardian_of_that_child(people, orgs, child):
    with pytest.raises(ApplicationError) as excinfo:
        consent_for(people.social_worker, child, orgs.ngo, given_by="guardian")
    assert refused(excinfo) == {"guardian": ["Name the guardian who consented."]}
    aunt = guardian_of(people.social_worker, child.person, is_guardian=False)
    with pytest.raises(ApplicationError) as excinfo:
        consent_for(people.social_worker, child, orgs.ngo, given_by="guardian", guardian=aunt)
    assert refused(excinfo) == {"guardian": ["Choose a guardian recorded in this person's family."]}
    other_child = child_case(people.social_worker)
    strangers_mother = guardian_of(people.social_worker, other_child.person)
    with pytest.raises(ApplicationError) as excinfo:
        consent_for(people.social_worker, child, orgs.ngo, given_by="guardian", guardian=strangers_mother)
    assert set(refused(excinfo)) == {"guardian"}
    mother = guardian_of(people.social_worker, child.person)
    consent = consent_for(people.social_worker, child, orgs.ngo, given_by="guardian", guardian=mother)
    assert (consent.given_by, consent.guardian) == ("guardian", mother)


def test_a_best_interest_decision_needs_its_reason(people, orgs, child):
    with pytest.raises(ApplicationError) as excinfo:
        consent_for(people.social_worker, child, orgs.ngo, given_by="best_interest")
    assert refused(excinfo) == {"best_interest_reason": ["Say why sharing is in the child's best interest."]}
    consent = consent_for(
        people.social_worker, child, orgs.ngo, given_by="best_interest", best_interest_reason="no guardian reachable"
    )
    assert consent.best_interest_reason == "no guardian reachable"


def test_the_age_that_counts_is_the_age_on_the_consent_date(people, orgs):
    """Eighteen ten days ago: a consent dated before the birthday follows the child rule."""
    case = adult_case(people.social_worker, date_of_birth=years_ago(18, days=10))
    before_birthday = timezone.now() - timedelta(days=20)
    with pytest.raises(ApplicationError) as excinfo:
        consent_for(people.social_worker, case, orgs.ngo, given_at=before_birthday)
    assert set(refused(excinfo)) == {"given_by"}
    assert consent_for(people.social_worker, case, orgs.ngo).given_by == "person"


def test_an_unknown_age_is_treated_as_a_child(people, orgs, case):
    """Presumption of minority: until an age or an estimate is recorded, an adult-style consent
    is refused."""
    Person.objects.filter(pk=case.person_id).update(date_of_birth=None, estimated_age=None)
    case.person.refresh_from_db()
    with pytest.raises(ApplicationError) as excinfo:
        consent_for(people.social_worker, case, orgs.ngo)
    assert set(refused(excinfo)) == {"given_by"}


def test_each_missing_or_wrong_field_has_its_own_message(people, orgs, case):
    now = timezone.now()
    with pytest.raises(ApplicationError) as excinfo:
        services.consent_record(
            actor=people.social_worker,
            case=case,
            recipient=orgs.ngo,
            data_categories=[],
            service_types=[],
            purpose="  ",
            given_by="person",
            given_at=now + timedelta(days=1),
            expires_at=now,
        )
    assert set(refused(excinfo)) == {"data_categories", "service_types", "purpose", "given_at", "expires_at"}
    with pytest.raises(ApplicationError) as excinfo:
        consent_for(people.social_worker, case, orgs.ngo, categories=("identity", "bank_account"))
    assert refused(excinfo) == {"data_categories": ["Unknown data category."]}
    assert not Consent.objects.exists()


def test_only_staff_who_may_change_the_case_record_consent(people, orgs, case):
    with pytest.raises(PermissionDenied):
        consent_for(people.manager, case, orgs.ngo)  # sees the case, does not work it
    for persona in (people.outsider, people.partner, people.admin):
        with pytest.raises(NotFound):
            consent_for(persona, case, orgs.ngo)


# --- Withdrawal ------------------------------------------------------------------------------------
def test_withdrawal_stops_sending_at_once(people, orgs, case):
    consent = consent_for(people.social_worker, case, orgs.ngo)
    draft = draft_for(people.social_worker, case, orgs.ngo, consent=consent)
    withdrawn = services.consent_withdraw(actor=people.social_worker, consent=consent, note="changed her mind")
    assert withdrawn.withdrawn_at is not None and withdrawn.withdrawn_by == people.social_worker
    with pytest.raises(ApplicationError) as excinfo:
        services.referral_send(actor=people.social_worker, referral=draft)
    assert refused(excinfo) == {"consent": [f"The consent was withdrawn on {timezone.localdate()}."]}
    event = CaseEvent.objects.get(case=case, kind="consent_withdrawn")
    assert "changed" not in str(event.data)


def test_withdrawal_makes_sent_referrals_reappear_in_the_pull_without_tier_two(people, orgs, case):
    consent = consent_for(people.social_worker, case, orgs.ngo, categories=("identity", "contact"))
    referral = sent_for(people.social_worker, case, orgs.ngo, consent=consent, categories=("identity", "contact"))
    seen = referral.change_seq
    assert list(selectors.partner_referrals(organisation=orgs.ngo, after_seq=seen)) == []
    assert "identity" in selectors.disclosure(referral)

    services.consent_withdraw(actor=people.social_worker, consent=consent)

    pulled = list(selectors.partner_referrals(organisation=orgs.ngo, after_seq=seen))
    assert pulled == [referral]
    data = selectors.disclosure(pulled[0])
    assert (data["consent_status"], data["disclosed_categories"]) == ("withdrawn", [])
    assert "identity" not in data and "contact" not in data
    assert ReferralEvent.objects.filter(referral=referral, kind="consent_withdrawn").count() == 1


def test_a_consent_is_withdrawn_once(people, orgs, case):
    consent = consent_for(people.social_worker, case, orgs.ngo)
    services.consent_withdraw(actor=people.social_worker, consent=consent)
    with pytest.raises(Conflict):
        services.consent_withdraw(actor=people.social_worker, consent=consent)


def test_a_manager_records_a_withdrawal_after_the_case_is_closed(people, orgs, case):
    """The person's right to withdraw outlives the case; its workers can no longer change it."""
    consent = consent_for(people.social_worker, case, orgs.ngo)
    case_closure_request(actor=people.social_worker, case=case, reason="reintegrated")
    case_closure_approve(actor=people.manager, case=case)
    with pytest.raises(PermissionDenied):
        services.consent_withdraw(actor=people.social_worker, consent=consent)
    assert services.consent_withdraw(actor=people.manager, consent=consent).withdrawn_by == people.manager
    with pytest.raises(NotFound):
        services.consent_withdraw(actor=people.outsider, consent=consent)


# --- Expiry ----------------------------------------------------------------------------------------
def test_an_expired_consent_covers_nothing(people, orgs, case):
    now = timezone.now()
    consent = consent_for(
        people.social_worker, case, orgs.ngo, given_at=now - timedelta(days=30), expires_at=now - timedelta(days=1)
    )
    draft = draft_for(people.social_worker, case, orgs.ngo, consent=consent)
    with pytest.raises(ApplicationError) as excinfo:
        services.referral_send(actor=people.social_worker, referral=draft)
    expired_on = timezone.localdate(now - timedelta(days=1))
    assert refused(excinfo) == {"consent": [f"The consent expired on {expired_on}."]}


def test_expiry_ends_the_disclosure_and_is_told_to_the_partner_once(people, orgs, case):
    expires = timezone.now() + timedelta(days=10)
    consent = consent_for(people.social_worker, case, orgs.ngo, expires_at=expires)
    referral = sent_for(people.social_worker, case, orgs.ngo, consent=consent)
    assert "identity" in selectors.disclosure(referral, now=expires - timedelta(seconds=1))
    after = selectors.disclosure(referral, now=expires)
    assert (after["consent_status"], after["disclosed_categories"]) == ("expired", [])
    assert "identity" not in after

    assert services.consent_expiry_record(now=expires - timedelta(seconds=1)) == 0
    assert services.consent_expiry_record(now=expires) == 1
    assert services.consent_expiry_record(now=expires) == 0
    assert ReferralEvent.objects.filter(referral=referral, kind="consent_expired").count() == 1


# --- Coverage: what sending checks -----------------------------------------------------------------
def send_refusal(people, referral):
    with pytest.raises(ApplicationError) as excinfo:
        services.referral_send(actor=people.social_worker, referral=referral)
    assert excinfo.value.status_code == 400
    return excinfo.value


def test_no_consent_no_sending(people, orgs, case):
    error = send_refusal(people, draft_for(people.social_worker, case, orgs.ngo))
    assert error.fields == {"consent": ["No consent is linked to this referral."]}
    assert error.message == "No consent is linked to this referral."


def test_a_consent_for_another_recipient_does_not_cover(people, orgs, case):
    consent = consent_for(people.social_worker, case, orgs.ngo_other)
    error = send_refusal(people, draft_for(people.social_worker, case, orgs.ngo, consent=consent))
    assert error.fields == {"consent": ["The consent does not name the receiving organisation as recipient."]}


def test_a_category_the_consent_lacks_is_named(people, orgs, case):
    consent = consent_for(people.social_worker, case, orgs.ngo, categories=("identity",))
    referral = draft_for(
        people.social_worker, case, orgs.ngo, consent=consent, categories=("identity", "contact", "health")
    )
    error = send_refusal(people, referral)
    # In words, never codes (the page shows this message next to the categories).
    assert error.fields == {
        "shared_categories": [
            "The consent does not cover these data categories: Phone and contact details; Health needs."
        ]
    }


def test_a_service_the_consent_lacks_is_named(people, orgs, case):
    consent = consent_for(people.social_worker, case, orgs.ngo, requested=("shelter",))
    referral = draft_for(people.social_worker, case, orgs.ngo, consent=consent, requested=("shelter", "legal_aid"))
    error = send_refusal(people, referral)
    assert error.fields == {
        "service_types": ["The consent does not cover these services: Legal aid and court accompaniment."]
    }


def test_several_gaps_are_all_named_in_one_answer(people, orgs, case):
    consent = consent_for(people.social_worker, case, orgs.ngo)
    referral = draft_for(
        people.social_worker, case, orgs.ngo, consent=consent, categories=("origin",), requested=("education",)
    )
    error = send_refusal(people, referral)
    assert set(error.fields) == {"shared_categories", "service_types"}
    assert "Province, district and village of origin" in error.message and "Education" in error.message


def test_a_consent_of_another_person_cannot_be_linked(people, orgs, case):
    other = adult_case(people.social_worker)
    consent = consent_for(people.social_worker, other, orgs.ngo)
    with pytest.raises(ApplicationError) as excinfo:
        draft_for(people.social_worker, case, orgs.ngo, consent=consent)
    assert refused(excinfo) == {"consent": ["The consent was given for another person."]}


def test_a_childs_referral_needs_a_guardian_or_best_interest_consent(people, orgs, case):
    """A consent the person gave as an adult stops covering when the record turns out to be a
    child's (a corrected birth date): sending is refused, and says why."""
    consent = consent_for(people.social_worker, case, orgs.ngo)
    draft = draft_for(people.social_worker, case, orgs.ngo, consent=consent)
    Person.objects.filter(pk=case.person_id).update(date_of_birth=years_ago(12))
    draft.case.person.refresh_from_db()
    error = send_refusal(people, draft)
    assert error.fields == {
        "consent": ["The person is a child: the consent must come from a guardian or a best-interest decision."]
    }


def test_a_covering_guardian_consent_sends_a_childs_referral(people, orgs, child):
    mother = guardian_of(people.social_worker, child.person)
    consent = consent_for(people.social_worker, child, orgs.ngo, given_by="guardian", guardian=mother)
    referral = services.referral_send(
        actor=people.social_worker, referral=draft_for(people.social_worker, child, orgs.ngo, consent=consent)
    )
    assert referral.status == "sent"


@pytest.mark.django_db(transaction=True)
def test_a_withdrawal_racing_a_send_never_leaves_an_untold_sent_referral(people, orgs):
    """Sending locks the consent: either the send sees the withdrawal and is refused, or the
    withdrawal waits, sees the referral sent and tells the partner with an event."""
    pairs = []
    for _ in range(6):
        case = adult_case(people.social_worker)
        consent = consent_for(people.social_worker, case, orgs.ngo)
        pairs.append((consent.pk, draft_for(people.social_worker, case, orgs.ngo, consent=consent).pk))

    def prepare(index):
        consent_id, referral_id = pairs[index // 2]
        actor = User.objects.get(pk=people.social_worker.pk)
        if index % 2:
            return lambda: services.consent_withdraw(actor=actor, consent=Consent.objects.get(pk=consent_id))
        referral = Referral.objects.get(pk=referral_id)
        return lambda: services.referral_send(actor=actor, referral=referral)

    outcomes = run_concurrently(len(pairs) * 2, prepare, lambda call: call())
    for index, outcome in enumerate(outcomes):
        if index % 2:
            assert isinstance(outcome, Consent), outcome
        elif isinstance(outcome, ApplicationError):
            assert set(outcome.fields) == {"consent"} and "withdrawn" in outcome.message, outcome
    for _, referral_id in pairs:
        referral = Referral.objects.get(pk=referral_id)
        told = ReferralEvent.objects.filter(referral=referral, kind="consent_withdrawn").exists()
        assert (referral.status, told) in {("draft", False), ("sent", True)}
        assert selectors.disclosure(referral)["disclosed_categories"] == []
