"""Server-rendered SVG charts for the report page: no script, no web font, no CDN (the system
runs offline). Each chart scales to its container (`viewBox`, width 100 %) and is drawn for a
360 px phone screen; `<title>` and `<desc>` name it and say what it shows for screen readers,
and every number it shows is also a text label (and in the tables beside it on the page).

All text is XML-escaped here, so the templates may output the result as is."""

from __future__ import annotations

import math
from collections.abc import Sequence
from xml.sax.saxutils import escape

from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from shelters.reports import PLAUSIBLE_UTILISATION, ShelterTableRow, UtilisationPoint

WIDTH = 360
INK = "#1b1b1b"
MUTED = "#5f6b73"
GRID = "#d9dee2"
AREA = "#0b4f6c"
REFERENCE = "#a4000f"
FONT = 'font-family="inherit" font-size="11"'


def _n(value: float) -> str:
    """A coordinate with one decimal, never in scientific notation."""
    return f"{value:.1f}"


def _percent(value: float) -> str:
    return _("%(value)s %%") % {"value": number_format(round(value), 0)}


def _svg(chart_id: str, height: float, title: str, desc: str, body: list[str]) -> SafeString:
    return mark_safe(  # noqa: S308 - every text inside is escaped above; numbers are formatted here
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {_n(height)}" width="100%" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" class="chart">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>' + "".join(body) + "</svg>"
    )


def _empty(chart_id: str, title: str, message: str) -> SafeString:
    text = f'<text x="{WIDTH / 2}" y="40" text-anchor="middle" fill="{MUTED}" {FONT}>{escape(message)}</text>'
    return _svg(chart_id, 64, title, message, [text])


# --- Utilisation over time ---------------------------------------------------------------------
def utilisation_chart(points: Sequence[UtilisationPoint], *, chart_id: str = "utilisation") -> SafeString:
    """Utilisation per month (or week) as a filled line, with dashed lines at HUD's plausible
    range (65 % and 105 %). A period without any bed available is a gap in the line."""
    title = _("Bed utilisation over time")
    rates = [point.utilisation for point in points]
    known = [rate for rate in rates if rate is not None]
    if not known:
        return _empty(chart_id, title, _("No bed was available in this period."))
    low, high = PLAUSIBLE_UTILISATION
    left, right, top, bottom, height = 40.0, 22.0, 12.0, 34.0, 220.0
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    y_max = max(120.0, math.ceil(max(known) / 20) * 20)

    def x(index: int) -> float:
        return left + (plot_w / 2 if len(points) == 1 else plot_w * index / (len(points) - 1))

    def y(rate: float) -> float:
        return top + plot_h * (1 - rate / y_max)

    body = []
    for tick in range(0, int(y_max) + 1, 20):  # grid and y labels
        body.append(
            f'<line x1="{_n(left)}" x2="{_n(WIDTH - right)}" y1="{_n(y(tick))}" y2="{_n(y(tick))}" stroke="{GRID}"/>'
        )
        body.append(
            f'<text x="{_n(left - 4)}" y="{_n(y(tick) + 4)}" text-anchor="end" fill="{MUTED}" {FONT}>'
            f"{escape(_percent(tick))}</text>"
        )
    for segment in _segments(rates):  # the filled line, broken where a rate is missing
        coords = [(x(i), y(rates[i])) for i in segment]  # type: ignore[arg-type]
        if len(coords) == 1:
            cx, cy = coords[0]
            body.append(f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="3" fill="{AREA}"/>')
            continue
        line = " ".join(f"{_n(cx)},{_n(cy)}" for cx, cy in coords)
        base = f"{_n(coords[-1][0])},{_n(y(0))} {_n(coords[0][0])},{_n(y(0))}"
        body.append(f'<polygon points="{line} {base}" fill="{AREA}" fill-opacity="0.18"/>')
        body.append(f'<polyline points="{line}" fill="none" stroke="{AREA}" stroke-width="2"/>')
    for rate in (low, high):  # HUD's plausible range
        body.append(
            f'<line x1="{_n(left)}" x2="{_n(WIDTH - right)}" y1="{_n(y(rate))}" y2="{_n(y(rate))}" '
            f'stroke="{REFERENCE}" stroke-dasharray="5 4"/>'
        )
        body.append(
            f'<text x="{_n(WIDTH - right - 2)}" y="{_n(y(rate) - 3)}" text-anchor="end" fill="{REFERENCE}" {FONT}>'
            f"{escape(_percent(rate))}</text>"
        )
    every = max(1, math.ceil(len(points) / 6))  # at most about six dates under the axis
    for index in range(0, len(points), every):
        label = points[index].start.strftime("%Y-%m" if _is_monthly(points) else "%m-%d")
        body.append(
            f'<text x="{_n(x(index))}" y="{_n(height - bottom + 16)}" text-anchor="middle" fill="{INK}" {FONT}>'
            f"{escape(label)}</text>"
        )
    desc = _(
        "Share of available bed nights that were occupied, from %(start)s to %(end)s, in %(count)s steps: "
        "lowest %(low)s, highest %(high)s. Dashed lines mark the plausible range, %(min)s to %(max)s."
    ) % {
        "start": points[0].start.isoformat(),
        "end": points[-1].end.isoformat(),
        "count": len(points),
        "low": _percent(min(known)),
        "high": _percent(max(known)),
        "min": _percent(low),
        "max": _percent(high),
    }
    return _svg(chart_id, height, title, desc, body)


def _segments(values: Sequence[float | None]) -> list[list[int]]:
    """Runs of consecutive indexes whose value is known."""
    runs: list[list[int]] = []
    for index, value in enumerate(values):
        if value is None:
            continue
        if runs and runs[-1][-1] == index - 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    return runs


def _is_monthly(points: Sequence[UtilisationPoint]) -> bool:
    return len(points) < 2 or (points[1].start - points[0].start).days > 7


# --- Bars -------------------------------------------------------------------------------------
def bar_chart(
    items: Sequence[tuple[str, int | None]], *, title: str, empty: str, chart_id: str, hidden_label: str = ""
) -> SafeString:
    """Horizontal bars, each labelled with its name and count. A count of None is a hidden
    (suppressed) figure: no bar, only `hidden_label`, so the chart never shows more than the
    table beside it."""
    known = [value for _label, value in items if value]
    if not known:
        return _empty(chart_id, title, empty)
    label_w, bar_left, value_w, row_h, top = 150.0, 156.0, 56.0, 24.0, 6.0
    bar_max = WIDTH - bar_left - value_w
    largest = max(known)
    body = []
    for index, (label, value) in enumerate(items):
        y = top + index * row_h
        width = 0.0 if value is None else bar_max * value / largest
        shown = hidden_label if value is None else number_format(value, 0, force_grouping=True)
        body.append(
            f'<text x="{_n(label_w)}" y="{_n(y + 15)}" text-anchor="end" fill="{INK}" {FONT}>{escape(label)}</text>'
        )
        if value:
            body.append(f'<rect x="{_n(bar_left)}" y="{_n(y + 4)}" width="{_n(width)}" height="14" fill="{AREA}"/>')
        body.append(f'<text x="{_n(bar_left + width + 4)}" y="{_n(y + 15)}" fill="{INK}" {FONT}>{escape(shown)}</text>')
    desc = "; ".join(f"{label}: {hidden_label if value is None else value}" for label, value in items)
    return _svg(chart_id, top * 2 + row_h * len(items), title, desc, body)


def category_chart(rows: Sequence[ShelterTableRow], *, chart_id: str = "categories") -> SafeString:
    """Residents per category as horizontal bars, each labelled with its name and count."""
    return bar_chart(
        [(row.label, row.total) for row in rows if row.category is not None and row.exploitation is None],
        title=_("Residents by category"),
        empty=_("Nobody resided in these shelters in this period."),
        chart_id=chart_id,
    )


# --- Trends by year ------------------------------------------------------------------------------
SERIES_COLOURS = ("#0b4f6c", "#a4000f", "#2e7d32", "#b35c00", "#6a3d9a", "#5f6b73")


def trend_chart(
    years: Sequence[int], series: Sequence[tuple[str, Sequence[int | None]]], *, title: str, chart_id: str = "trend"
) -> SafeString:
    """One line per series over the years, with a legend; a hidden (None) figure is a gap in
    its line, never a point."""
    values = [value for _label, points in series for value in points if value is not None]
    if not years or not values:
        return _empty(chart_id, title, _("No figure to show for these years."))
    left, right, top, bottom = 44.0, 16.0, 12.0, 30.0
    legend_h = 16.0 * len(series)
    height = 200.0 + legend_h
    plot_w, plot_h = WIDTH - left - right, 200.0 - top - bottom
    step = _nice_step(max(values))
    y_max = max(step, math.ceil(max(values) / step) * step)

    def x(index: int) -> float:
        return left + (plot_w / 2 if len(years) == 1 else plot_w * index / (len(years) - 1))

    def y(value: float) -> float:
        return top + plot_h * (1 - value / y_max)

    body = []
    for tick in range(0, int(y_max) + 1, step):
        body.append(
            f'<line x1="{_n(left)}" x2="{_n(WIDTH - right)}" y1="{_n(y(tick))}" y2="{_n(y(tick))}" stroke="{GRID}"/>'
        )
        body.append(
            f'<text x="{_n(left - 4)}" y="{_n(y(tick) + 4)}" text-anchor="end" fill="{MUTED}" {FONT}>'
            f"{escape(number_format(tick, 0, force_grouping=True))}</text>"
        )
    every = max(1, math.ceil(len(years) / 6))
    for index in range(0, len(years), every):
        body.append(
            f'<text x="{_n(x(index))}" y="{_n(200.0 - bottom + 16)}" text-anchor="middle" fill="{INK}" {FONT}>'
            f"{years[index]}</text>"
        )
    for number, (label, points) in enumerate(series):
        colour = SERIES_COLOURS[number % len(SERIES_COLOURS)]
        for segment in _segments(points):
            coords = " ".join(f"{_n(x(i))},{_n(y(points[i]))}" for i in segment)  # type: ignore[arg-type]
            if len(segment) == 1:
                i = segment[0]
                body.append(f'<circle cx="{_n(x(i))}" cy="{_n(y(points[i]))}" r="3" fill="{colour}"/>')  # type: ignore[arg-type]
            else:
                body.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2"/>')
        legend_y = 200.0 + 16.0 * number
        body.append(f'<rect x="{_n(left)}" y="{_n(legend_y)}" width="12" height="4" fill="{colour}"/>')
        body.append(f'<text x="{_n(left + 18)}" y="{_n(legend_y + 6)}" fill="{INK}" {FONT}>{escape(label)}</text>')
    desc = "; ".join(
        f"{label}: "
        + ", ".join(f"{year} {'—' if value is None else value}" for year, value in zip(years, points, strict=True))
        for label, points in series
    )
    return _svg(chart_id, height, title, desc, body)


def _nice_step(largest: float) -> int:
    """A round grid step giving about four to eight lines."""
    step = 1
    while largest / step > 8:
        for factor in (2, 2.5, 2):
            step = int(step * factor)
            if largest / step <= 8:
                break
    return step


def standalone(svg: SafeString) -> bytes:
    """A chart as an .svg file of its own."""
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + str(svg)).encode()
