"""Builders shared by the referral tests: synthetic people, consents, referrals and partner
tokens, all made through the services (tokens excepted: issuing them belongs to the partner API)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from casework.models import ServiceType
from casework.services.people import family_member_add
from referrals import services
from referrals.models import PartnerToken
from tests.factories import open_case

ADULT = {
    "given_name_latin": "Adult",
    "family_name_latin": "Synthetic",
    "sex": "female",
    "date_of_birth": date(1995, 1, 1),
}


# What every disclosed referral carries, whatever the consent: its own fields and the case code.
REFERRAL_KEYS = {
    "id",
    "case_code",
    "status",
    "from_organisation",
    "to_organisation",
    "services",
    "urgency",
    "reason",
    "sent_at",
    "acknowledge_due_at",
    "answer_due_at",
    "decline_reason",
    "outcome",
    "change_seq",
    "consent_status",
    "disclosed_categories",
}


def years_ago(years: int, *, days: int = 0) -> date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) - timedelta(days=days)


def adult_case(actor: Any, **person: Any) -> Any:
    return open_case(actor, person_values={**ADULT, **person})


def child_case(actor: Any) -> Any:
    """Ten years old today, so a child on every date a test uses."""
    values = {"given_name_latin": "Child", "family_name_latin": "Synthetic", "sex": "male"}
    return open_case(
        actor, person_values={**values, "date_of_birth": years_ago(10)}, identified_on=years_ago(0, days=7)
    )


def service_types(*codes: str) -> list[ServiceType]:
    return [ServiceType.objects.get(code=code) for code in codes]


def guardian_of(actor: Any, person: Any, *, is_guardian: bool = True) -> Any:
    return family_member_add(
        actor=actor, person=person, relationship="mother", name="Mother Synthetic", is_guardian=is_guardian
    )


def consent_for(
    actor: Any,
    case: Any,
    recipient: Any,
    *,
    categories: tuple[str, ...] = ("identity",),
    requested: tuple[str, ...] = ("shelter",),
    **values: Any,
) -> Any:
    values.setdefault("purpose", "shelter placement")
    values.setdefault("given_by", "person")
    return services.consent_record(
        actor=actor,
        case=case,
        recipient=recipient,
        data_categories=list(categories),
        service_types=service_types(*requested),
        **values,
    )


def draft_for(
    actor: Any,
    case: Any,
    to: Any,
    *,
    consent: Any = None,
    requested: tuple[str, ...] = ("shelter",),
    categories: tuple[str, ...] = ("identity",),
    urgency: str = "routine",
    reason: str = "needs a safe place",
) -> Any:
    return services.referral_create(
        actor=actor,
        case=case,
        to_organisation=to,
        service_types=service_types(*requested),
        urgency=urgency,
        reason=reason,
        shared_categories=list(categories),
        consent=consent,
    )


def sent_for(actor: Any, case: Any, to: Any, **values: Any) -> Any:
    """A referral sent under a fresh adult consent covering exactly what it shares."""
    categories = values.setdefault("categories", ("identity",))
    requested = values.setdefault("requested", ("shelter",))
    if values.get("consent") is None:
        values["consent"] = consent_for(actor, case, to, categories=categories, requested=requested)
    return services.referral_send(actor=actor, referral=draft_for(actor, case, to, **values))


def token_for(organisation: Any, *, created_by: Any, **values: Any) -> PartnerToken:
    secret = secrets.token_urlsafe(32)
    return PartnerToken.objects.create(
        organisation=organisation,
        name="test client",
        prefix=secret[:8],
        digest=hashlib.sha256(secret.encode()).hexdigest(),
        created_by=created_by,
        **values,
    )
