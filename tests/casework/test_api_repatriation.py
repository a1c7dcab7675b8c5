import pytest
from django.urls import reverse

from casework.services import cases
from tests.factories import open_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def started(api, people):
    case = open_case(people.social_worker)
    api.force_authenticate(people.social_worker)
    response = api.post(
        reverse("v1:repatriation-list"),
        {
            "case": str(case.pk),
            "flow": "thailand_mou",
            "from_country": "TH",
            "partner_abroad": "MSDHS shelter",
            "border_point": "friendship_bridge_1",
            "started_on": "2026-03-05",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    return case, response.json()


def test_starting_a_repatriation_lays_out_the_checklist(started):
    _, body = started
    codes = [step["code"] for step in body["steps"]]
    assert codes[0] == "case_interview_documentation"
    assert "return_or_placement" in codes
    assert body["steps"][0]["title_lo"]
    assert body["status"] == "in_progress"


def test_a_second_open_repatriation_is_a_409(api, started):
    case, _ = started
    again = api.post(
        reverse("v1:repatriation-list"),
        {"case": str(case.pk), "flow": "thailand_mou", "from_country": "TH"},
        format="json",
    )
    assert again.status_code == 409


def test_an_unsafe_family_never_leads_home_through_the_api(api, started):
    _, body = started
    steps = {step["code"]: step["id"] for step in body["steps"]}
    for code in ("case_interview_documentation", "family_tracing_requested", "family_tracing_received"):
        done = api.post(reverse("v1:repatriation-step-complete", args=[steps[code]]), {"done_on": "2026-03-10"})
        assert done.status_code == 200, done.json()
    assessed = api.post(
        reverse("v1:repatriation-family-assessment", args=[body["id"]]), {"result": "unsafe", "done_on": "2026-03-12"}
    )
    assert assessed.status_code == 200, assessed.json()
    home = api.post(
        reverse("v1:repatriation-return-decision", args=[body["id"]]),
        {"destination": "family", "best_interests_decision": "x", "reason": "urgent"},
    )
    assert home.status_code == 400
    assert home.json()["errors"]


def test_out_of_order_steps_need_a_reason(api, started):
    _, body = started
    last_but_one = body["steps"][-3]["id"]
    refused = api.post(reverse("v1:repatriation-step-complete", args=[last_but_one]), {"done_on": "2026-03-10"})
    assert refused.status_code == 400
    assert "reason" in refused.json()["errors"]
    skipped = api.post(
        reverse("v1:repatriation-step-skip", args=[body["steps"][0]["id"]]), {"reason": ""}, format="json"
    )
    assert skipped.status_code == 400


def test_police_on_a_shared_case_read_but_cannot_move_steps(api, people, orgs, started):
    case, body = started
    cases.case_share(actor=people.social_worker, case=case, organisation=orgs.police, purpose="investigation")
    api.force_authenticate(people.police)
    assert api.get(reverse("v1:repatriation-detail", args=[body["id"]])).status_code == 200
    moved = api.post(reverse("v1:repatriation-step-start", args=[body["steps"][0]["id"]]))
    assert moved.status_code == 403
    api.force_authenticate(people.outsider)
    assert api.get(reverse("v1:repatriation-detail", args=[body["id"]])).status_code == 404
    assert api.post(reverse("v1:repatriation-step-start", args=[body["steps"][0]["id"]])).status_code == 404
