"""docs/examples/partner_client.py against the real server (gunicorn, the production URL conf):
the guide's example must work as printed. It pulls incrementally, acknowledges new referrals
with idempotency keys, prints one JSON line per referral, and a second run finds nothing new."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from referrals import services
from referrals.models import ReferralEvent
from referrals.partner.tokens import token_issue
from tests.processes import ROOT, web_server
from tests.referrals import adult_case, consent_for, draft_for, sent_for

CLIENT = ROOT / "docs" / "examples" / "partner_client.py"


def run_client(url: str, token: str, state: Path) -> tuple[list[dict], str]:
    result = subprocess.run(
        [sys.executable, str(CLIENT)],
        env={**os.environ, "PATHWAY_URL": url, "PATHWAY_TOKEN": token, "PATHWAY_STATE": str(state)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()], result.stderr


@pytest.mark.slow  # gunicorn and the client in processes of their own
@pytest.mark.django_db(transaction=True)
def test_the_example_client_pulls_acknowledges_and_then_finds_nothing_new(people, orgs, tmp_path):
    sw = people.social_worker
    ours = [sent_for(sw, adult_case(sw), orgs.ngo) for _ in range(3)]
    theirs = sent_for(sw, adult_case(sw), orgs.ngo_other)
    draft_case = adult_case(sw)
    draft = draft_for(sw, draft_case, orgs.ngo, consent=consent_for(sw, draft_case, orgs.ngo))
    _, plaintext = token_issue(actor=people.partner, organisation=orgs.ngo, name="example client")
    state = tmp_path / "state.json"

    with web_server(threads=4) as url:
        first, log = run_client(url, plaintext, state)
        assert [line["id"] for line in first] == [str(r.pk) for r in ours]
        assert {(line["status"], line["action"], line["replayed"]) for line in first} == {
            ("acknowledged", "acknowledged", False)
        }
        assert {line["case_code"] for line in first} == {r.case.person.case_code for r in ours}
        assert "3 referral(s) new or changed" in log
        for referral in ours:
            assert ReferralEvent.objects.filter(referral=referral, kind="acknowledged").count() == 1
        stored = json.loads(state.read_text())
        assert stored["after"] == ours[-1].change_seq  # the pull ran before the acknowledgements
        assert set(stored["own_changes"]) == {str(r.pk) for r in ours}

        second, log = run_client(url, plaintext, state)
        assert second == [] and "0 referral(s) new or changed" in log

        # Something new: the sender sends the draft, and writes on one of ours.
        services.referral_send(actor=sw, referral=draft)
        services.referral_add_note(referral=ours[0], note="The person arrives on Monday.", actor=sw)
        third, _ = run_client(url, plaintext, state)
        assert [(line["id"], line["action"]) for line in third] == [
            (str(draft.pk), "acknowledged"),
            (str(ours[0].pk), None),
        ]

        fourth, _ = run_client(url, plaintext, state)
        assert fourth == []

    assert str(theirs.pk) not in json.dumps(first + third)
    theirs.refresh_from_db()
    assert theirs.status == "sent"
