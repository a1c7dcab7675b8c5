"""Imports run one way (docs/development.md, "Where code lives"): an app imports only the apps
below it, never one above or beside it. Every import is read, including those inside functions.

    core <- accounts <- notifications <- casework <- shelters, referrals <- national_statistics, documents
                                                  <- offline
                                                             referrals <- crossborder

`offline` (the field app's devices and sync) builds on casework beside shelters and referrals
and imports neither; nothing imports it. `crossborder` (instance-to-instance referral) builds on
referrals' consent; nothing imports it.

`notifications` sits beside accounts: it imports core and accounts (users, organisations and
its own tables, whose models stay in accounts' migration history); casework and the apps above
register their rules with it. `seeds` (synthetic data) may import every app; `config` wires them.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = [
    "core",
    "accounts",
    "notifications",
    "casework",
    "shelters",
    "referrals",
    "crossborder",
    "national_statistics",
    "documents",
    "offline",
    "seeds",
]
ALLOWED: dict[str, set[str]] = {
    "core": set(),
    "accounts": {"core"},
    "notifications": {"core", "accounts"},
    "casework": {"core", "accounts", "notifications"},
    "shelters": {"core", "accounts", "notifications", "casework"},
    "referrals": {"core", "accounts", "notifications", "casework"},
    "crossborder": {"core", "accounts", "notifications", "casework", "referrals"},
    "national_statistics": {"core", "accounts", "notifications", "casework", "shelters", "referrals"},
    "documents": {"core", "accounts", "notifications", "casework", "shelters", "referrals"},
    "offline": {"core", "accounts", "notifications", "casework"},
    "seeds": {
        "core",
        "accounts",
        "notifications",
        "casework",
        "shelters",
        "referrals",
        "crossborder",
        "national_statistics",
        "documents",
    },
}
PROJECT = set(APPS) | {"config", "tests", "bench"}


def imported_apps(path: Path) -> set[tuple[str, int]]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found |= {(name.split(".")[0], node.lineno) for name in names if name.split(".")[0] in PROJECT}
    return found


def violations(app: str) -> list[str]:
    wrong = []
    for path in sorted((ROOT / app).rglob("*.py")):
        for imported, line in sorted(imported_apps(path)):
            if imported != app and imported not in ALLOWED[app]:
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {imported}")
    return wrong


@pytest.mark.parametrize("app", APPS)
def test_imports_run_one_way(app):
    assert violations(app) == []


def test_the_rule_covers_every_app():
    """A new top-level package must take its place in the layers before it can import anything."""
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")} - {"config", "tests", "bench"}
    assert packages == set(APPS)


def test_the_check_sees_an_upward_import(tmp_path):
    """The test can fail: an import of casework in core is reported, even inside a function."""
    (tmp_path / "core").mkdir()
    (tmp_path / "core" / "bad.py").write_text("def f():\n    from casework.models import Case\n")
    assert imported_apps(tmp_path / "core" / "bad.py") == {("casework", 2)}
