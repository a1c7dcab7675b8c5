"""The PNG button of the statistics charts (static/js/chart-png.js) in a real headless Chromium:
the chart's SVG drawn on a canvas becomes a PNG file three times the chart's size, offline.
Skipped where Debian's chromium is not installed."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from shelters import charts

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCRIPT = Path(__file__).resolve().parents[2] / "static" / "js" / "chart-png.js"
# Instead of downloading, the page writes what the link would have saved.
CAPTURE = """
HTMLAnchorElement.prototype.click = function () {
  var name = this.download;
  fetch(this.href).then(function (r) { return r.blob(); }).then(function (blob) {
    var image = new Image();
    image.onload = function () {
      document.getElementById("out").textContent = [name, blob.type, image.width, image.height].join(" ");
    };
    image.src = URL.createObjectURL(blob);
  });
};
document.getElementById("save").click();
"""


@pytest.mark.skipif(CHROMIUM is None, reason="needs Chromium")
def test_the_png_button_saves_the_chart_as_a_png(tmp_path):
    svg = charts.trend_chart(
        [2024, 2025, 2026], [("Identified", [10, None, 30]), ("Assisted", [20, 25, 40])], title="Trend"
    )
    page = tmp_path / "chart.html"
    page.write_text(
        f'<!doctype html><html><body><figure id="figure">{svg}</figure>'
        '<button id="save" data-png="figure" data-filename="trend.png">PNG</button><pre id="out"></pre>'
        f"<script>{SCRIPT.read_text()}</script><script>{CAPTURE}</script></body></html>",
        encoding="utf-8",
    )
    result = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--virtual-time-budget=5000",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    found = re.search(r'<pre id="out">([^<]*)</pre>', result.stdout)
    assert found, result.stderr[-2000:]
    name, kind, width, height = found.group(1).split()
    assert (name, kind) == ("trend.png", "image/png")
    view_box = re.search(r'viewBox="0 0 (\S+) (\S+)"', str(svg))
    assert (int(width), int(height)) == (round(float(view_box.group(1)) * 3), round(float(view_box.group(2)) * 3))
