"""What the two schemathesis tests share (tests/test_api_schemathesis.py over the whole API,
tests/referrals/test_partner_schema.py over the partner API in depth): the checks every answer
must pass and the bounded, repeatable hypothesis run that keeps them within CI time."""

from __future__ import annotations

import hypothesis
from hypothesis import HealthCheck, Phase
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


def bounded_run(examples: int) -> hypothesis.settings:
    """At most `examples` cases per operation, the same ones every run (derandomised, no example
    database), explicit examples first, no health checks (the calls are slow on purpose)."""
    return hypothesis.settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
