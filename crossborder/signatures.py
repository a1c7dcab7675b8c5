"""HTTP Message Signatures (RFC 9421) with Ed25519, as the cross-border protocol uses them
(docs/cross-border.md, "Signing"). The sender signs the method, the path, the content type and
the body's Content-Digest (RFC 9530, sha-256), with `created`, `keyid` (its instance id),
`alg="ed25519"` and a fresh `nonce`; the receiver checks all of it. Only this profile is
accepted: one signature labelled `pw`, these four components, these parameters."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import time
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings

LABEL = "pw"
COMPONENTS = ("@method", "@path", "content-type", "content-digest")
_INPUT = re.compile(r'^pw=\(((?:"[a-z@-]+"\s?)+)\)((?:;[a-z]+=(?:"[^"\\]{1,200}"|\d{1,12}))+)$')
_PARAM = re.compile(r';([a-z]+)=(?:"([^"]*)"|(\d+))')
_SIGNATURE = re.compile(r"^pw=:([A-Za-z0-9+/=]{1,200}):$")


class SignatureError(Exception):
    """The request is not signed as the profile requires (401)."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def private_key() -> Ed25519PrivateKey:
    """This instance's key: CROSSBORDER_PRIVATE_KEY (base64 of the 32-byte seed), or one derived
    from SECRET_KEY when unset (development; production sets its own)."""
    configured = getattr(settings, "CROSSBORDER_PRIVATE_KEY", "")
    seed = (
        base64.b64decode(configured)
        if configured
        else hashlib.sha256(f"crossborder:{settings.SECRET_KEY}".encode()).digest()
    )
    return Ed25519PrivateKey.from_private_bytes(seed)


def public_key_text(key: Ed25519PrivateKey | None = None) -> str:
    """The public half as the peers page shows it (base64 of the 32 raw bytes)."""
    public = (key or private_key()).public_key()
    return _b64(public.public_bytes(Encoding.Raw, PublicFormat.Raw))


def load_public_key(text: str) -> Ed25519PublicKey:
    """ValueError unless `text` is base64 of a 32-byte Ed25519 public key."""
    raw = base64.b64decode(text.strip(), validate=True)
    if len(raw) != 32:
        raise ValueError("an Ed25519 public key has 32 bytes")
    return Ed25519PublicKey.from_public_bytes(raw)


def content_digest(body: bytes) -> str:
    return f"sha-256=:{_b64(hashlib.sha256(body).digest())}:"


def _base(method: str, path: str, content_type: str, digest: str, params: str) -> bytes:
    values = {"@method": method.upper(), "@path": path, "content-type": content_type, "content-digest": digest}
    lines = [f'"{name}": {values[name]}' for name in COMPONENTS]
    lines.append(f'"@signature-params": {params}')
    return "\n".join(lines).encode()


def sign(
    *,
    method: str,
    path: str,
    body: bytes,
    key_id: str,
    key: Ed25519PrivateKey | None = None,
    created: int | None = None,
) -> dict[str, str]:
    """The headers that sign a request (Content-Type, Content-Digest, Signature-Input, Signature)."""
    content_type = "application/json"
    digest = content_digest(body)
    covered = " ".join(f'"{name}"' for name in COMPONENTS)
    created = int(time.time()) if created is None else created
    params = f'({covered});created={created};keyid="{key_id}";alg="ed25519";nonce="{secrets.token_urlsafe(18)}"'
    signature = (key or private_key()).sign(_base(method, path, content_type, digest, params))
    return {
        "Content-Type": content_type,
        "Content-Digest": digest,
        "Signature-Input": f"{LABEL}={params}",
        "Signature": f"{LABEL}=:{_b64(signature)}:",
    }


@dataclass(frozen=True)
class Signed:
    """What a signature says once its form is checked (not yet its key or its freshness)."""

    key_id: str
    created: int
    nonce: str
    params: str
    signature: bytes


def parse(signature_input: str, signature: str) -> Signed:
    found = _INPUT.match(signature_input.strip())
    value = _SIGNATURE.match(signature.strip())
    if not found or not value:
        raise SignatureError("Signature-Input or Signature is missing or not in the profile")
    covered = tuple(name.strip('"') for name in found.group(1).split())
    if covered != COMPONENTS:
        raise SignatureError("the signature must cover exactly " + " ".join(COMPONENTS))
    params = {name: number or text for name, text, number in _PARAM.findall(found.group(2))}
    if (
        set(params) != {"created", "keyid", "alg", "nonce"}
        or params["alg"] != "ed25519"
        or not params["created"].isdigit()
    ):
        raise SignatureError("the parameters must be created, keyid, alg=ed25519 and nonce")
    if not 16 <= len(params["nonce"]) <= 100:
        raise SignatureError("the nonce must have 16 to 100 characters")
    try:
        raw = base64.b64decode(value.group(1), validate=True)
    except ValueError:
        raise SignatureError("the signature is not base64") from None
    return Signed(
        params["keyid"], int(params["created"]), params["nonce"], signature_input.strip()[len(LABEL) + 1 :], raw
    )


def verify(
    signed: Signed, *, public_key: Ed25519PublicKey, method: str, path: str, content_type: str, digest: str, body: bytes
) -> None:
    """SignatureError unless the body matches its digest and the key signed these components."""
    if digest != content_digest(body):
        raise SignatureError("Content-Digest does not match the body")
    window = settings.CROSSBORDER_SIGNATURE_WINDOW_SECONDS
    if abs(time.time() - signed.created) > window:
        raise SignatureError("the signature was created outside the accepted window")
    try:
        public_key.verify(signed.signature, _base(method, path, content_type, digest, signed.params))
    except InvalidSignature:
        raise SignatureError("the signature does not verify with the peer's key") from None
