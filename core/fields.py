"""Model fields encrypted at rest: code reads and assigns plain strings, the database holds
ciphertext (core.crypto). Forms, serializers and validators see the plaintext, so max_length
limits the text a person types, not the (longer) stored value, which is a `text` column.

An encrypted value cannot be compared in SQL: only `isnull` and `= ''` (blank) lookups exist;
any other (`icontains`, `=` a name, ordering by it is meaningless) fails loudly instead of
silently matching nothing. Search through blind indexes (casework.names).

Stable ciphertext: a value read from the database remembers its ciphertext (`Sealed`); saved
again unchanged it is written back as it was. Saving a record therefore changes no ciphertext
that did not change, so the row-history triggers and the "changed fields" views see no false
change. Assigning a new string encrypts it afresh."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldError
from django.db import models
from django.db.models.lookups import Exact, IsNull

from core import crypto


class Sealed(str):
    """A decrypted value and the ciphertext it was read from."""

    ciphertext: str

    @classmethod
    def of(cls, plaintext: str, ciphertext: str) -> Sealed:
        value = cls(plaintext)
        value.ciphertext = ciphertext
        return value


class BlankExact(Exact):
    """`field=""` only: equal plaintexts have different ciphertexts."""

    def get_prep_lookup(self) -> Any:
        if self.rhs != "":
            raise FieldError(f"{self.lhs.target.name} is encrypted: only a blank value can be looked up")
        return ""


class EncryptedMixin:
    encrypted = True
    attname: str  # set by the model Field this is mixed into

    def db_type(self, connection: Any) -> str:
        return "text"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if not value:
            return value
        return Sealed.of(crypto.decrypt(value), value)

    def pre_save(self, model_instance: Any, add: bool) -> Any:
        """Encrypt now and keep the ciphertext on the instance: the next save of the same
        instance writes it again instead of a new one."""
        value = super().pre_save(model_instance, add)  # type: ignore[misc]
        if value and not (isinstance(value, Sealed) and crypto.is_current(value.ciphertext)):
            value = Sealed.of(str(value), crypto.encrypt(str(value)))
            setattr(model_instance, self.attname, value)
        return value

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        value = super().get_db_prep_value(value, connection, prepared)  # type: ignore[misc]
        if not value:
            return value
        ciphertext = getattr(value, "ciphertext", None)
        if ciphertext is not None and crypto.is_current(ciphertext):
            return ciphertext
        return crypto.encrypt(str(value))

    def get_lookup(self, lookup_name: str) -> Any:
        return {"exact": BlankExact, "isnull": IsNull}.get(lookup_name)

    def get_transform(self, name: str) -> Any:
        return None


class EncryptedCharField(EncryptedMixin, models.CharField):
    """A short encrypted text (a name, a phone number): a text input, max_length of the plaintext."""


class EncryptedTextField(EncryptedMixin, models.TextField):
    """A long encrypted text (notes)."""


def encrypted_fields(model: type[models.Model]) -> list[models.Field]:
    return [field for field in model._meta.concrete_fields if isinstance(field, EncryptedMixin)]


def concrete_field(model: type[models.Model], name: str) -> models.Field:
    """A model's own field by name (`_meta.get_field` may also answer a reverse relation)."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise FieldError(f"{model._meta.label}.{name} is a reverse relation, not a field")
    return field
