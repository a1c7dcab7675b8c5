"""A partner instance (Thailand's) registered on our side, with its key pair."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from crossborder import signatures
from crossborder.services import peer_register
from tests.crossborder.peers import LAO_CHILD, SHARED, THAI_ID
from tests.factories import OrganisationFactory, open_case


@pytest.fixture
def thai_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture
def peer(people, orgs, thai_key, settings):  # type: ignore[no-untyped-def]
    settings.CROSSBORDER_ALLOW_HTTP = True  # the tests' peer listens on 127.0.0.1 without TLS
    thai = OrganisationFactory(code="t-th-msdhs", name_en="Thailand MSDHS (partner instance)")
    return peer_register(
        actor=people.admin,
        name="Thailand MSDHS",
        instance_id=THAI_ID,
        base_url="http://127.0.0.1:9",
        public_key=signatures.public_key_text(thai_key),
        organisation=thai,
        receiving_organisation=orgs.mlsw_vt,
        may_send=["repatriation", "reintegration"],
        may_receive=["repatriation", "reintegration"],
        categories_in=SHARED,
        categories_out=SHARED,
    )


@pytest.fixture
def child_case(people):  # type: ignore[no-untyped-def]
    return open_case(people.social_worker, person_values=LAO_CHILD)
