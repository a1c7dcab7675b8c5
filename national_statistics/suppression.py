"""Small-cell protection of the statistics' fixed grids (pure functions, no database).

Every published figure comes from one fixed grid: one column per calendar year (docs/statistics.md).
A column is a measure's count of that year by one breakdown, with the year's total. It is
protected on its own, the same way whatever table or year range asks for it, so no two answers
disagree about what is hidden:
1. the year's total is hidden when it is from 1 to threshold - 1, and never to protect a cell
   (it is the same figure in every breakdown and in the trend chart);
2. every cell from 1 to threshold - 1 is hidden (primary);
3. a column with exactly one hidden cell gets a complement: its smallest other cell (non-zero
   rather than zero), so the column's sum never isolates a hidden cell.
Nothing else is published: every total over several years or cells is the sum of published
figures, or hidden (tables.py), so it adds no equation. Why this holds across every table: each
hidden cell appears in one equation only, its column's sum, which has at least two unknowns; the
columns of different breakdowns share only the year's total (the persons of a year split by
province and by sex are related only through their number).

Cross-tabulations whose margins are published elsewhere (shelter residents: shelter x category x
age group x sex, whose sums are the category, age and sex columns) go through `complete`: an
exact check (rational Gaussian elimination) that no hidden figure is determined by the published
sums, adding complements until none is.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from fractions import Fraction
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


def small(value: int, threshold: int) -> bool:
    """A count that could point at someone: 1 to threshold - 1 (a zero is nobody)."""
    return 0 < value < threshold


def protect_column(cells: Sequence[int], *, threshold: int) -> list[bool]:
    """Which cells of one year's column are hidden: the small ones, and one more when a single
    cell would otherwise be the only unknown of the column's sum."""
    hidden = [small(value, threshold) for value in cells]
    if sum(hidden) == 1:
        others = [i for i, value in enumerate(cells) if not hidden[i]]
        if others:
            hidden[min(others, key=lambda i: (cells[i] == 0, cells[i], i))] = True
    return hidden


def determined(hidden: set[K], sums: Sequence[frozenset[K]], secrets: Sequence[frozenset[K]]) -> list[frozenset[K]]:
    """The secrets (sums of cells that are not published) whose value the published sums fix.
    Published cells are known, so only the hidden cells are unknowns: a secret is fixed exactly
    when its hidden part lies in the span of the published sums' hidden parts. Hidden cells that
    lie in the same sums and secrets are one column (no published sum tells them apart, so a
    single one of them is never fixed): a handful of columns, whatever the number of cells."""
    wide = [secret for secret in secrets if len(secret) != 1]
    groups: dict[tuple[bool, ...], list[K]] = {}
    for cell in hidden:
        groups.setdefault(tuple(cell in part for part in (*sums, *wide)), []).append(cell)
    keys = list(groups)
    basis: dict[int, list[Fraction]] = {}  # pivot column -> reduced row

    def reduce(row: list[Fraction]) -> list[Fraction]:
        for pivot, base in basis.items():
            if row[pivot]:
                factor = row[pivot]
                row = [a - factor * b for a, b in zip(row, base, strict=True)]
        return row

    for k in range(len(sums)):
        row = reduce([Fraction(int(key[k])) for key in keys])
        pivot = next((i for i, v in enumerate(row) if v), None)
        if pivot is not None:
            row = [v / row[pivot] for v in row]
            for other, base in basis.items():
                if base[pivot]:
                    factor = base[pivot]
                    basis[other] = [a - factor * b for a, b in zip(base, row, strict=True)]
            basis[pivot] = row
    position = {cell: i for i, key in enumerate(keys) for cell in groups[key]}
    found = []
    for secret in secrets:
        if len(secret) == 1:
            (cell,) = secret
            if cell in position and len(groups[keys[position[cell]]]) > 1:
                continue  # a twin in every sum: never fixed alone
            vector = [Fraction(int(cell in position and i == position[cell])) for i in range(len(keys))]
        else:
            j = len(sums) + wide.index(secret)
            vector = [Fraction(int(key[j])) for key in keys]
        if not any(reduce(vector)):
            found.append(secret)
    return found


def complete(
    values: dict[K, int], hidden: set[K], sums: Sequence[frozenset[K]], secrets: Sequence[frozenset[K]]
) -> set[K]:
    """Hide more cells of `values` until no secret (nor any hidden cell) is determined by the
    published `sums`. Each round gives away the cheapest published cell (non-zero before zero,
    then small) next to the first determined secret: in it, or in a published sum that meets it
    (the grand total aside); else the cheapest anywhere. With every cell hidden nothing is
    determined when the sums are whole breakdowns of a product of values whose own columns are
    protected (module docstring), so the rounds end."""
    hidden = set(hidden)
    everything = frozenset(values)
    while found := determined(hidden, sums, [*secrets, *(frozenset([cell]) for cell in hidden)]):
        secret = found[0]
        near = set(secret).union(*(s for s in sums if s & secret and s != everything))
        published = [cell for cell in values if cell not in hidden]
        assert published, "a secret the published sums fix even with every cell hidden"
        candidates = [cell for cell in published if cell in near] or published
        hidden.add(min(candidates, key=lambda cell: (values[cell] == 0, values[cell], repr(cell))))
    return hidden
