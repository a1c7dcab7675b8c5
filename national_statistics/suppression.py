"""Small-cell protection of two-way tables with margins (pure functions, no database).

A table has inner cells (row x column), a total per row, a total per column and a grand total.
1. Primary suppression: every cell, totals included, with 0 < count < threshold is hidden.
2. Secondary suppression, repeated until nothing changes:
   a. a line (a row with its total, a column with its total, the row of column totals with the
      grand total, the column of row totals with the grand total) with exactly one hidden cell
      gets more: the cheapest rectangle through that cell (three more cells, preferring inner
      cells to totals, non-zero cells to zeros, then the smallest sum);
   b. a hidden cell that could still be solved exactly from the published cells through several
      lines at once gets a complementary cell (see `_solvable`).
The result: no hidden cell can be computed from the published ones by adding and subtracting
rows, columns and totals. Why (b) is exact: the lines of such a table form a bipartite graph
(row lines vs column lines, the total row and total column included) whose edges are the cells;
the values of the hidden cells are fixed by the published ones exactly when a hidden cell is a
bridge of the graph of hidden cells, i.e. lies on no cycle of hidden cells (the equations of a
cycle can absorb +d, -d, +d, ... around it). So every hidden cell is put on a cycle.

Totals that count distinct persons can be smaller than the sum of their cells; they are
protected as if they were sums, the safer assumption (the attacker then learns less, not more).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

# A cell of the extended grid: (row index, column index); the index len(rows) / len(cols) is the
# total row / total column.
Cell = tuple[int, int]


@dataclass(frozen=True)
class Protected:
    """A table as published: `None` where a cell is hidden."""

    rows: list[Hashable]
    cols: list[Hashable]
    cells: list[list[int | None]]
    row_totals: list[int | None]
    col_totals: list[int | None]
    grand_total: int | None
    primary: frozenset[Cell] = field(default_factory=frozenset)
    secondary: frozenset[Cell] = field(default_factory=frozenset)

    @property
    def hidden(self) -> frozenset[Cell]:
        return self.primary | self.secondary


def protect(
    rows: Sequence[Hashable],
    cols: Sequence[Hashable],
    cells: Sequence[Sequence[int]],
    row_totals: Sequence[int],
    col_totals: Sequence[int],
    grand_total: int,
    *,
    threshold: int,
) -> Protected:
    """Hide the small cells of a table and enough others that none can be recovered."""
    m, n = len(rows), len(cols)
    grid: dict[Cell, int] = {(i, j): int(cells[i][j]) for i in range(m) for j in range(n)}
    grid.update({(i, n): int(row_totals[i]) for i in range(m)})
    grid.update({(m, j): int(col_totals[j]) for j in range(n)})
    grid[(m, n)] = int(grand_total)
    primary = {cell for cell, value in grid.items() if 0 < value < threshold}
    hidden = set(primary)
    while True:
        changed = _complete_lines(grid, hidden, m, n)
        bridge = _solvable(hidden)
        if bridge is not None:
            hidden.add(_complement(grid, hidden, bridge))
            changed = True
        if not changed:
            break

    def shown(cell: Cell) -> int | None:
        return None if cell in hidden else grid[cell]

    return Protected(
        rows=list(rows),
        cols=list(cols),
        cells=[[shown((i, j)) for j in range(n)] for i in range(m)],
        row_totals=[shown((i, n)) for i in range(m)],
        col_totals=[shown((m, j)) for j in range(n)],
        grand_total=shown((m, n)),
        primary=frozenset(primary),
        secondary=frozenset(hidden - primary),
    )


def lines(m: int, n: int) -> list[list[Cell]]:
    """Every additive line of an m x n table with margins: each row (with its total), each column
    (with its total), the total row and the total column (with the grand total)."""
    found = [[(i, j) for j in range(n + 1)] for i in range(m + 1)] + [
        [(i, j) for i in range(m + 1)] for j in range(n + 1)
    ]
    return [line for line in found if len(line) > 1]  # a table without rows has one-cell "columns"


def _cost(grid: dict[Cell, int], cells: list[Cell]) -> tuple[int, int, int]:
    """The price of hiding `cells`: totals first (they are published in other tables too, so
    hiding one here protects little), then zeros (a zero may be known to be zero and then hides
    nothing), then the counts themselves."""
    m, n = max(grid)
    return (
        sum(i == m or j == n for i, j in cells),
        sum(grid[cell] == 0 for cell in cells),
        sum(grid[cell] for cell in cells),
    )


def _single(hidden: set[Cell], m: int, n: int) -> tuple[Cell, list[Cell]] | None:
    """A hidden cell alone in one of its lines, with the line, or None."""
    for line in lines(m, n):
        found = [cell for cell in line if cell in hidden]
        if len(found) == 1:
            return found[0], line
    return None


def _complete_lines(grid: dict[Cell, int], hidden: set[Cell], m: int, n: int) -> bool:
    """Rule (a): a hidden cell alone in its row or column gets the cheapest rectangle of
    complements: (r, j), (i, c) and (i, j) for some other row i and column j. A rectangle is a
    cycle, so it also settles rule (b) for that cell, and it leaves no line with a single hidden
    cell (rows i and columns j get two), so nothing cascades."""
    changed = False
    while (single := _single(hidden, m, n)) is not None:
        (r, c), line = single
        options = [
            [x for x in ((r, j), (i, c), (i, j)) if x not in hidden]
            for i in range(m + 1)
            if i != r
            for j in range(n + 1)
            if j != c
        ]
        if options:
            hidden.update(min(options, key=lambda added: (_cost(grid, added), sorted(added))))
        else:  # a table without rows or columns: only its line of totals
            hidden.add(_smallest(grid, [x for x in line if x not in hidden]))  # type: ignore[arg-type]
        changed = True
    return changed


def _smallest(grid: dict[Cell, int], candidates: list[Cell]) -> Cell | None:
    """The cheapest single cell to give away (see `_cost`; ties: the first)."""
    if not candidates:
        return None
    return min(candidates, key=lambda cell: (_cost(grid, [cell]), cell))


def _solvable(hidden: set[Cell]) -> Cell | None:
    """A hidden cell that lies on no cycle of hidden cells (a bridge), or None. Row line i is
    node ('r', i), column line j node ('c', j); a cell joins its row and its column."""
    adjacency: dict[tuple[str, int], list[tuple[tuple[str, int], Cell]]] = {}
    for cell in sorted(hidden):
        i, j = cell
        adjacency.setdefault(("r", i), []).append((("c", j), cell))
        adjacency.setdefault(("c", j), []).append((("r", i), cell))
    order: dict[tuple[str, int], int] = {}
    low: dict[tuple[str, int], int] = {}
    for root in adjacency:
        if root in order:
            continue
        # Iterative depth-first search (Tarjan's bridges), the entering edge remembered by cell.
        order[root] = low[root] = len(order)
        stack: list[tuple[tuple[str, int], Cell | None, int]] = [(root, None, 0)]
        while stack:
            node, via, index = stack.pop()
            if index < len(adjacency[node]):
                stack.append((node, via, index + 1))
                nxt, cell = adjacency[node][index]
                if cell == via:
                    continue
                if nxt in order:
                    low[node] = min(low[node], order[nxt])
                else:
                    order[nxt] = low[nxt] = len(order)
                    stack.append((nxt, cell, 0))
            elif stack:
                parent = stack[-1][0]
                low[parent] = min(low[parent], low[node])
                if low[node] > order[parent]:
                    return via
    return None


def _complement(grid: dict[Cell, int], hidden: set[Cell], bridge: Cell) -> Cell:
    """The smallest published cell that closes a cycle through `bridge`: one joining a line on
    the bridge's row side to a line on its column side (found without the bridge)."""
    rest = hidden - {bridge}
    row_side = _reachable(("r", bridge[0]), rest)
    col_side = _reachable(("c", bridge[1]), rest)
    candidates = [
        cell
        for cell in grid
        if cell not in hidden
        and (
            (("r", cell[0]) in row_side and ("c", cell[1]) in col_side)
            or (("r", cell[0]) in col_side and ("c", cell[1]) in row_side)
        )
    ]
    chosen = _smallest(grid, candidates)
    assert chosen is not None, "a bridge always has a complement once every line has two hidden cells"
    return chosen


def _reachable(start: tuple[str, int], hidden: set[Cell]) -> set[tuple[str, int]]:
    seen = {start}
    todo = [start]
    while todo:
        kind, index = todo.pop()
        for i, j in hidden:
            if (kind == "r" and i == index) or (kind == "c" and j == index):
                nxt = ("c", j) if kind == "r" else ("r", i)
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
    return seen
