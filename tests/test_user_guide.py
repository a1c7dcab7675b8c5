"""The user guides (docs/user-guide.md, docs/user-guide.lo.md) show screenshots the browser tests
take: every picture they name exists, and the two guides have the same sections."""

import re
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs"
GUIDES = ("user-guide.md", "user-guide.lo.md")


def test_every_screenshot_a_guide_shows_exists():
    for guide in GUIDES:
        images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", (DOCS / guide).read_text())
        assert images, guide
        missing = [image for image in images if not (DOCS / image).is_file()]
        assert not missing, f"{guide}: {missing}"


def test_the_lao_guide_has_the_english_guides_sections():
    numbers = [re.findall(r"^## (\d+)\.", (DOCS / guide).read_text(), flags=re.MULTILINE) for guide in GUIDES]
    assert numbers[0] == numbers[1] and len(numbers[0]) >= 10


def test_every_guide_screenshot_committed_is_shown_by_a_guide():
    """The journey test (tests/browser/test_child_journey.py) writes `guide-*.png`; none lies
    unused in docs/screenshots after a guide stops showing it."""
    shown = "".join((DOCS / guide).read_text() for guide in GUIDES)
    unused = [path.name for path in (DOCS / "screenshots").glob("guide-*.png") if path.name not in shown]
    assert not unused, unused
