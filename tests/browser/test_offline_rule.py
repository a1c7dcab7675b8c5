"""The COMMIT rule on the device and on the server are one definition
(casework.screening_rule.definition): the server evaluates it in Python, the field app in
JavaScript (static/offline/rule.js), here in Chromium, on every case of a table (every subset of
one strong, one medium and one weak indicator per element, at ages unknown, 10, 17, 18 and 40,
under the default thresholds and under administrator-set ones), and the two must agree."""

from __future__ import annotations

import itertools
from types import SimpleNamespace
from typing import Any

from casework.ages import age_on
from casework.models import ElementThreshold
from casework.screening_rule import Threshold, evaluate
from offline.selectors import screening_rule

AGES = [None, 10, 17, 18, 40]


def table(rule: dict[str, Any]) -> list[dict[str, Any]]:
    """Every combination of one indicator of each strength per element (where the reference data
    has one), at each age."""
    picks = []
    for element in ("act", "means", "purpose"):
        for strength in ("strong", "medium", "weak"):
            found = [
                code
                for code, row in rule["indicators"].items()
                if (row["element"], row["strength"]) == (element, strength)
            ]
            picks.extend(found[:1])
    cases = []
    for size in range(len(picks) + 1):
        for codes in itertools.combinations(picks, size):
            cases.extend({"codes": list(codes), "age": age} for age in AGES)
    return cases


def in_python(rule: dict[str, Any], codes: list[str], age: int | None) -> dict[str, Any]:
    thresholds = {element: Threshold(**values) for element, values in rule["thresholds"].items()}
    observed = [SimpleNamespace(**rule["indicators"][code]) for code in codes]
    result = evaluate(observed, age_at_exploitation=age, thresholds=thresholds)
    keys = ("act", "means", "purpose", "indicative")
    return {**{key: getattr(result, key) for key in keys}, "suggested": str(result.suggested)}


def in_chromium(page, rule: dict[str, Any], cases: list[dict[str, Any]]) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    return page.evaluate(
        """async ({rule, cases}) => {
            const engine = await import("/static/offline/rule.js");
            return cases.map(({codes, age}) => {
                const {act, means, purpose, indicative, suggested} = engine.evaluate(rule, codes, age);
                return {act, means, purpose, indicative, suggested};
            });
        }""",
        {"rule": rule, "cases": cases},
    )


def test_device_and_server_agree_on_every_case_of_the_table(page):  # type: ignore[no-untyped-def]
    page.goto("/offline/")
    checked = 0
    for thresholds in ({}, {"act": (1, 1, 3), "means": (2, 3, 2), "purpose": (1, 2, None)}):
        for element, (strong, medium, weak) in thresholds.items():
            ElementThreshold.objects.update_or_create(
                element=element, defaults={"strong": strong, "medium": medium, "weak": weak}
            )
        rule = screening_rule()
        cases = table(rule)
        assert len(cases) >= 5 * 2**6, "the reference data should give several indicators per element"
        device = in_chromium(page, rule, cases)
        for case, answer in zip(cases, device, strict=True):
            assert answer == in_python(rule, case["codes"], case["age"]), case
        checked += len(cases)
    outcomes = {answer["suggested"] for answer in device}
    assert outcomes == {"possible_victim", "needs_further_assessment", "not_a_victim"}
    print(f"{checked} cases agree")


def test_device_and_server_agree_on_ages(page):  # type: ignore[no-untyped-def]
    from datetime import date

    page.goto("/offline/")
    people = [
        {"date_of_birth": "2008-05-01", "estimated_age": None, "age_estimated_on": ""},
        {"date_of_birth": "2008-02-29", "estimated_age": None, "age_estimated_on": ""},
        {"date_of_birth": "", "estimated_age": 15, "age_estimated_on": "2024-06-30"},
        {"date_of_birth": "", "estimated_age": None, "age_estimated_on": ""},
    ]
    days = ["2026-02-28", "2026-03-01", "2026-04-30", "2026-05-01", "2030-01-01"]
    device = page.evaluate(
        """async ({people, days}) => {
            const engine = await import("/static/offline/rule.js");
            return people.flatMap((person) => days.map((day) => engine.ageOn(person, day)));
        }""",
        {"people": people, "days": days},
    )
    server = []
    for person in people:
        values = SimpleNamespace(
            date_of_birth=date.fromisoformat(person["date_of_birth"]) if person["date_of_birth"] else None,
            estimated_age=person["estimated_age"],
            age_estimated_on=date.fromisoformat(person["age_estimated_on"]) if person["age_estimated_on"] else None,
        )
        server.extend(age_on(values, date.fromisoformat(day)) for day in days)
    assert device == server
