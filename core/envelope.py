"""Envelope encryption of files (casework attachments): each file has its own random 256-bit data
key and is encrypted with AES-GCM before it leaves the application; the data key is stored in
the database wrapped by the identity fields' key machinery (core.crypto: an encrypted field).

- The stored object is `version (1 byte) | nonce (12 bytes) | ciphertext and tag`; the object's
  id is the associated data, so an object copied under another record's id does not decrypt.
- Key rotation (`manage.py rotate_field_keys`, core.field_keys) finds the wrapped keys like every
  other encrypted field and re-wraps them under the current key: the files are not rewritten.
- Deleting the row destroys the wrapped key: the object can no longer be read even if a copy of
  it survives in a backup of the object store."""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from core.crypto import DecryptionError

VERSION = b"\x01"
NONCE_BYTES = 12


def new_data_key() -> str:
    """A fresh data key, base64 (what the encrypted field stores, wrapped)."""
    return base64.urlsafe_b64encode(AESGCM.generate_key(bit_length=256)).decode()


def seal(plaintext: bytes, data_key: str, associated: str) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(base64.urlsafe_b64decode(data_key)).encrypt(nonce, plaintext, associated.encode())
    return VERSION + nonce + sealed


def open_sealed(stored: bytes, data_key: str, associated: str) -> bytes:
    if stored[:1] != VERSION:
        raise DecryptionError("A stored file has an unknown format version")
    nonce, sealed = stored[1 : 1 + NONCE_BYTES], stored[1 + NONCE_BYTES :]
    try:
        return AESGCM(base64.urlsafe_b64decode(data_key)).decrypt(nonce, sealed, associated.encode())
    except InvalidTag as error:
        raise DecryptionError("A stored file does not decrypt with its data key (altered or corrupt)") from error
