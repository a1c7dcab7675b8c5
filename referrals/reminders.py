"""Referrals' reminder rules (registered in ReferralsConfig.ready; engine: notifications).
The sending case's worker is reminded to chase the receiving organisation:

- referral_unacknowledged: still "sent" `days` after it was sent (default 3);
- referral_unanswered: neither accepted nor declined `days` after it was sent (default 7).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from notifications.registry import Occurrences, Rule, register, still_among
from notifications.window import Window
from referrals.choices import ReferralStatus
from referrals.models import Referral

UNACKNOWLEDGED = [ReferralStatus.SENT]
UNANSWERED = [ReferralStatus.SENT, ReferralStatus.ACKNOWLEDGED]


def _in(statuses: Sequence[str]) -> QuerySet[Referral]:
    return Referral.objects.filter(status__in=statuses, sent_at__isnull=False)


def _candidates(statuses: Sequence[str]) -> Callable[[Window], Iterator[QuerySet[Any]]]:
    def candidates(window: Window) -> Iterator[QuerySet[Any]]:
        yield window.rows(_in(statuses), base="sent_at")

    return candidates


def _still_due(statuses: Sequence[str]) -> Callable[[Occurrences], Occurrences]:
    return lambda occurrences: still_among(occurrences, _in(statuses))


RULES = (
    Rule(
        code="referral_unacknowledged",
        title=_("Referral not acknowledged"),
        message=_("A referral sent for this case has not been acknowledged by the receiving organisation."),
        days=3,
        candidates=_candidates(UNACKNOWLEDGED),
        still_due=_still_due(UNACKNOWLEDGED),
    ),
    Rule(
        code="referral_unanswered",
        title=_("Referral not answered"),
        message=_("A referral sent for this case has been neither accepted nor declined."),
        days=7,
        candidates=_candidates(UNANSWERED),
        still_due=_still_due(UNANSWERED),
    ),
)


def register_rules() -> None:
    register(*RULES)
