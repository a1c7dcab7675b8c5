"""The protocol's two pure parts, as another system would be tested against them: the signature
profile (RFC 9421, Ed25519) and the envelope's rules."""

from __future__ import annotations

import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from crossborder import protocol, signatures
from tests.crossborder.peers import message, referral, step

PATH = "/crossborder/api/messages/"


def check(headers: dict[str, str], body: bytes, key: Ed25519PrivateKey) -> None:
    signed = signatures.parse(headers["Signature-Input"], headers["Signature"])
    signatures.verify(
        signed,
        public_key=key.public_key(),
        method="POST",
        path=PATH,
        content_type=headers["Content-Type"],
        digest=headers["Content-Digest"],
        body=body,
    )


def test_a_signed_request_verifies_and_any_change_to_it_does_not():
    key, body = Ed25519PrivateKey.generate(), b'{"v":1}'
    headers = signatures.sign(method="POST", path=PATH, body=body, key_id="th-msdhs", key=key)
    check(headers, body, key)
    assert signatures.parse(headers["Signature-Input"], headers["Signature"]).key_id == "th-msdhs"
    with pytest.raises(signatures.SignatureError, match="Content-Digest"):
        check(headers, b'{"v":2}', key)
    forged = {**headers, "Content-Digest": signatures.content_digest(b'{"v":2}')}
    with pytest.raises(signatures.SignatureError, match="does not verify"):
        check(forged, b'{"v":2}', key)
    with pytest.raises(signatures.SignatureError, match="does not verify"):
        check(headers, body, Ed25519PrivateKey.generate())
    stale = signatures.sign(method="POST", path=PATH, body=body, key_id="th-msdhs", key=key, created=1_000_000_000)
    with pytest.raises(signatures.SignatureError, match="window"):
        check(stale, body, key)


def test_only_the_profile_is_accepted():
    key, body = Ed25519PrivateKey.generate(), b"{}"
    headers = signatures.sign(method="POST", path=PATH, body=body, key_id="th-msdhs", key=key)
    fewer = headers["Signature-Input"].replace(' "content-type"', "")
    other_alg = headers["Signature-Input"].replace('alg="ed25519"', 'alg="hmac-sha256"')
    for signature_input in (fewer, other_alg, "", headers["Signature-Input"].replace("pw=", "sig1=")):
        with pytest.raises(signatures.SignatureError):
            signatures.parse(signature_input, headers["Signature"])
    with pytest.raises(ValueError, match="32 bytes"):
        signatures.load_public_key("c2hvcnQ=")


def test_the_envelope_rules():
    transfer = uuid.uuid4()
    assert protocol.parse(referral(transfer))["kind"] == "referral"
    assert protocol.parse(step(transfer, 4, "handover_done"))["seq"] == 4
    wrong = [
        (message(transfer, 2, "referral", {}), "seq"),
        (step(transfer, 2, "lunch"), "data.step"),
        (step(transfer, 2, "handover_date_agreed"), "data.agreed_date"),
        (message(transfer, 2, "declined", {"reason": ""}), "data.reason"),
        (b"[]", "body"),
        (b"{", "body"),
    ]
    for body, field in wrong:
        with pytest.raises(protocol.ProtocolError) as refused:
            protocol.parse(body)
        assert refused.value.field == field
    outside = protocol.parse(referral(transfer, categories=["identity"]))
    outside["data"]["person"]["phone"] = "020 555 0100"
    with pytest.raises(protocol.ProtocolError, match="outside the shared categories"):
        protocol.parse(protocol.encode(outside))
    for name, value in (
        ("date_of_birth", "01/02/2012"),
        ("sex", 1),
        ("languages", "lo"),
        ("given_name_latin", "x" * 201),
    ):
        odd = protocol.parse(referral(transfer, categories=["identity", "language"]))
        odd["data"]["person"][name] = value
        with pytest.raises(protocol.ProtocolError) as refused:
            protocol.parse(protocol.encode(odd))
        assert refused.value.field in (f"data.person.{name}", f"data.{name}")
