"""The PNG button of the statistics charts (static/js/chart-png.js) in a real headless Chromium:
the chart's SVG drawn on a canvas becomes a PNG file three times the chart's size, offline."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Browser

from shelters import charts

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


def test_the_png_button_saves_the_chart_as_a_png(browser: Browser) -> None:
    svg = charts.trend_chart(
        [2024, 2025, 2026], [("Identified", [10, None, 30]), ("Assisted", [20, 25, 40])], title="Trend"
    )
    page = browser.new_page()
    page.set_content(
        f'<!doctype html><html><body><figure id="figure">{svg}</figure>'
        '<button id="save" data-png="figure" data-filename="trend.png">PNG</button><pre id="out"></pre>'
        f"<script>{SCRIPT.read_text()}</script><script>{CAPTURE}</script></body></html>"
    )
    # The capture is asynchronous (fetch, then an image load): wait for it, however busy the machine.
    page.wait_for_function("document.getElementById('out').textContent !== ''")
    name, kind, width, height = page.text_content("#out").split()
    page.close()
    assert (name, kind) == ("trend.png", "image/png")
    view_box = re.search(r'viewBox="0 0 (\S+) (\S+)"', str(svg))
    assert (int(width), int(height)) == (round(float(view_box.group(1)) * 3), round(float(view_box.group(2)) * 3))
