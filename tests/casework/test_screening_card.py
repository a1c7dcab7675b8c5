"""Issue 16: a screening's card on the Screening tab takes the deciding body's decision and the
person's choice to give an interview before the reflection period ends (the API's confirm and
opt-in), and shows the interview checklist and whether an interview may be held today. Same
service, same messages beside the fields (400), nothing saved on a refusal, a screening out of
scope is the same 404 as a missing one."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from casework.models import CaseEvent, Screening
from casework.services import screening as services
from tests.clients import client_for
from tests.factories import open_case

pytestmark = pytest.mark.django_db

MISSING = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def screened(people):
    """A child screened two days ago as a possible victim: her reflection period runs."""
    case = open_case(people.social_worker)
    return services.screening_record(
        actor=people.social_worker,
        case=case,
        place="shelter",
        screened_on=timezone.localdate() - timedelta(days=2),
        indicators=[("act-recruited-by-third-party", ""), ("purpose-excessive-hours", "")],
        guardian_or_social_worker_present=True,
        interpreter_used=True,
        interpreter_language="th",
        consent_assents_to_interview=True,
    )


def url(name, screening, pk=None):
    return reverse(f"casework:screening-{name}", args=[screening.case_id, pk or screening.pk])


def tab(user, screening):
    return client_for(user).get(reverse("casework:case-detail", args=[screening.case_id]), {"tab": "screening"})


def test_the_card_shows_the_checklist_the_hold_on_interviews_and_both_forms(people, screened):
    html = tab(people.social_worker, screened).content.decode()
    assert "Interview checklist" in html and "An interpreter was used" in html and "(th)" in html
    assert "No investigative interview before the reflection period ends" in html
    assert url("confirm", screened) in html and url("opt-in", screened) in html


def test_a_reader_who_may_not_screen_sees_the_card_without_the_forms(people, screened):
    """The manager reads the case but does not record screenings."""
    html = tab(people.manager, screened).content.decode()
    assert "Interview checklist" in html
    assert url("confirm", screened) not in html


def test_the_deciding_body_confirms_and_the_decision_is_on_the_timeline_and_audited(people, screened):
    today = timezone.localdate()
    body = {"outcome": "actual_victim", "deciding_body": "police", "decided_on": str(today), "reason": "Court file"}
    response = client_for(people.social_worker).post(url("confirm", screened), body)
    assert response.status_code == 302
    screened.refresh_from_db()
    assert (screened.outcome, screened.deciding_body, screened.decided_on) == ("actual_victim", "police", today)
    assert CaseEvent.objects.filter(case_id=screened.case_id, kind="screening_decided").exists()
    assert AuditEvent.objects.filter(object_id=str(screened.pk), action="update").exists()
    assert "Decided by" in tab(people.social_worker, screened).content.decode()


def test_a_decision_without_reason_or_with_a_future_date_is_400_on_the_card_and_saves_nothing(people, screened):
    future = str(timezone.localdate() + timedelta(days=1))
    body = {"outcome": "actual_victim", "deciding_body": "police", "decided_on": future, "reason": " "}
    client = client_for(people.social_worker)
    response = client.post(url("confirm", screened), body)
    assert response.status_code == 400 and "reason" in response.context["sent_form"].errors
    response = client.post(url("confirm", screened), {**body, "reason": "Court file"})  # the service's rule
    assert response.status_code == 400
    assert response.context["sent_form"].errors["decided_on"] == ["This date is in the future."]
    assert f'id="id_decided_on_{screened.pk}"' in response.content.decode()
    screened.refresh_from_db()
    assert screened.outcome == "possible_victim"


def test_the_person_opts_in_once(people, screened):
    today = timezone.localdate()
    client = client_for(people.social_worker)
    response = client.post(url("opt-in", screened), {"opted_in_to_interview_on": str(today + timedelta(days=1))})
    assert response.status_code == 400
    assert response.context["sent_form"].errors["opted_in_to_interview_on"] == ["This date is in the future."]
    assert client.post(url("opt-in", screened), {"opted_in_to_interview_on": str(today)}).status_code == 302
    screened.refresh_from_db()
    assert screened.opted_in_to_interview_on == today
    html = tab(people.social_worker, screened).content.decode()
    assert "An investigative interview may be held today." in html and url("opt-in", screened) not in html
    again = client.post(url("opt-in", screened), {"opted_in_to_interview_on": str(today)})
    assert again.status_code == 409
    assert Screening.objects.get(pk=screened.pk).opted_in_to_interview_on == today


@pytest.mark.parametrize("name", ["confirm", "opt-in"])
def test_out_of_scope_is_the_same_404_as_missing_and_a_reader_gets_403(people, screened, name):
    outsider = client_for(people.outsider)
    assert outsider.post(url(name, screened), {}).status_code == 404
    assert outsider.post(url(name, screened, MISSING), {}).status_code == 404
    assert client_for(people.social_worker).post(url(name, screened, MISSING), {}).status_code == 404
    assert client_for(people.manager).post(url(name, screened), {}).status_code == 403
