import re
import shutil
import subprocess
from pathlib import Path

import pytest

from accounts.models import Role

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_roles_doc_names_exactly_the_roles_in_the_code():
    rows = re.findall(r"^\| `([a-z_]+)` \| ([^|]+) \|", (DOCS / "roles.md").read_text(), flags=re.MULTILINE)
    assert {code: label.strip() for code, label in rows} == {role.value: str(role.label) for role in Role}


def test_reminders_doc_lists_exactly_the_registered_rules_with_their_defaults():
    from notifications.registry import all_rules

    rows = re.findall(r"^\| `([a-z_]+)` \| [^|]+ \| (\d+) \|", (DOCS / "reminders.md").read_text(), flags=re.MULTILINE)
    assert {code: int(days) for code, days in rows} == {rule.code: rule.days for rule in all_rules()}


def tracked_text_files() -> dict[str, str]:
    """Every file git tracks in the checkout, by path, that reads as UTF-8 text."""
    root = DOCS.parent
    git = shutil.which("git")
    if git is None or not (root / ".git").exists():
        pytest.skip("not a git checkout: the tracked files are unknown")
    listed = subprocess.run([git, "ls-files", "-z"], cwd=root, capture_output=True, check=True).stdout
    texts = {}
    for name in listed.decode().split("\0"):
        path = root / name
        if name and path.is_file():
            try:
                texts[name] = path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                continue  # images, fonts, the compiled catalogue
    return texts


def test_no_file_refers_to_design_documents_outside_the_repository():
    # Built from parts so that this file does not match itself.
    outside = re.compile(re.escape("../" + "shared") + "|" + re.escape("shared" + "/design"))
    texts = tracked_text_files()
    assert "docs/design/architecture.md" in texts
    assert [name for name, text in texts.items() if outside.search(text)] == []


def test_every_design_document_referred_to_exists():
    named = set()
    for text in tracked_text_files().values():
        named.update(re.findall(r"docs/design/([\w-]+\.md)", text))
        named.update(re.findall(r"\]\(design/([\w-]+\.md)", text))
    assert named, "nothing refers to docs/design/"
    assert sorted(name for name in named if not (DOCS / "design" / name).is_file()) == []
