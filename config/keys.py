"""The keys that protect personal fields at rest, read by settings.py (docs/deployment.md).

Two lists, each comma-separated with the current key first: PATHWAY_FIELD_KEYS encrypt the
identity fields, PATHWAY_BLIND_INDEX_KEYS compute the keyed hashes that find people by name.
Both are separate from SECRET_KEY (which signs sessions and is rotated for other reasons) and
from each other (a leaked index key must not decrypt anything). Development and tests use fixed
keys derived below; production refuses them and refuses to start without its own."""

from __future__ import annotations

import base64
import binascii
import hashlib

from django.core.exceptions import ImproperlyConfigured


def _development_key(purpose: str) -> str:
    digest = hashlib.sha256(f"pathway development-only {purpose} key: never in production".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


DEVELOPMENT_FIELD_KEY = _development_key("field encryption")
DEVELOPMENT_BLIND_INDEX_KEY = _development_key("blind index")
GENERATE = 'python3 -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'


def check_keys(*, field_keys: list[str], index_keys: list[str], secret_key: str, production: bool) -> None:
    """Refuse malformed, shared or development keys before anything is encrypted with them."""
    for name, keys in (("PATHWAY_FIELD_KEYS", field_keys), ("PATHWAY_BLIND_INDEX_KEYS", index_keys)):
        if not keys:
            raise ImproperlyConfigured(f"{name} must hold at least one key")
        for key in keys:
            if len(_decode(key)) != 32:
                raise ImproperlyConfigured(f"{name}: every key must be 32 bytes in URL-safe base64 ({GENERATE})")
            if production and key in (DEVELOPMENT_FIELD_KEY, DEVELOPMENT_BLIND_INDEX_KEY):
                raise ImproperlyConfigured(f"{name}: the development key cannot be used in production")
            if key == secret_key:
                raise ImproperlyConfigured(f"{name} must not reuse SECRET_KEY")
    if set(field_keys) & set(index_keys):
        raise ImproperlyConfigured("PATHWAY_FIELD_KEYS and PATHWAY_BLIND_INDEX_KEYS must not share a key")


def _decode(key: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(key.encode())
    except (binascii.Error, ValueError):
        return b""
