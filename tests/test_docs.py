import re
from pathlib import Path

from accounts.models import Role

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_roles_doc_names_exactly_the_roles_in_the_code():
    rows = re.findall(r"^\| `([a-z_]+)` \| ([^|]+) \|", (DOCS / "roles.md").read_text(), flags=re.MULTILINE)
    assert {code: label.strip() for code, label in rows} == {role.value: str(role.label) for role in Role}


def test_reminders_doc_lists_exactly_the_registered_rules_with_their_defaults():
    from notifications.registry import all_rules

    rows = re.findall(r"^\| `([a-z_]+)` \| [^|]+ \| (\d+) \|", (DOCS / "reminders.md").read_text(), flags=re.MULTILINE)
    assert {code: int(days) for code, days in rows} == {rule.code: rule.days for rule in all_rules()}
