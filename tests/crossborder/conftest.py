"""A partner instance (Thailand's) registered on our side, with its key pair."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.crossborder.peers import LAO_CHILD, register_thai_peer
from tests.factories import open_case


@pytest.fixture
def thai_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture
def peer(people, orgs, thai_key, settings):  # type: ignore[no-untyped-def]
    settings.CROSSBORDER_ALLOW_HTTP = True  # the tests' peer listens on 127.0.0.1 without TLS
    return register_thai_peer(people.admin, orgs, thai_key)


@pytest.fixture
def child_case(people):  # type: ignore[no-untyped-def]
    return open_case(people.social_worker, person_values=LAO_CHILD)
