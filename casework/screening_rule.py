"""The COMMIT screening rule (Palermo Protocol Art. 3, as COMMIT uses it): pure functions, no
database access, so that the service, the web form that shows the suggestion live and the tests
all ask the same question.

An element (act, means, purpose) is *present* when the observed indicators reach its threshold
(`element_present`). A screening is *indicative* of trafficking when

    act and purpose and (means or age_at_exploitation < 18)

(`is_indicative`): for a child, act and purpose are enough. Consent is irrelevant once a means is
used, and a child cannot consent at all, so no function here takes a consent parameter. The age
is the age *when exploited*, not today's (`age_at_exploitation`).

The rule only suggests (`suggest_outcome`): the screener confirms or overrides with a reason,
and only a deciding body (police, court, government social services, NGO) confirms an actual
victim, so the rule never suggests `actual_victim`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from casework.ages import ADULT_AGE, HasAge, age_on
from casework.choices import Element, ScreeningOutcome, Strength

# The formula as data: `is_indicative` reads it, and `definition` exports it with the thresholds
# and indicators to the offline app (static/offline/rule.js), which evaluates the same object on
# the device; tests/browser/test_offline_rule.py holds the two evaluations equal case by case.
FORMULA: dict[str, Any] = {
    "adult_age": ADULT_AGE,
    "indicative": {"all": ("act", "purpose"), "any": ("means", "child")},
    "outcomes": {
        "indicative": "possible_victim",
        "some_element": "needs_further_assessment",
        "none": "not_a_victim",
    },
}


@dataclass(frozen=True)
class Threshold:
    """When one element counts as present (casework.models.ElementThreshold without the
    database): at least `strong` strong indicators, or at least `medium` indicators of medium or
    strong strength, or, when `weak` is set, at least `weak` indicators of any strength.

    Every count must be at least 1: a threshold of 0 would make the element present with nothing
    observed. `weak=None` means weak indicators never make an element present: they count only
    towards the `weak` threshold, never as medium ones."""

    strong: int = 1
    medium: int = 2
    weak: int | None = None

    def __post_init__(self) -> None:
        for name in ("strong", "medium", "weak"):
            value = getattr(self, name)
            if value is None and name == "weak":
                continue
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"Threshold.{name} must be a whole number of at least 1, not {value!r}")


# docs/design/domain.md: "default: one strong or two medium indicators", weak ones alone never suffice.
DEFAULT_THRESHOLD = Threshold()


class Observed(Protocol):
    """What the rule needs of an observed indicator (casework.models.Indicator has both)."""

    element: str
    strength: str


def element_present(strengths: Iterable[str], threshold: Threshold = DEFAULT_THRESHOLD) -> bool:
    """Whether one element is present, given the strengths (`Strength` values) of the
    indicators observed for it. Every count only grows as indicators are added, so adding an
    observation never makes a present element absent."""
    counts = Counter(strengths)
    unknown = set(counts) - set(Strength.values)
    if unknown:
        raise ValueError(f"Unknown indicator strength: {sorted(unknown)!r}")
    strong = counts[Strength.STRONG]
    medium_or_strong = strong + counts[Strength.MEDIUM]
    any_strength = medium_or_strong + counts[Strength.WEAK]
    return (
        strong >= threshold.strong
        or medium_or_strong >= threshold.medium
        or (threshold.weak is not None and any_strength >= threshold.weak)
    )


def is_child(age: int | None) -> bool:
    """A known age under 18. An unknown age is not treated as a child's (see `is_indicative`)."""
    return age is not None and age < ADULT_AGE


def is_indicative(*, act: bool, means: bool, purpose: bool, age_at_exploitation: int | None) -> bool:
    """`act and purpose and (means or age_at_exploitation < 18)`.

    An unknown age (None) applies the adult rule, so means are needed: the conservative reading,
    which never labels someone a possible victim on a guess about their age. Where the screener
    believes the person was a child, they override the suggestion with a reason (and should record
    the age, or an estimate, on the person so that the next screening gets it right).

    There is deliberately no consent parameter: consent is irrelevant once a means is used, and a
    child's consent is irrelevant always. The formula is read from `FORMULA`."""
    facts = {"act": act, "means": means, "purpose": purpose, "child": is_child(age_at_exploitation)}
    rule = FORMULA["indicative"]
    return all(facts[name] for name in rule["all"]) and any(facts[name] for name in rule["any"])


def suggest_outcome(*, act: bool, means: bool, purpose: bool, age_at_exploitation: int | None) -> ScreeningOutcome:
    """The outcome the screener is offered: `possible_victim` when indicative;
    `needs_further_assessment` when not indicative but some element is present; `not_a_victim`
    when none is. Never `actual_victim`: only a deciding body confirms that."""
    outcomes = FORMULA["outcomes"]
    if is_indicative(act=act, means=means, purpose=purpose, age_at_exploitation=age_at_exploitation):
        return ScreeningOutcome(outcomes["indicative"])
    if act or means or purpose:
        return ScreeningOutcome(outcomes["some_element"])
    return ScreeningOutcome(outcomes["none"])


class CaseDates(Protocol):
    exploitation_started_on: date | None
    identified_on: date


def exploitation_date(case: CaseDates) -> date:
    """The date the age is taken on: when the exploitation started, else when identified."""
    return case.exploitation_started_on or case.identified_on


def age_at_exploitation(person: HasAge, case: CaseDates) -> int | None:
    """The person's age (casework.ages.age_on) when the exploitation started, or, when that date
    is not known, on the identification date. Someone exploited at 15 and identified at 19 is a
    child case: the age at identification would wrongly demand means. None when neither a birth
    date nor an estimate is known (never negative: casework.services.dates keeps every case date
    after the birth)."""
    return age_on(person, exploitation_date(case))


@dataclass(frozen=True)
class RuleResult:
    """What the rule found for one set of observations; stored on the screening row so that a
    later threshold change does not rewrite history, and shown live by the screening form."""

    act: bool
    means: bool
    purpose: bool
    age: int | None
    indicative: bool
    suggested: ScreeningOutcome

    @property
    def child(self) -> bool:
        return is_child(self.age)


def evaluate(
    observed: Iterable[Observed],
    *,
    age_at_exploitation: int | None,
    thresholds: Mapping[str, Threshold] | None = None,
) -> RuleResult:
    """Apply the whole rule to the observed indicators. `thresholds` maps an element code to its
    threshold; a missing element uses DEFAULT_THRESHOLD (one strong or two medium)."""
    thresholds = thresholds or {}
    strengths: dict[str, list[str]] = {element: [] for element in Element.values}
    for indicator in observed:
        if indicator.element not in strengths:
            raise ValueError(f"Unknown element: {indicator.element!r}")
        strengths[indicator.element].append(indicator.strength)
    present = {
        element: element_present(found, thresholds.get(element, DEFAULT_THRESHOLD))
        for element, found in strengths.items()
    }
    act, means, purpose = present[Element.ACT], present[Element.MEANS], present[Element.PURPOSE]
    return RuleResult(
        act=act,
        means=means,
        purpose=purpose,
        age=age_at_exploitation,
        indicative=is_indicative(act=act, means=means, purpose=purpose, age_at_exploitation=age_at_exploitation),
        suggested=suggest_outcome(act=act, means=means, purpose=purpose, age_at_exploitation=age_at_exploitation),
    )


class DefinedIndicator(Protocol):
    code: str
    element: str
    strength: str
    applies_to: str


def definition(thresholds: Mapping[str, Threshold], indicators: Iterable[DefinedIndicator]) -> dict[str, Any]:
    """The whole rule as JSON-ready data: the formula, each element's threshold and each active
    indicator's element, strength and age group. The offline app evaluates exactly this."""
    return {
        "formula": FORMULA,
        "thresholds": {
            element: {"strong": found.strong, "medium": found.medium, "weak": found.weak}
            for element in Element.values
            for found in [thresholds.get(element, DEFAULT_THRESHOLD)]
        },
        "indicators": {
            item.code: {"element": item.element, "strength": item.strength, "applies_to": item.applies_to}
            for item in indicators
        },
    }
