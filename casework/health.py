"""Withholding health and tier-3 content from a representation that also carries other data:
timeline events, lists of service codes, free text written about health services.

Who may see it is decided once, in casework.permissions (view_health for health, view_sensitive
for tier 3); the functions here only apply that answer, so the timeline, referrals, consents,
non-residential records and exports withhold exactly the same things."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q

from casework.choices import AssessmentVisibility, Tier
from casework.models import CaseEvent, ServiceType
from core.permissions import NOTHING

HEALTH_CATEGORY = "health"  # the data category of a consent or referral that shares health needs
# Timeline events about one service: `data.service` names its type (older status changes do not,
# and are withheld from readers without health, as they may be about a health service).
SERVICE_EVENTS = ("service_added", "service_status_changed")
# Timeline events whose `data` lists service types (`services`) and data categories (`categories`).
LISTING_EVENTS = ("consent_recorded", "non_residential_recorded", "referral_created")


def health_codes() -> frozenset[str]:
    """The codes of the service types that are health services (reference data: one query)."""
    return frozenset(ServiceType.objects.filter(health=True).values_list("code", flat=True))


def without_health(codes: Iterable[str], health: frozenset[str] = frozenset()) -> list[str]:
    """Service codes (minus those in `health`) or data categories, minus the health ones."""
    return [code for code in codes if code not in health and code != HEALTH_CATEGORY]


def about_health(service_types: Iterable[ServiceType], categories: Iterable[str] = ()) -> bool:
    """Does a consent, referral or non-residential record name a health service or share health
    data? Then the free text written with it may describe health too."""
    return any(service.health for service in service_types) or HEALTH_CATEGORY in categories


def withhold(
    data: dict[str, Any], services: Iterable[ServiceType], *, categories: str = "", text: Iterable[str] = ()
) -> None:
    """Take the health content out of a record's representation about health: the health
    services from `service_types`, the health category from the list named `categories`, and
    the free text fields `text` (absent, not blanked)."""
    data["service_types"] = [service.code for service in services if not service.health]
    if categories:
        data[categories] = without_health(data[categories])
    for name in text:
        data.pop(name)


PERPETRATOR_EVENTS = ("perpetrator_added", "perpetrator_changed", "perpetrator_linked", "perpetrator_unlinked")


def hidden_events(*, health: bool, sensitive: bool, perpetrators: bool = True) -> Q:
    """Timeline events left out entirely for a reader who may not see health (health services),
    tier 3 (counselling and medical notes) or the perpetrators of the case."""
    hidden = NOTHING if perpetrators else Q(kind__in=PERPETRATOR_EVENTS)
    if not sensitive:
        hidden |= Q(kind="note_added", data__tier=int(Tier.SENSITIVE))
        hidden |= Q(kind="assessment_recorded", data__visibility=AssessmentVisibility.SENSITIVE)
    if not health:
        hidden |= Q(kind="assessment_recorded", data__visibility=AssessmentVisibility.HEALTH)
        hidden |= Q(kind__in=SERVICE_EVENTS) & (Q(data__service__in=list(health_codes())) | ~Q(data__has_key="service"))
    return hidden


def redact_events(events: Iterable[CaseEvent], *, health: bool) -> list[CaseEvent]:
    """The events as a reader without health sees them: the health services and the health data
    category taken out of the lists they carry. The rows are not saved."""
    events = list(events)
    if health:
        return events
    codes = health_codes()
    for event in events:
        if event.kind in LISTING_EVENTS:
            event.data = _redacted(event.data, codes)
    return events


def _redacted(data: dict[str, Any], codes: frozenset[str]) -> dict[str, Any]:
    return {
        key: without_health(value, codes) if key in ("services", "categories") and isinstance(value, list) else value
        for key, value in data.items()
    }
