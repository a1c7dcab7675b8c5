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
