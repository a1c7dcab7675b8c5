"""The directory document of the cross-border protocol (docs/cross-border.md, "The directory"):
what an instance publishes to a peer that may read its directory of services, and how a received
one is checked before it is stored. Pure functions, no database, like crossborder.protocol."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from crossborder.protocol import VERSION, ProtocolError

MAX_BODY = 2 * 1024 * 1024
MAX_PROVIDERS = 2000
_CODE = re.compile(r"^[A-Za-z0-9_.-]{1,60}$")
# name: (longest text, required)
_NAMED = {"code": (60, True), "name_en": (200, True), "name_lo": (200, False)}
_TEXTS = {"phone": 40, "email": 254, "note": 300}


def document(*, sender: str, generated: str, providers: list[dict[str, Any]]) -> bytes:
    """The bytes of the answer: compact JSON, keys sorted, UTF-8 (as crossborder.protocol.encode)."""
    body = {"v": VERSION, "sender": sender, "generated": generated, "providers": providers}
    return json.dumps(body, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()


def _text(where: str, value: Any, longest: int, *, required: bool) -> str:
    if not isinstance(value, str) or len(value) > longest or (required and not value.strip()):
        raise ProtocolError(where, f"a text of {1 if required else 0} to {longest} characters")
    return value.strip()


def _named(where: str, value: Any, *, code_length: int = 60) -> dict[str, str]:
    """{"code", "name_en", "name_lo"}: a service, an area or the organisation itself."""
    if not isinstance(value, dict):
        raise ProtocolError(where, "an object")
    named = {name: _text(f"{where}.{name}", value.get(name, ""), longest, required=required)
             for name, (longest, required) in _NAMED.items()}  # fmt: skip
    if not _CODE.match(named["code"]) or len(named["code"]) > code_length:
        raise ProtocolError(f"{where}.code", f"letters, digits, '_', '-' or '.', at most {code_length}")
    return named


def _named_list(where: str, value: Any, *, code_length: int) -> list[dict[str, str]]:
    if not isinstance(value, list) or len(value) > 200:
        raise ProtocolError(where, "a list of at most 200 objects")
    return [_named(f"{where}[{index}]", item, code_length=code_length) for index, item in enumerate(value)]


def _provider(where: str, value: Any) -> dict[str, Any]:
    provider: dict[str, Any] = dict(_named(where, value))
    provider["services"] = _named_list(f"{where}.services", value.get("services"), code_length=40)
    provider["areas"] = _named_list(f"{where}.areas", value.get("areas"), code_length=10)
    capacity = value.get("capacity")
    if capacity is not None and (not isinstance(capacity, int) or isinstance(capacity, bool) or capacity < 0):
        raise ProtocolError(f"{where}.capacity", "a whole number from 0, or null")
    provider["capacity"] = capacity
    if not isinstance(value.get("accepting"), bool):
        raise ProtocolError(f"{where}.accepting", "true or false")
    provider["accepting"] = value["accepting"]
    for name, longest in _TEXTS.items():
        provider[name] = _text(f"{where}.{name}", value.get(name, ""), longest, required=False)
    updated = value.get("updated")
    try:
        provider["updated"] = datetime.fromisoformat(updated) if updated is not None else None  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ProtocolError(f"{where}.updated", "an ISO 8601 time, or null") from None
    return provider


def parse(body: bytes, *, sender: str) -> list[dict[str, Any]]:
    """The providers of a received directory, checked; ProtocolError names the first field wrong."""
    if len(body) > MAX_BODY:
        raise ProtocolError("body", "at most 2 MiB")
    try:
        received = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ProtocolError("body", "JSON") from None
    if not isinstance(received, dict):
        raise ProtocolError("body", "a JSON object")
    if received.get("v") != VERSION:
        raise ProtocolError("v", f"must be {VERSION}")
    if received.get("sender") != sender:
        raise ProtocolError("sender", "the peer's instance id")
    providers = received.get("providers")
    if not isinstance(providers, list) or len(providers) > MAX_PROVIDERS:
        raise ProtocolError("providers", f"a list of at most {MAX_PROVIDERS} objects")
    checked = [_provider(f"providers[{index}]", item) for index, item in enumerate(providers)]
    codes = [provider["code"] for provider in checked]
    if len(set(codes)) != len(codes):
        raise ProtocolError("providers", "each organisation code once")
    return checked
