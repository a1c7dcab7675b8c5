"""The rules the apps register, and each organisation's settings for them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.functional import Promise

from accounts.models import ReminderOccurrence, ReminderSetting

DEFAULT_ESCALATE_AFTER_DAYS = 3


Occurrences = QuerySet[ReminderOccurrence]


def still_among(occurrences: Occurrences, objects: QuerySet[Any]) -> Occurrences:
    """The occurrences whose object is still among `objects`: the usual `still_due` of a rule."""
    return occurrences.filter(Exists(objects.filter(pk=OuterRef("object_id"))))


@dataclass(frozen=True)
class RuleExtra:
    """Settings of a rule that its own app keeps, shown in the rule's box on the rules page
    (casework: the months of the follow-up visits). `form(organisation, data, prefix)` returns
    the app's form, bound when `data` is given; `save(actor, organisation, cleaned_data)` runs
    in the page's transaction and raises ApplicationError to refuse."""

    form: Callable[[Any, Any, str], forms.Form]
    save: Callable[[Any, Any, dict[str, Any]], None]


@dataclass(frozen=True)
class Rule:
    """A reminder rule. `candidates(window)` returns querysets of rows due in the window (made
    with `Window.rows`); `still_due(open_occurrences)` narrows a queryset of this rule's open
    occurrences to those whose condition still holds (the others are closed)."""

    code: str
    title: Promise
    message: Promise
    days: int
    candidates: Callable[[Any], Iterable[QuerySet[Any]]]
    still_due: Callable[[QuerySet[ReminderOccurrence]], QuerySet[ReminderOccurrence]]
    escalate_after_days: int = DEFAULT_ESCALATE_AFTER_DAYS
    extra: RuleExtra | None = None


_RULES: dict[str, Rule] = {}


def register(*rules: Rule) -> None:
    """Called from an AppConfig.ready(); registering the same code twice keeps the last one."""
    for rule in rules:
        _RULES[rule.code] = rule


def all_rules() -> list[Rule]:
    return list(_RULES.values())


def get_rule(code: str) -> Rule | None:
    return _RULES.get(code)


@dataclass(frozen=True)
class Alert:
    """A notification that is not a reminder: something happened that people must hear about at
    once (notifications/alerts.py). No scan, no escalation, not on the rules page."""

    code: str
    title: Promise
    message: Promise


_ALERTS: dict[str, Alert] = {}


def register_alert(*alerts: Alert) -> None:
    for alert in alerts:
        _ALERTS[alert.code] = alert


def describe(code: str) -> Rule | Alert | None:
    """What a notification's occurrence is about, for the pages and e-mails that show it."""
    return _RULES.get(code) or _ALERTS.get(code)


@dataclass(frozen=True)
class Effective:
    """One rule's settings for one organisation, defaults filled in."""

    rule: Rule
    enabled: bool
    days: int
    escalate_after_days: int
    customised: bool


def effective_settings(organisation_id: Any) -> list[Effective]:
    rows = {row.rule: row for row in ReminderSetting.objects.filter(organisation_id=organisation_id)}
    settings = []
    for rule in all_rules():
        row = rows.get(rule.code)
        settings.append(
            Effective(rule, row.enabled, row.days, row.escalate_after_days, True)
            if row
            else Effective(rule, True, rule.days, rule.escalate_after_days, False)
        )
    return settings
