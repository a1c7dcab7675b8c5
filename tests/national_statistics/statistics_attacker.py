"""An attacker of published statistics: every published figure is a linear equation over the
unknown true counts; exact rational Gaussian elimination (independent of the code under test)
tells which unknowns the equations fix. A hidden count is leaked when it is fixed."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from fractions import Fraction

Var = Hashable


class Attacker:
    def __init__(self) -> None:
        self.equations: dict[frozenset[tuple[Var, int]], int] = {}
        self.hidden: set[Var] = set()
        self.published: list[int] = []

    def equation(self, terms: dict[Var, int], value: int) -> None:
        """sum(coefficient * unknown) = value (a structural identity has value 0)."""
        key = frozenset((var, c) for var, c in terms.items() if c)
        if key:
            self.equations[key] = value

    def publish(self, variables: Iterable[Var], value: int | None) -> None:
        """A published figure: the sum of `variables`, or hidden (None)."""
        variables = list(variables)
        if value is None:
            if len(variables) == 1:
                self.hidden.add(variables[0])
            return
        self.published.append(value)
        terms: dict[Var, int] = {}
        for var in variables:
            terms[var] = terms.get(var, 0) + 1
        self.equation(terms, value)

    def determined(self) -> dict[Var, Fraction]:
        """Every unknown the equations fix, with its value (reduced row echelon form over Q).
        Raises if the equations contradict each other (the attacker's model would be wrong)."""
        pivots: dict[Var, tuple[dict[Var, Fraction], Fraction]] = {}
        for key, value in sorted(self.equations.items(), key=lambda item: len(item[0])):
            row = {var: Fraction(c) for var, c in key}
            const = Fraction(value)
            for var in [v for v in row if v in pivots]:
                factor = row.pop(var, Fraction(0))
                if factor:
                    base, base_const = pivots[var]
                    for other, c in base.items():
                        row[other] = row.get(other, Fraction(0)) - factor * c
                        if not row[other]:
                            del row[other]
                    const -= factor * base_const
            if not row:
                assert const == 0, "the attacker's equations contradict each other: the model is wrong"
                continue
            pivot = min(row, key=repr)
            lead = row.pop(pivot)
            row = {var: c / lead for var, c in row.items()}
            const /= lead
            for var, (base, base_const) in list(pivots.items()):
                factor = base.pop(pivot, Fraction(0))
                if factor:
                    for other, c in row.items():
                        base[other] = base.get(other, Fraction(0)) - factor * c
                        if not base[other]:
                            del base[other]
                    pivots[var] = (base, base_const - factor * const)
            pivots[pivot] = (row, const)
        return {var: const for var, (row, const) in pivots.items() if not row}

    def leaks(self) -> dict[Var, Fraction]:
        """The hidden counts that the published figures fix."""
        return {var: value for var, value in self.determined().items() if var in self.hidden}
