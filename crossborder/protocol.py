"""The message envelope of the cross-border protocol, version 1 (docs/cross-border.md, "Messages"):
how a message is written and how a received one is checked before it is stored. Pure functions:
no database, so another system can be tested against the same rules."""

from __future__ import annotations

import json
import uuid
from datetime import date
from typing import Any

from crossborder.choices import Kind, Purpose, step_named
from referrals.choices import DataCategory

VERSION = 1
MAX_BODY = 64 * 1024
TEXT_LIMIT = 2000
# The person fields each data category allows (all optional).
PERSON_FIELDS: dict[str, tuple[str, ...]] = {
    DataCategory.IDENTITY: (
        "given_name_latin",
        "family_name_latin",
        "given_name_lo",
        "family_name_lo",
        "sex",
        "date_of_birth",
        "estimated_age",
    ),
    DataCategory.CONTACT: ("phone",),
    DataCategory.ORIGIN: ("origin_province", "origin_village"),
    DataCategory.LANGUAGE: ("languages", "interpreter_needed"),
    DataCategory.CASE_SUMMARY: ("case_category",),
}


class ProtocolError(ValueError):
    """The envelope is not a valid message of this version (400); `field` names what is wrong."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


def encode(envelope: dict[str, Any]) -> bytes:
    """The bytes sent and signed: compact JSON, keys sorted, UTF-8."""
    return json.dumps(envelope, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()


def envelope(
    *,
    message_id: uuid.UUID,
    transfer_id: uuid.UUID,
    seq: int,
    kind: str,
    sender: str,
    created: str,
    data: dict[str, Any],
) -> dict[str, Any]:
    return {
        "v": VERSION,
        "id": str(message_id),
        "transfer": str(transfer_id),
        "seq": seq,
        "kind": kind,
        "sender": sender,
        "created": created,
        "data": data,
    }


def _text(data: dict[str, Any], name: str, *, required: bool = True) -> str:
    value = data.get(name, "")
    if not isinstance(value, str) or len(value) > TEXT_LIMIT or (required and not value.strip()):
        raise ProtocolError(f"data.{name}", "a text of 1 to 2000 characters" if required else "a text")
    return value


def _date(data: dict[str, Any], name: str, *, required: bool = True) -> str | None:
    value = data.get(name)
    if value is None and not required:
        return None
    try:
        date.fromisoformat(value)  # type: ignore[arg-type]  # anything else is the error below
    except (TypeError, ValueError):
        raise ProtocolError(f"data.{name}", "a date, YYYY-MM-DD") from None
    return str(value)


def _check_person_field(name: str, value: Any) -> None:
    """Each person field has one JSON type (a date as YYYY-MM-DD), so that the receiver can store it."""
    if name == "date_of_birth":
        _date({name: value}, name)
        return
    ok = {
        "estimated_age": isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 120,
        "interpreter_needed": isinstance(value, bool),
        "languages": isinstance(value, list) and all(isinstance(code, str) and len(code) <= 10 for code in value),
    }.get(name, isinstance(value, str) and len(value) <= 200)
    if not ok:
        raise ProtocolError(f"data.person.{name}", "not of the field's type (docs/cross-border.md)")


def _check_provider(provider: Any) -> None:
    """A referral's optional receiving service: the organisation's code in the receiver's
    directory and the service's code there ("" when no service was named)."""
    if provider is None:
        return
    if not isinstance(provider, dict) or set(provider) - {"organisation", "service"}:
        raise ProtocolError("data.provider", "an object with organisation and service")
    organisation, service = provider.get("organisation"), provider.get("service", "")
    if not isinstance(organisation, str) or not 1 <= len(organisation) <= 60:
        raise ProtocolError("data.provider.organisation", "an organisation code of 1 to 60 characters")
    if not isinstance(service, str) or len(service) > 40:
        raise ProtocolError("data.provider.service", "a service code of at most 40 characters")


def _check_data(kind: str, data: dict[str, Any]) -> None:
    if kind == Kind.REFERRAL:
        if data.get("purpose") not in Purpose.values:
            raise ProtocolError("data.purpose", "repatriation or reintegration")
        _text(data, "reason")
        categories = data.get("categories")
        if not isinstance(categories, list) or not set(categories) <= set(PERSON_FIELDS):
            raise ProtocolError("data.categories", "a list of " + ", ".join(PERSON_FIELDS))
        person = data.get("person")
        if not isinstance(person, dict):
            raise ProtocolError("data.person", "an object")
        allowed = {field for category in categories for field in PERSON_FIELDS[category]}
        extra = sorted(set(person) - allowed)
        if extra:
            raise ProtocolError("data.person", "fields outside the shared categories: " + ", ".join(extra))
        for name, value in person.items():
            _check_person_field(name, value)
        _text(data, "case_code")
        _check_provider(data.get("provider"))
    elif kind == Kind.DECLINED:
        _text(data, "reason")
    elif kind == Kind.INFO_REQUESTED:
        _text(data, "question")
    elif kind == Kind.INFO_PROVIDED:
        _text(data, "answer")
    elif kind == Kind.STEP_DONE:
        step = step_named(str(data.get("step")))
        if step is None:
            raise ProtocolError("data.step", "a step code")
        _date(data, "done_on")
        _date(data, "agreed_date", required=step.carries_date)
        _text(data, "note", required=False)


def parse(body: bytes) -> dict[str, Any]:
    """The envelope of a received body, checked; ProtocolError names the first field wrong."""
    if len(body) > MAX_BODY:
        raise ProtocolError("body", "at most 64 KiB")
    try:
        message = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ProtocolError("body", "JSON") from None
    if not isinstance(message, dict):
        raise ProtocolError("body", "a JSON object")
    if message.get("v") != VERSION:
        raise ProtocolError("v", f"must be {VERSION}")
    for name in ("id", "transfer"):
        try:
            uuid.UUID(str(message.get(name)))
        except ValueError:
            raise ProtocolError(name, "a UUID") from None
    seq = message.get("seq")
    if not isinstance(seq, int) or isinstance(seq, bool) or not 1 <= seq <= 100_000:
        raise ProtocolError("seq", "an integer from 1")
    if message.get("kind") not in Kind.values:
        raise ProtocolError("kind", "one of " + ", ".join(Kind.values))
    if not isinstance(message.get("sender"), str):
        raise ProtocolError("sender", "the sender's instance id")
    if not isinstance(message.get("data"), dict):
        raise ProtocolError("data", "an object")
    if message["kind"] == Kind.REFERRAL and seq != 1:
        raise ProtocolError("seq", "a referral is the origin's message 1")
    _check_data(message["kind"], message["data"])
    return message
