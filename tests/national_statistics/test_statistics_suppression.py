"""Small-cell protection (national_statistics/suppression.py), checked against an independent
oracle: the attacker's exact linear algebra (tests/statistics_attacker.py) over every
sum the grid publishes."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from national_statistics.suppression import complete, determined, protect_column, small
from tests.national_statistics.statistics_attacker import Attacker

THRESHOLD = 5


def column_leaks(cells: list[int], total: int) -> dict:
    """What an attacker solves from one protected column and its total (the sum of its cells)."""
    attacker = Attacker()
    for i, (value, hide) in enumerate(zip(cells, protect_column(cells, threshold=THRESHOLD), strict=True)):
        attacker.publish([i], None if hide else value)
    attacker.publish(["total"], None if small(total, THRESHOLD) else total)
    attacker.equation({**dict.fromkeys(range(len(cells)), 1), "total": -1}, 0)
    return attacker.leaks()


def test_a_small_cell_and_the_smallest_other_cell_are_hidden():
    assert protect_column([20, 3, 12, 0], threshold=THRESHOLD) == [False, True, True, False]


def test_two_small_cells_need_no_complement():
    assert protect_column([3, 2, 10], threshold=THRESHOLD) == [True, True, False]


def test_a_zero_is_hidden_only_when_no_other_cell_can_be():
    assert protect_column([3, 0, 0], threshold=THRESHOLD) == [True, True, False]
    assert protect_column([0, 7, 0], threshold=THRESHOLD) == [False, False, False]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=12), min_size=1, max_size=8))
def test_no_hidden_cell_of_a_column_can_be_solved(cells):
    assert column_leaks(cells, sum(cells)) == {}


def test_a_cross_tabulation_gets_complements_until_its_margins_solve_nothing():
    # (category, sex): the category and sex totals are published elsewhere, both 10 and more.
    cells = {("a", "f"): 9, ("a", "m"): 2, ("b", "f"): 6, ("b", "m"): 8}
    sums = [frozenset(c for c in cells if c[0] == "a"), frozenset(c for c in cells if c[0] == "b"),
            frozenset(c for c in cells if c[1] == "f"), frozenset(c for c in cells if c[1] == "m")]  # fmt: skip
    hidden = complete(cells, {("a", "m")}, sums, [])
    assert hidden == set(cells)  # a 2 x 2 table with its margins: only all four hide the 2
    assert determined(hidden, sums, [frozenset([cell]) for cell in cells]) == []


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=9), min_size=12, max_size=12))
def test_no_hidden_cell_or_margin_of_a_cross_tabulation_can_be_solved(values):
    # shelter x category x sex; the category and sex columns and the total are published by
    # their own grids (protect_column), and the cross-tabulation is completed around them.
    keys = [(s, c, x) for s in "PQ" for c in "abc" for x in "fm"]
    cells = dict(zip(keys, values, strict=True))
    everyone = frozenset(keys)
    margins = []
    for i, options in ((1, "abc"), (2, "fm")):
        column = [frozenset(k for k in keys if k[i] == v) for v in options]
        hide = protect_column([sum(cells[k] for k in m) for m in column], threshold=THRESHOLD)
        margins += list(zip(column, hide, strict=True))
    margins.append((everyone, small(sum(values), THRESHOLD)))
    sums = [m for m, hide in margins if not hide]
    secrets = [m for m, hide in margins if hide]
    hidden = complete(cells, {k for k, n in cells.items() if small(n, THRESHOLD)}, sums, secrets)
    attacker = Attacker()
    for key, n in cells.items():
        attacker.publish([key], None if key in hidden else n)
    for margin, hide in margins:
        name = ("margin", tuple(sorted(margin)))
        attacker.publish([name], None if hide else sum(cells[k] for k in margin))
        attacker.equation({**dict.fromkeys(margin, 1), name: -1}, 0)
    assert attacker.leaks() == {}


def test_a_known_zero_is_hidden_when_the_pattern_of_zeros_would_solve_a_cell():
    # (category, age): the category and age columns are published by their own grids. The
    # zeros of categories b and c among the "n" ages are shown, so "n" is a-n alone: a-n (hidden
    # to protect b-y's 1) would be the published 6 unless one of those zeros is hidden too.
    cells = {("a", "y"): 7, ("a", "n"): 6, ("b", "y"): 1, ("b", "n"): 0, ("c", "y"): 7, ("c", "n"): 0}
    a, b, c, y, n = [frozenset(k for k in cells if k[i] == v) for i, values in ((0, "abc"), (1, "yn")) for v in values]
    assert protect_column([13, 1, 7], threshold=THRESHOLD) == [False, True, True]  # categories b and c hidden
    hidden_margins, sums = [b, c], [a, y, n, frozenset(cells)]
    hidden = complete(cells, {("b", "y")}, sums, hidden_margins)
    assert ("b", "n") in hidden or ("c", "n") in hidden
    assert determined(hidden, sums, [*hidden_margins, *(frozenset([cell]) for cell in hidden)]) == []
