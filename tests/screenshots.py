"""Where the tests' pictures of pages and documents go, if anywhere.

`PATHWAY_SCREENSHOTS=1` writes them to `docs/screenshots/` (to refresh the images the user guides
show); `PATHWAY_SCREENSHOTS=var` to `var/screenshots/` (ignored by git: to look at a change
without touching the committed ones). Unset, as in CI and the default loop, none is taken: a
picture asserts nothing, nobody looks at them there, and a full-page PNG costs Chromium about a
quarter of a second of CPU (the 388 of a CI run were a tenth of the browser tests' CPU)."""

from __future__ import annotations

import os
from pathlib import Path

import pypdfium2

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = {"1": ROOT / "docs" / "screenshots", "var": ROOT / "var" / "screenshots"}


def screenshot_path(name: str) -> Path | None:
    """The PNG file for the picture called `name`, its folder made; None when none is wanted."""
    folder = FOLDERS.get(os.environ.get("PATHWAY_SCREENSHOTS", ""))
    if folder is None:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{name}.png"


def pdf_screenshot(data: bytes, name: str) -> None:
    """A picture of a PDF's first page, as a reader sees it, where `screenshot_path` says."""
    path = screenshot_path(name)
    if path is not None:
        pypdfium2.PdfDocument(data)[0].render(scale=1.4).to_pil().save(path)
