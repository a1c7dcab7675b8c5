"""Shelters' reminder rules (registered in SheltersConfig.ready; engine: notifications).

- stay_past_discharge: an open stay `days` after its planned discharge date (default 1);
- stay_without_review: an open stay `days` after admission to the shelter (default 90) while
  the case plan has not been approved (reviewed) since that admission.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from casework.models import CasePlan
from notifications.registry import Occurrences, Rule, register, still_among
from notifications.window import Window
from shelters.models import Stay


def open_stays() -> QuerySet[Stay]:
    return Stay.objects.filter(during__endswith__isnull=True)


def _past_discharge() -> QuerySet[Stay]:
    return open_stays().filter(planned_discharge_on__isnull=False)


def _unreviewed() -> QuerySet[Stay]:
    reviewed = CasePlan.objects.filter(case=OuterRef("case"), approved_at__date__gte=OuterRef("episode_started_on"))
    return open_stays().filter(~Exists(reviewed))


def discharge_candidates(window: Window) -> Iterator[QuerySet[Any]]:
    yield window.rows(_past_discharge(), base="planned_discharge_on", date_based=True)


def discharge_still_due(occurrences: Occurrences) -> Occurrences:
    """Discharged, or the planned date moved past the reminder's due time, ends it."""
    return still_among(occurrences, _past_discharge().filter(planned_discharge_on__lte=OuterRef("due_at")))


def review_candidates(window: Window) -> Iterator[QuerySet[Any]]:
    yield window.rows(_unreviewed(), base="episode_started_on", date_based=True)


RULES = (
    Rule(
        code="stay_past_discharge",
        title=_("Stay past the planned discharge"),
        message=_("The person is still in the shelter after the planned discharge date."),
        days=1,
        candidates=discharge_candidates,
        still_due=discharge_still_due,
    ),
    Rule(
        code="stay_without_review",
        title=_("Long stay without a case review"),
        message=_("The person has stayed in the shelter for a long time without an approved case plan."),
        days=90,
        candidates=review_candidates,
        still_due=lambda occurrences: still_among(occurrences, _unreviewed()),
    ),
)


def register_rules() -> None:
    register(*RULES)
