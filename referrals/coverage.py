"""Which of a case's consents would cover a referral not yet made, and the state of a consent in
plain words: for the pages, so the referral form offers the consents that fit what the worker
chose and says which one is missing. The rule itself is `permissions.consent_problems`, the one
sending applies; here it is only asked of a referral that exists nowhere but in the form."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from casework.models import Case, ServiceType
from referrals import permissions
from referrals.choices import DataCategory
from referrals.models import Consent, Referral

# A consent's state, in the words the pages show.
STATES = {
    "in_force": _("In force"),
    "withdrawn": _("Withdrawn"),
    "expired": _("Expired"),
    "not_yet": _("Not yet in force"),
}


# What the receiving side reads of a referral's consent (selectors.consent_status), in words.
DISCLOSURE_STATES = {
    "active": _("In force"),
    "withdrawn": _("Withdrawn"),
    "expired": _("Expired"),
    "override": _("Shared without consent to protect a life"),
    "missing": _("No consent"),
    "invalid": _("The consent does not cover this referral"),
}


def consent_state(consent: Consent, *, now: datetime | None = None) -> str:
    """in_force, withdrawn, expired or not_yet (a key of STATES)."""
    now = now or timezone.now()
    if consent.withdrawn_at is not None:
        return "withdrawn"
    if consent.expires_at is not None and consent.expires_at <= now:
        return "expired"
    return "not_yet" if consent.given_at > now else "in_force"


def last_day(consent: Consent) -> Any:
    """The last day a consent with an end is valid: the day before the instant it expires when
    that is a midnight (as the pages record it), else that instant's day."""
    if consent.expires_at is None:
        return None
    local = timezone.localtime(consent.expires_at)
    day = local.date()
    if (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0):
        return day.fromordinal(day.toordinal() - 1)
    return day


def category_labels(codes: Iterable[str]) -> list[str]:
    """Data categories as the page's language names them, in the list's order."""
    chosen = set(codes)
    return [str(label) for value, label in DataCategory.choices if value in chosen]


@dataclass(frozen=True)
class Wanted:
    """What a referral the worker is writing would disclose: to whom, which data, for which services."""

    case: Case
    recipient: Organisation
    categories: list[str]
    services: list[ServiceType]


def covering(wanted: Wanted, consents: Iterable[Consent], *, now: datetime | None = None) -> list[Consent]:
    """The consents that would let the referral be sent now (no problem at all)."""
    probe = Referral(case=wanted.case, to_organisation=wanted.recipient, shared_categories=list(wanted.categories))
    probe.service_codes = [service.code for service in wanted.services]  # type: ignore[attr-defined]
    now = now or timezone.now()
    return [consent for consent in consents if not permissions.consent_problems(probe, consent, now=now)]
