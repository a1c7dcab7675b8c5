"""Schemathesis against the partner part of the live OpenAPI schema (docs/design/access.md,
requirement 12): every partner operation, with a valid token, answers without a server
error, with a documented status and content type, and with a body and headers that conform to
the schema; without the token it answers 401.

In-process through WSGI, on committed data (transaction=True: no test transaction hides
`on_commit` work), with the throttle off. Generated ids are mixed with the ids of real
referrals in every state, so that the 200 answers are exercised, not only the 404s."""

import pytest
import schemathesis
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from django.test import Client, override_settings
from hypothesis import given
from hypothesis import strategies as st
from schemathesis.specs.openapi.checks import ignored_auth

from referrals import services
from referrals.partner.tokens import token_issue
from tests.referrals import adult_case, consent_for, sent_for
from tests.schema_runs import CHECKS as STAFF_AND_PARTNER_CHECKS
from tests.schema_runs import bounded_run

EXAMPLES_PER_OPERATION = 25
CHECKS = [*STAFF_AND_PARTNER_CHECKS, ignored_auth]
ALL_CATEGORIES = ("identity", "contact", "origin", "language", "case_summary", "screening", "health")


def referrals_in_every_state(people, orgs):
    sw = people.social_worker
    referrals = [
        sent_for(sw, adult_case(sw), orgs.ngo, categories=ALL_CATEGORIES, requested=("shelter", "medical_care"))
        for _ in range(8)
    ]
    receiver = people.partner  # changes below go through the token, as a partner's would
    token, _ = token_issue(actor=receiver, organisation=orgs.ngo, name="fixture changes")
    services.referral_acknowledge(referral=referrals[1], token=token)
    services.referral_accept(referral=referrals[2], token=token)
    services.referral_accept(referral=referrals[3], token=token)
    services.referral_start(referral=referrals[3], token=token)
    services.referral_decline(referral=referrals[4], reason="no place", token=token)
    services.referral_add_note(referral=referrals[5], note="a note", token=token)
    services.consent_withdraw(actor=sw, consent=referrals[6].consent)
    # Someone else's, for the ids that must answer 404.
    other_case = adult_case(sw)
    consent = consent_for(sw, other_case, orgs.ngo_other)
    other = sent_for(sw, other_case, orgs.ngo_other, consent=consent)
    return [str(referral.pk) for referral in [*referrals, other]]


@pytest.mark.slow  # fuzzing: 25 generated calls for each of 10 operations
@pytest.mark.django_db(transaction=True)
@override_settings(PARTNER_API_THROTTLE_RATE=None)
def test_the_partner_api_conforms_to_its_schema(people, orgs):
    ids = referrals_in_every_state(people, orgs)
    _, plaintext = token_issue(actor=people.partner, organisation=orgs.ngo, name="schemathesis")

    # The schema is served to logged-in staff only: read it the way a partner's developer would
    # (logged in), then send the generated calls to the same application through WSGI.
    browser = Client()
    browser.force_login(people.partner)
    served = browser.get("/api/schema/", {"format": "json"})
    assert served.status_code == 200
    schema = schemathesis.openapi.from_dict(served.json())
    schema.app = get_wsgi_application()
    schema = schema.include(path_regex=r"^/api/v1/partner/")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {f"{op.method.upper()} {op.path}" for op in operations} == {
        "GET /api/v1/partner/referrals/",
        "GET /api/v1/partner/referrals/{id}/",
        "GET /api/v1/partner/events/",
        *(
            f"POST /api/v1/partner/referrals/{{id}}/{name}/"
            for name in ("acknowledge", "accept", "decline", "start", "complete", "close-without-service", "notes")
        ),
    }

    def with_known_id(pair):
        case, known = pair
        if known is not None and "id" in (case.path_parameters or {}):
            case.path_parameters["id"] = known
        return case

    for operation in operations:
        strategy = st.tuples(operation.as_strategy(), st.sampled_from([None, *ids])).map(with_known_id)

        @bounded_run(EXAMPLES_PER_OPERATION)
        @given(case=strategy)
        def conforms(case):
            case.call_and_validate(headers={"Authorization": f"Bearer {plaintext}"}, checks=CHECKS)

        conforms()


def test_the_schema_with_the_partner_api_validates_without_warnings(tmp_path):
    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--file",
        str(tmp_path / "schema.yaml"),
    )
    text = (tmp_path / "schema.yaml").read_text()
    assert "/api/v1/partner/referrals/{id}/close-without-service/" in text
    assert "partnerToken" in text
