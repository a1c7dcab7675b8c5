"""Helpers of the cross-border tests: a peer's key pair, signed envelopes as a peer would send
them, a child's consent to be referred to the peer, and the peer's directory endpoint serving
a directory of services (two sample organisations) on 127.0.0.1."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.test import Client

from casework.models import ServiceType
from crossborder import directory_format, protocol, signatures
from crossborder.services import peer_register
from crossborder.services.outbox import INBOX_PATH
from referrals.services import consent_record
from tests.factories import OrganisationFactory

THAI_ID = "th-msdhs"
# A Lao girl of 14 identified in Thailand (synthetic).
LAO_CHILD = {
    "given_name_latin": "Dao",
    "family_name_latin": "Synthetic",
    "sex": "female",
    "date_of_birth": date(2012, 2, 1),
    "languages": ["lo"],
}
PERSON = {"given_name_latin": "Dao", "sex": "female", "date_of_birth": "2012-02-01", "languages": ["lo"]}
SHARED = ["identity", "origin", "language", "case_summary"]


def message(
    transfer: Any, seq: int, kind: str, data: dict[str, Any], *, sender: str = THAI_ID, message_id: Any = None
) -> bytes:
    return protocol.encode(
        protocol.envelope(
            message_id=message_id or uuid.uuid4(),
            transfer_id=transfer,
            seq=seq,
            kind=kind,
            sender=sender,
            created="2026-12-07T00:00:00+00:00",
            data=data,
        )
    )


def referral(transfer: Any, *, purpose: str = "repatriation", categories: list[str] | None = None) -> bytes:
    categories = categories or ["identity", "language"]
    allowed = {name for category in categories for name in protocol.PERSON_FIELDS[category]}
    return message(
        transfer,
        1,
        "referral",
        {
            "purpose": purpose,
            "reason": "Identified in Bangkok; wishes to go home.",
            "categories": categories,
            "case_code": "TH-2026-0001",
            "person": {name: value for name, value in PERSON.items() if name in allowed},
        },
    )


def step(transfer: Any, seq: int, code: str, **extra: Any) -> bytes:
    return message(transfer, seq, "step_done", {"step": code, "done_on": "2026-12-01", **extra})


def signed_headers(body: bytes, key: Ed25519PrivateKey, *, key_id: str = THAI_ID, **kwargs: Any) -> dict[str, str]:
    return signatures.sign(method="POST", path=INBOX_PATH, body=body, key_id=key_id, key=key, **kwargs)


def post(client: Client, body: bytes, headers: dict[str, str]) -> Any:
    """POST to the inbox endpoint with exactly these headers."""
    extra = {
        f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items() if name != "Content-Type"
    }
    return client.post(INBOX_PATH, data=body, content_type=headers.get("Content-Type", "application/json"), **extra)


def child_consent(actor: Any, case: Any, recipient: Any, categories: list[str] = SHARED) -> Any:
    """A best-interest decision that the child's data may go to the partner country."""
    return consent_record(
        actor=actor,
        case=case,
        recipient=recipient,
        data_categories=categories,
        service_types=ServiceType.objects.filter(code__in=["family_tracing", "reintegration"]),
        purpose="Return home and reintegration",
        given_by="best_interest",
        best_interest_reason="Family traced and willing; the child asks to go home.",
    )


def register_thai_peer(admin: Any, orgs: Any, key: Ed25519PrivateKey) -> Any:
    """Thailand's instance as our administrator registers it (the caller allows http:// in settings)."""
    thai = OrganisationFactory(code="t-th-msdhs", name_en="Thailand MSDHS (partner instance)")
    return peer_register(
        actor=admin,
        name="Thailand MSDHS",
        instance_id=THAI_ID,
        base_url="http://127.0.0.1:9",
        public_key=signatures.public_key_text(key),
        organisation=thai,
        receiving_organisation=orgs.mlsw_vt,
        may_send=["repatriation", "reintegration"],
        may_receive=["repatriation", "reintegration"],
        categories_in=SHARED,
        categories_out=SHARED,
    )


THAI_SHELTER = {
    "code": "th-bkk-shelter",
    "name_en": "Bangkok Protection Centre",
    "name_lo": "ສູນປົກປ້ອງບາງກອກ",
    "services": [
        {"code": "shelter", "name_en": "Shelter", "name_lo": "ທີ່ພັກອາໄສ"},
        {"code": "family_tracing", "name_en": "Family tracing", "name_lo": ""},
    ],
    "areas": [{"code": "TH-10", "name_en": "Bangkok", "name_lo": "ບາງກອກ"}],
    "capacity": 40,
    "accepting": True,
    "phone": "+66 2 000 0000",
    "email": "office@bkk.example.th",
    "note": "",
    "updated": "2026-12-01T08:00:00+00:00",
}
THAI_COUNSELLING = {
    **THAI_SHELTER,
    "code": "th-cm-counselling",
    "name_en": "Chiang Mai Counselling Office",
    "name_lo": "",
    "services": [{"code": "counselling", "name_en": "Counselling", "name_lo": ""}],
    "areas": [{"code": "TH-50", "name_en": "Chiang Mai", "name_lo": ""}],
    "capacity": None,
    "accepting": False,
}


class PeerServer:
    """The peer's directory endpoint on 127.0.0.1: checks our signature with our public key, then
    answers `status` with `body`; keeps the requests it got."""

    def __init__(self) -> None:
        self.status, self.body, self.requests = 200, b"", []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                headers = dict(self.headers)
                server.requests.append((self.path, headers))
                signed = signatures.parse(headers.get("Signature-Input", ""), headers.get("Signature", ""))
                signatures.verify(
                    signed,
                    public_key=signatures.private_key().public_key(),
                    method="GET",
                    path=self.path,
                    content_type=headers["Content-Type"],
                    digest=headers["Content-Digest"],
                    body=b"",
                )
                self.send_response(server.status)
                self.end_headers()
                self.wfile.write(server.body)

            def log_message(self, *args: object) -> None:
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.http.server_address[1]}"

    def publish(self, *providers: dict[str, Any]) -> None:
        self.status = 200
        self.body = directory_format.document(
            sender=THAI_ID, generated="2026-12-07T00:00:00+00:00", providers=list(providers)
        )


@contextmanager
def serving_directory(peer: Any, *providers: dict[str, Any]) -> Iterator[PeerServer]:
    """The peer's directory endpoint, running, with the peer's address pointing at it."""
    server = PeerServer()
    if providers:
        server.publish(*providers)
    thread = threading.Thread(target=server.http.serve_forever, daemon=True)
    thread.start()
    peer.base_url = server.url
    peer.save()
    try:
        yield server
    finally:
        server.http.shutdown()
        server.http.server_close()
