"""50 concurrent admissions for one bed over real HTTP (gunicorn, as in production): exactly
one 201, 49 x 409 with a clear message, no 5xx, one row."""

import json
import threading
import urllib.error
import urllib.request
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from shelters import services
from shelters.models import Bed, Shelter, Stay
from tests.factories import make_user, open_case, refer_to_shelter
from tests.processes import signed_in_over_http, web_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]  # gunicorn and 50 HTTP sessions

PASSWORD = "live-server-password"
WRITERS = 50


def post_json(client, url, payload):
    opener, token = client
    headers = {"Content-Type": "application/json", "X-CSRFToken": token, "Referer": url}
    request = urllib.request.Request(url, data=json.dumps(payload).encode(), method="POST", headers=headers)  # noqa: S310
    try:
        with opener.open(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def all_at_once(work):
    barrier = threading.Barrier(WRITERS)
    results = [None] * WRITERS

    def run(index):
        barrier.wait(timeout=30)
        results[index] = work(index)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_fifty_http_admissions_for_one_bed(people, orgs):
    shelter = Shelter.objects.get(code="sengsavang-savannakhet")
    # English: the account's language applies from the login on, and the messages are checked below.
    staff = make_user("live-staff", orgs.lwu, "shelter_staff", password=PASSWORD, language="en")
    services.staff_post(actor=people.admin, shelter=shelter, user=staff)
    with transaction.atomic():
        cases = [open_case(people.social_worker) for _ in range(WRITERS)]
        for case in cases:  # referred to the shelter for a placement: what an admission rests on
            refer_to_shelter(case, shelter)
        case_ids = [str(case.pk) for case in cases]
    bed_id = str(Bed.objects.get(shelter=shelter, label="B01").pk)
    on = (timezone.localdate() - timedelta(days=2)).isoformat()
    with web_server() as base_url:
        # One login; fifty connections share its session.
        opener, _, token = signed_in_over_http(base_url, "live-staff", PASSWORD)
        clients = [(opener, token)] * WRITERS
        results = all_at_once(
            lambda index: post_json(
                clients[index],
                f"{base_url}/api/v1/stays/",
                {"shelter": shelter.code, "case": case_ids[index], "bed": bed_id, "admitted_on": on},
            )
        )
    statuses = sorted(status for status, _ in results)
    assert statuses.count(201) == 1, statuses
    assert statuses.count(409) == WRITERS - 1, statuses
    assert all(status < 500 for status in statuses)
    assert {body["detail"] for status, body in results if status == 409} == {
        "This bed is already taken for these dates."
    }
    assert Stay.objects.filter(bed_id=bed_id).count() == 1
