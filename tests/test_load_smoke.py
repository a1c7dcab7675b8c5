"""The load test cannot rot: bench/load/locustfile.py's working day, for 20 seconds with a few
people of every kind against the production web server (gunicorn), fails no request."""

from __future__ import annotations

import pytest

from accounts.models import Organisation, User
from bench.load.run import MIX, run_locust
from referrals.partner.tokens import token_issue
from seeds.demo import seed_demo
from tests.processes import web_server

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_a_short_working_day_under_load_fails_no_request(reference, tmp_path):
    seed_demo(people=100)  # the demo logins (known password) with their share of the cases
    admin, partner = User.objects.get(username="admin"), Organisation.objects.get(code="vfi")
    _, token = token_issue(actor=admin, organisation=partner, name="load smoke")
    with web_server(threads=8, GUNICORN_CMD_ARGS="--keep-alive 75") as url:  # as bench/load/run.py
        env = {"LOAD_PARTNER_TOKENS": token, "LOAD_EACH": "2"}  # two people of each kind
        result = run_locust(url, users=2 * len(MIX), seconds=20, env=env, workdir=tmp_path)
    counts = {row["Name"]: int(row["Request Count"]) for row in result.rows}
    assert result.failures == 0, result.rows
    assert counts["login"] == 2 * (len(MIX) - 1)  # every person signed in (partners use a token)
    assert counts["partner API referrals"] >= 1 and counts["case list"] >= 1
