"""The COMMIT screening rule on its own: no database (pytest-django refuses any query in these
tests, so they also prove the rule is pure)."""

import inspect
import json
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from hypothesis import given
from hypothesis import strategies as st

from casework.models import Case, Person
from casework.screening_rule import (
    DEFAULT_THRESHOLD,
    RuleResult,
    Threshold,
    age_at_exploitation,
    element_present,
    evaluate,
    is_indicative,
    suggest_outcome,
)

POSSIBLE, NFA, NOT = "possible_victim", "needs_further_assessment", "not_a_victim"
CHILD_AGES, ADULT_AGES = (0, 10, 17), (18, 40)

# (act, means, purpose) -> (suggestion for an adult or an unknown age, suggestion for a child).
# Written out rather than derived from the formula, so that a wrong formula cannot agree with itself.
TRUTH_TABLE = {
    (False, False, False): (NOT, NOT),
    (True, False, False): (NFA, NFA),
    (False, True, False): (NFA, NFA),
    (False, False, True): (NFA, NFA),
    (True, True, False): (NFA, NFA),
    (True, False, True): (NFA, POSSIBLE),  # the child rule: act + purpose is enough
    (False, True, True): (NFA, NFA),
    (True, True, True): (POSSIBLE, POSSIBLE),
}
ROWS = [
    (act, means, purpose, age, adult if age is None or age >= 18 else child)
    for (act, means, purpose), (adult, child) in TRUTH_TABLE.items()
    for age in (None, *CHILD_AGES, *ADULT_AGES)
]


@pytest.mark.parametrize(("act", "means", "purpose", "age", "expected"), ROWS)
def test_truth_table(act, means, purpose, age, expected):
    """Every combination of the three elements with unknown, child and adult ages (48 rows)."""
    facts = {"act": act, "means": means, "purpose": purpose, "age_at_exploitation": age}
    assert suggest_outcome(**facts) == expected
    assert is_indicative(**facts) is (expected == POSSIBLE)


def test_the_truth_table_covers_every_combination():
    """Guards the table itself: 8 element combinations x 6 ages, no duplicates."""
    assert len(TRUTH_TABLE) == 8
    assert len({row[:4] for row in ROWS}) == 48


def test_an_unknown_age_applies_the_adult_rule():
    """Without an age nobody is labelled a possible victim on a guess: means are needed."""
    assert not is_indicative(act=True, means=False, purpose=True, age_at_exploitation=None)
    assert is_indicative(act=True, means=False, purpose=True, age_at_exploitation=17)
    assert not is_indicative(act=True, means=False, purpose=True, age_at_exploitation=18)


def test_the_rule_has_no_consent_parameter():
    """Consent is irrelevant (Palermo Art. 3(b)); a consent argument must not creep in."""
    for function in (is_indicative, suggest_outcome, evaluate):
        assert not any("consent" in name for name in inspect.signature(function).parameters)


# --- Thresholds ------------------------------------------------------------------------------
def strengths(strong=0, medium=0, weak=0):
    return ["strong"] * strong + ["medium"] * medium + ["weak"] * weak


@pytest.mark.parametrize(
    ("strong", "medium", "expected"),
    [
        (0, 0, False),
        (0, 1, False),
        (0, 2, True),  # two medium
        (1, 0, True),  # one strong
        (1, 1, True),
        (1, 2, True),
        (2, 0, True),
        (2, 1, True),
        (2, 2, True),
    ],
)
@pytest.mark.parametrize("weak", [0, 1, 5])
def test_default_threshold_is_one_strong_or_two_medium_and_ignores_weak(strong, medium, weak, expected):
    """The seeded default; weak indicators never tip it, however many there are."""
    assert element_present(strengths(strong, medium, weak), DEFAULT_THRESHOLD) is expected


def test_the_default_threshold_is_the_seeded_one():
    """The fallback for a missing ElementThreshold row must say what the seeds say."""
    seeded = json.loads((Path(settings.BASE_DIR) / "seeds" / "data" / "casework.json").read_text())["thresholds"]
    assert {row["element"] for row in seeded} == {"act", "means", "purpose"}
    for row in seeded:
        assert Threshold(strong=row["strong"], medium=row["medium"], weak=row["weak"]) == DEFAULT_THRESHOLD


@pytest.mark.parametrize(
    ("threshold", "observed", "expected"),
    [
        (Threshold(strong=2, medium=3), strengths(strong=1), False),
        (Threshold(strong=2, medium=3), strengths(strong=2), True),
        (Threshold(strong=2, medium=3), strengths(medium=2), False),
        (Threshold(strong=2, medium=3), strengths(medium=3), True),
        # a strong indicator also counts towards the medium threshold
        (Threshold(strong=2, medium=2), strengths(strong=1, medium=1), True),
        (Threshold(strong=3, medium=2), strengths(strong=2), True),
        # a weak one does not
        (Threshold(strong=1, medium=2), strengths(medium=1, weak=1), False),
        # weak threshold on: any strength counts
        (Threshold(strong=1, medium=2, weak=3), strengths(weak=2), False),
        (Threshold(strong=1, medium=2, weak=3), strengths(weak=3), True),
        (Threshold(strong=1, medium=2, weak=3), strengths(medium=1, weak=2), True),
        (Threshold(strong=5, medium=5, weak=3), strengths(strong=1, medium=1, weak=1), True),
        (Threshold(strong=5, medium=5, weak=3), strengths(strong=1, medium=1), False),
        (Threshold(strong=1, medium=1), strengths(medium=1), True),
        (Threshold(strong=1, medium=1, weak=1), [], False),
    ],
)
def test_configured_thresholds(threshold, observed, expected):
    """Administrators may raise or lower each count; the three ways to be present stay separate."""
    assert element_present(observed, threshold) is expected


@pytest.mark.parametrize(
    "values",
    [{"strong": 0}, {"medium": 0}, {"weak": 0}, {"strong": -1}, {"medium": True}, {"weak": 1.5}, {"strong": "1"}],
)
def test_a_threshold_below_one_is_refused(values):
    """A zero threshold would make an element present with nothing observed."""
    with pytest.raises(ValueError, match="at least 1"):
        Threshold(**values)


def test_an_unknown_strength_is_an_error_not_a_silent_zero():
    """A typo in the seeds must not quietly weaken the screening."""
    with pytest.raises(ValueError, match="strength"):
        element_present(["strong", "very strong"], DEFAULT_THRESHOLD)


# --- Properties ------------------------------------------------------------------------------
strength_lists = st.lists(st.sampled_from(["strong", "medium", "weak"]), max_size=12)
thresholds = st.builds(
    Threshold,
    strong=st.integers(1, 6),
    medium=st.integers(1, 6),
    weak=st.none() | st.integers(1, 6),
)
ages = st.none() | st.integers(0, 120)
flags = st.booleans()


@given(strength_lists, strength_lists, thresholds)
def test_adding_observations_never_makes_a_present_element_absent(observed, more, threshold):
    """Monotonicity: recording one more indicator can only strengthen the finding."""
    if element_present(observed, threshold):
        assert element_present(observed + more, threshold)


@given(st.lists(st.sampled_from(["strong", "medium", "weak"]), min_size=1, max_size=12), thresholds)
def test_removing_weak_observations_never_matters_without_a_weak_threshold(observed, threshold):
    """With `weak` unset, weak indicators are recorded but never decide."""
    threshold = Threshold(strong=threshold.strong, medium=threshold.medium, weak=None)
    without_weak = [strength for strength in observed if strength != "weak"]
    assert element_present(observed, threshold) is element_present(without_weak, threshold)


@given(flags, flags, flags, st.integers(0, 17))
def test_a_child_never_needs_means(act, means, purpose, age):
    """For anyone under 18 at exploitation, means change nothing about indicativeness."""
    assert is_indicative(act=act, means=means, purpose=purpose, age_at_exploitation=age) is (act and purpose)


@given(flags, flags, ages, ages)
def test_with_means_present_the_age_does_not_matter(act, purpose, age, other_age):
    """Age only replaces missing means; with means, adult, child and unknown agree."""
    first = suggest_outcome(act=act, means=True, purpose=purpose, age_at_exploitation=age)
    second = suggest_outcome(act=act, means=True, purpose=purpose, age_at_exploitation=other_age)
    assert first == second


@given(flags, flags, flags, ages)
def test_the_suggestion_is_never_actual_victim(act, means, purpose, age):
    """Only a deciding body confirms an actual victim."""
    outcome = suggest_outcome(act=act, means=means, purpose=purpose, age_at_exploitation=age)
    assert outcome in {POSSIBLE, NFA, NOT}
    assert outcome != "actual_victim"


observed_indicators = st.lists(
    st.builds(
        SimpleNamespace,
        element=st.sampled_from(["act", "means", "purpose"]),
        strength=st.sampled_from(["strong", "medium", "weak"]),
    ),
    max_size=10,
)
RANK = {NOT: 0, NFA: 1, POSSIBLE: 2}


@given(observed_indicators, observed_indicators, ages, thresholds)
def test_more_indicators_never_lower_the_suggestion(observed, more, age, threshold):
    """Over the whole rule: not a victim < needs further assessment < possible victim."""
    per_element = dict.fromkeys(["act", "means", "purpose"], threshold)
    before = evaluate(observed, age_at_exploitation=age, thresholds=per_element)
    after = evaluate(observed + more, age_at_exploitation=age, thresholds=per_element)
    assert RANK[after.suggested] >= RANK[before.suggested]


# --- evaluate / RuleResult ------------------------------------------------------------------
def indicator(element, strength):
    return SimpleNamespace(element=element, strength=strength)


def test_evaluate_applies_each_elements_own_threshold():
    """Thresholds are per element; an element without one gets the default."""
    observed = [indicator("act", "medium"), indicator("purpose", "strong"), indicator("means", "medium")]
    result = evaluate(observed, age_at_exploitation=30, thresholds={"act": Threshold(strong=1, medium=1)})
    assert result == RuleResult(act=True, means=False, purpose=True, age=30, indicative=False, suggested=NFA)
    assert not result.child


def test_evaluate_a_child_case_without_means():
    """The form shows 'possible victim' for a child with act and purpose only."""
    result = evaluate([indicator("act", "strong"), indicator("purpose", "strong")], age_at_exploitation=15)
    assert (result.act, result.means, result.purpose, result.indicative, result.child) == (
        True,
        False,
        True,
        True,
        True,
    )
    assert result.suggested == POSSIBLE


def test_evaluate_with_nothing_observed_suggests_not_a_victim():
    """An empty screening is a finding too: no element present."""
    assert evaluate([], age_at_exploitation=None).suggested == NOT


def test_evaluate_refuses_an_unknown_element():
    """An indicator filed under a wrong element must not be dropped silently."""
    with pytest.raises(ValueError, match="element"):
        evaluate([indicator("motive", "strong")], age_at_exploitation=20)


# --- Age at exploitation ---------------------------------------------------------------------
def case_on(identified_on, exploitation_started_on=None):
    return Case(identified_on=identified_on, exploitation_started_on=exploitation_started_on)


@pytest.mark.parametrize(("born", "expected"), [(date(2008, 9, 1), 15), (date(2008, 1, 15), 16)])
def test_a_person_exploited_as_a_child_is_a_child_case_though_adult_when_identified(born, expected):
    """Born 2008, exploited 2024, identified 2027: adult now, a child when it happened."""
    person = Person(date_of_birth=born)
    case = case_on(date(2027, 3, 1), exploitation_started_on=date(2024, 6, 1))
    age = age_at_exploitation(person, case)
    assert age == expected
    assert age_at_exploitation(person, case_on(date(2027, 3, 1))) >= 18  # adult at identification
    assert is_indicative(act=True, means=False, purpose=True, age_at_exploitation=age)


def test_without_an_exploitation_date_the_identification_date_counts():
    """The only date known is when the person was identified."""
    person = Person(date_of_birth=date(2008, 9, 1))
    assert age_at_exploitation(person, case_on(date(2026, 8, 31))) == 17
    assert age_at_exploitation(person, case_on(date(2026, 9, 1))) == 18


def test_an_estimated_age_is_carried_to_the_exploitation_date():
    """Many people have no birth certificate: an estimate dated 2027 at 20 means 17 in 2024."""
    person = Person(estimated_age=20, age_estimated_on=date(2027, 3, 1))
    assert age_at_exploitation(person, case_on(date(2027, 3, 1), date(2024, 3, 1))) == 17


def test_an_unknown_age_stays_unknown():
    """No birth date and no estimate: None, which the rule reads as adult."""
    assert age_at_exploitation(Person(), case_on(date(2026, 3, 1), date(2024, 1, 1))) is None
