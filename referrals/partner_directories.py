"""Partner countries' directories on the directory page. The app that holds them (crossborder)
registers here at start-up; referrals imports no such app (tests/test_layering.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

HERE = "here"


@dataclass(frozen=True)
class PartnerDirectories:
    # user -> [(value, label)]: the partner countries (peers) the user may read providers of
    countries: Callable[[Any], list[tuple[str, str]]]
    # user, country value ("" for every partner) -> [(area code, name)]
    areas: Callable[[Any, str], list[tuple[str, str]]]
    # user, country value, service code, area code -> the template's groups
    groups: Callable[[Any, str, str, str], list[dict[str, Any]]]
    template: str


_SOURCES: list[PartnerDirectories] = []


def register_partner_directories(source: PartnerDirectories) -> None:
    _SOURCES.append(source)


def sources() -> list[PartnerDirectories]:
    return list(_SOURCES)
