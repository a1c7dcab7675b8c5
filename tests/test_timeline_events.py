"""Typed timeline events (core.timeline): every kind the code writes is registered with an
English and a Lao label, and the database refuses any other kind."""

from __future__ import annotations

import ast
import uuid
from pathlib import Path

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from casework import timeline
from casework.templatetags.casework import event_label
from casework.timeline import CASE_EVENTS
from referrals.timeline import REFERRAL_EVENTS

ROOT = Path(__file__).resolve().parent.parent
# The writers of timeline rows and which argument carries the kind (position, or the keyword).
CASE_WRITERS = {"record": 2, "write": 2, "_log": 1, "_record_step": 3, "_continue": "kind"}
REFERRAL_WRITERS = {"record_change": "kind", "_move": "kind"}


def literal_kinds(writers: dict[str, int | str]) -> set[tuple[str, str]]:
    """(function, kind) of every literal kind handed to a writer anywhere in the apps."""
    found = set()
    for app in ("casework", "shelters", "referrals", "national_statistics", "notifications", "accounts"):
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if not isinstance(node, ast.Call):
                    continue
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                where = writers.get(name or "")
                if isinstance(where, int) and len(node.args) > where:
                    argument = node.args[where]
                else:
                    argument = next((k.value for k in node.keywords if k.arg == where), None)
                if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                    found.add((str(name), argument.value))
    return found


def test_every_kind_the_code_writes_is_registered():
    case_kinds = literal_kinds(CASE_WRITERS)
    referral_kinds = literal_kinds(REFERRAL_WRITERS)
    assert len(case_kinds) > 50  # the scan sees the writers (it would find nothing if they were renamed)
    assert {kind for _, kind in case_kinds} - set(CASE_EVENTS.codes()) == set()
    assert {kind for _, kind in referral_kinds} - set(REFERRAL_EVENTS.codes()) == set()
    # referrals' _move writes its kind on the stream and "referral_<kind>" on the case's timeline;
    # consent_override_decide writes consent_override_<status>.
    moves = {f"referral_{kind}" for name, kind in referral_kinds if name == "_move"}
    assert moves - set(CASE_EVENTS.codes()) == set()
    assert {"consent_override_approved", "consent_override_rejected"} <= set(CASE_EVENTS.codes())


@pytest.mark.parametrize("kinds", [CASE_EVENTS, REFERRAL_EVENTS], ids=["case", "referral"])
def test_every_kind_has_an_english_and_a_lao_label(kinds):
    for code in kinds.codes():
        with translation.override("en"):
            english = kinds.label(code)
        with translation.override("lo"):
            lao = kinds.label(code)
        assert english and english != code, code
        assert lao != english, f"{code}: no Lao translation of {english!r}"


def test_a_page_never_shows_a_code():
    with translation.override("en"):
        assert event_label("stay_admitted") == "Admitted to a shelter"
        assert event_label("referral_sent") == "Referral sent"
        assert event_label("something_from_an_old_version") == "Other change"


def test_the_writer_refuses_an_unregistered_kind():
    with pytest.raises(LookupError):
        timeline.write(uuid.uuid4(), None, "stay_admited")


INSERTS = {
    "casework_caseevent": "(case_id, at, kind, data) VALUES (%s, now(), %s, '{}')",
    "referrals_referralevent": "(referral_id, seq, txid, at, organisation_id, kind, from_status, to_status, note)"
    " VALUES (%s, -1, 0, now(), gen_random_uuid(), %s, '', '', '')",
}


def insert(table: str, kind: str) -> None:
    """A raw row (as a bulk loader or a script would write it), rolled back. The foreign keys are
    checked at commit and the CHECK constraint at once, so the dangling ids do not matter."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} {INSERTS[table]}", [uuid.uuid4(), kind])
        transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("table", "registered"), [("casework_caseevent", "case_opened"), ("referrals_referralevent", "note")]
)
def test_the_database_refuses_an_unregistered_kind(table, registered):
    insert(table, registered)
    with pytest.raises(IntegrityError, match="kind_registered"):
        insert(table, "stay_admited")
