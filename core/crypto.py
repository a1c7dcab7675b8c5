"""Encryption of personal fields at rest, and blind indexes to find them again.

A value is stored as `<key id>$<Fernet token>` (AES-128-CBC with HMAC-SHA256, from the
`cryptography` package). The key id names the key that encrypted it, so a value can be
decrypted with any configured key and a rotation can find the values the current key has not
encrypted yet (core.field_keys). Blank values stay blank: whether a person has a phone
number is not a secret worth the cost of making every "is it empty?" test impossible.

A blind index is a keyed hash (HMAC-SHA256, truncated to 128 bits) of a normalised value: the
same value gives the same index, so an exact match can be searched without the value being
stored. Its key is separate from the encryption keys: knowing an index key decrypts nothing.

Keys come from settings (config/keys.py); the first of each list is the current one."""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

SEPARATOR = "$"
KEY_ID_LENGTH = 8
PREFIX_LENGTH = KEY_ID_LENGTH + len(SEPARATOR)
INDEX_LENGTH = 32  # hex characters: 128 bits


class DecryptionError(ImproperlyConfigured):
    """A stored value cannot be decrypted with the configured keys (a key removed too early, or
    a value written by hand). The message names the key id, never the value."""


def key_id(key: str) -> str:
    """A short public name of a key, derived from it (not a hash of it: an HMAC keyed by it)."""
    return hmac.new(key.encode(), b"pathway key id", hashlib.sha256).hexdigest()[:KEY_ID_LENGTH]


@dataclass(frozen=True)
class Keyring:
    current: str  # the id of the key that encrypts or indexes
    ids: tuple[str, ...]  # every configured key id, current first
    fernets: dict[str, Fernet]
    index_keys: dict[str, bytes]

    @property
    def prefix(self) -> str:
        return self.current + SEPARATOR


def _ids(keys: tuple[str, ...]) -> tuple[str, ...]:
    ids = tuple(key_id(key) for key in keys)
    if len(set(ids)) != len(ids):
        raise ImproperlyConfigured("A key is listed twice (or two keys share an id): list each key once")
    return ids


@lru_cache(maxsize=8)
def _field_keyring(keys: tuple[str, ...]) -> Keyring:
    ids = _ids(keys)
    return Keyring(ids[0], ids, {i: Fernet(key.encode()) for i, key in zip(ids, keys, strict=True)}, {})


@lru_cache(maxsize=8)
def _index_keyring(keys: tuple[str, ...]) -> Keyring:
    ids = _ids(keys)
    raw = {i: base64.urlsafe_b64decode(key.encode()) for i, key in zip(ids, keys, strict=True)}
    return Keyring(ids[0], ids, {}, raw)


def field_keys() -> Keyring:
    """Read from settings on each call (cached per key list), so that tests and a rotation can
    change the keys without a restart of the process."""
    return _field_keyring(tuple(settings.FIELD_ENCRYPTION_KEYS))


def index_keys() -> Keyring:
    return _index_keyring(tuple(settings.BLIND_INDEX_KEYS))


def encrypt(value: str) -> str:
    if value == "":
        return ""
    ring = field_keys()
    return ring.prefix + ring.fernets[ring.current].encrypt(value.encode()).decode()


def decrypt(stored: str) -> str:
    if stored == "":
        return ""
    kid, separator, token = stored.partition(SEPARATOR)
    fernet = field_keys().fernets.get(kid)
    if not separator or fernet is None:
        raise DecryptionError(
            f"A stored value was encrypted with key id {kid[:KEY_ID_LENGTH]!r}, which is not in PATHWAY_FIELD_KEYS"
        )
    try:
        return fernet.decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise DecryptionError(f"A stored value does not decrypt with key id {kid!r} (altered or corrupt)") from error


def is_current(stored: str) -> bool:
    """Encrypted with the current key (or blank): nothing for a rotation to do."""
    return stored == "" or stored.startswith(field_keys().prefix)


def blind_index(value: str, key_id: str | None = None) -> str:
    """The index of a normalised value under one key (the current one by default)."""
    ring = index_keys()
    key = ring.index_keys[key_id or ring.current]
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:INDEX_LENGTH]


def blind_indexes(value: str) -> list[str]:
    """The index under every configured key: what a search compares, so that rows indexed with
    the previous key are still found while a rotation recomputes them."""
    return [blind_index(value, kid) for kid in index_keys().ids]
