import pytest
from django.urls import reverse

from tests.factories import open_case

pytestmark = pytest.mark.django_db

ACT_STRONG = "act-recruited-by-third-party"
PURPOSE_STRONG = "purpose-excessive-hours"


def test_the_form_can_ask_the_rule_before_saving(api, people):
    case = open_case(people.social_worker)  # a child when exploited: means are not needed
    api.force_authenticate(people.social_worker)
    body = api.post(
        reverse("v1:screening-evaluate"),
        {"case": str(case.pk), "indicators": [ACT_STRONG, PURPOSE_STRONG]},
        format="json",
    ).json()
    assert body == {
        "act": True,
        "means": False,
        "purpose": True,
        "age": 17,
        "indicative": True,
        "suggested": "possible_victim",
    }


@pytest.mark.parametrize(
    ("codes", "message"),
    [
        (["no-such-indicator"], "Unknown or inactive indicator: no-such-indicator."),
        (["purpose-hazardous-work"], "purpose-hazardous-work is for adults; this person was a child when exploited."),
        ([ACT_STRONG, ACT_STRONG], f"{ACT_STRONG} is listed twice."),
    ],
)
def test_evaluating_refuses_what_recording_refuses(api, people, codes, message):
    """Issue 18.8: the live suggestion never answers for indicators a screening could not hold."""
    case = open_case(people.social_worker)  # a child when exploited
    api.force_authenticate(people.social_worker)
    response = api.post(reverse("v1:screening-evaluate"), {"case": str(case.pk), "indicators": codes}, format="json")
    assert response.status_code == 400
    assert any(line.startswith(message) for line in response.json()["errors"]["indicators"])


def test_recording_a_screening_stores_indicators_and_the_suggestion(api, people):
    case = open_case(people.social_worker)
    api.force_authenticate(people.social_worker)
    response = api.post(
        reverse("v1:screening-list"),
        {
            "case": str(case.pk),
            "place": "shelter",
            "screened_on": "2026-03-03",
            "indicators": [
                {"indicator": ACT_STRONG, "note": "recruited by a neighbour"},
                {"indicator": PURPOSE_STRONG},
            ],
            "guardian_or_social_worker_present": True,
            "consent_assents_to_interview": True,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["suggested_outcome"], body["outcome"]) == ("possible_victim", "possible_victim")
    assert {row["indicator"] for row in body["observed"]} == {ACT_STRONG, PURPOSE_STRONG}
    assert body["reflection_period_ends_on"] == "2026-04-02"
    assert body["investigative_interview_allowed"] is True  # the period is over by the test's today


def test_an_override_without_reason_is_a_400(api, people):
    case = open_case(people.social_worker)
    api.force_authenticate(people.social_worker)
    response = api.post(
        reverse("v1:screening-list"),
        {
            "case": str(case.pk),
            "place": "shelter",
            "screened_on": "2026-03-03",
            "outcome": "not_a_victim",
            "indicators": [{"indicator": ACT_STRONG}, {"indicator": PURPOSE_STRONG}],
            "guardian_or_social_worker_present": True,
        },
        format="json",
    )
    assert response.status_code == 400
    assert "override_reason" in response.json()["errors"]
    unknown = api.post(
        reverse("v1:screening-list"),
        {
            "case": str(case.pk),
            "place": "shelter",
            "screened_on": "2026-03-03",
            "indicators": [{"indicator": "no-such-indicator"}],
            "guardian_or_social_worker_present": True,
        },
        format="json",
    )
    assert unknown.status_code == 400
