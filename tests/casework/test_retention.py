"""The retention rule (casework.services.retention) on the demo generator's data: the statistics
and reports give the same figures before and after, the identity and free text are gone from the
live rows *and* the pghistory rows (checked with raw SQL over whole rows), a dry run changes
nothing, a second run changes nothing, and each person gets one audit row without a name."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from accounts.models import AuditAction, AuditEvent
from casework.ages import age_on
from casework.models import Case, CaseNote, FamilyMember, Person
from casework.privacy import REDACTED, generalised_birth_date, history_models
from casework.services.cases import case_closure_approve, case_closure_request
from casework.services.merge import person_merge
from casework.services.retention import CASEWORK_TEXT, anonymise_closed_cases, people_due, retention_cutoff
from national_statistics import ctdc, queries
from national_statistics.queries import Scope
from referrals.models import Consent, Referral
from seeds.generator import generate
from shelters import reports
from shelters.models import Shelter, Stay
from tests.factories import open_case

pytestmark = pytest.mark.django_db

TODAY = date(2026, 7, 1)
AFTER_TODAY = datetime(2026, 7, 2, tzinfo=UTC)  # every case the generator closed was closed before this
EVERYONE = Scope(owners=None)
# Tables that hold rows of a person, with the column that leads to the person.
PERSON_ROWS = {
    "casework_person": "id",
    "casework_personhistory": "pgh_obj_id",
    "casework_familymember": "person_id",
}


@pytest.fixture
def generated(reference):
    return generate(people=300, seed=11, batch_size=300, today=TODAY)


def statistics() -> dict[str, object]:
    """Every published figure the data feeds: the national tables, the CTDC-style export, and
    the shelters' occupancy report, table and by-year table."""
    figures: dict[str, object] = {}
    for measure in queries.MEASURES:
        for row in ("category", "sex", "age_group", "province", "nationality", "age_sex"):
            figures[f"{measure}/{row}"] = queries.counts(measure, row, "year", first=2015, last=2026, scope=EVERYONE)
    result = ctdc.export(EVERYONE)
    figures["ctdc"] = (result.levels, result.classes, result.persons, result.suppressed)
    shelters = Shelter.objects.all()
    figures["occupancy"] = reports.occupancy(shelters, date(2020, 1, 1), date(2026, 6, 30))
    figures["shelter_table"] = reports.shelter_table(shelters, date(2020, 1, 1), date(2026, 6, 30))
    figures["by_year"] = reports.residents_by_year(shelters, 2020, 2026)
    return figures


def identification_ages(ids: list[object]) -> dict[object, int | None]:
    return {
        case.pk: age_on(case.person, case.identified_on)
        for case in Case.objects.filter(person__in=ids).select_related("person")
    }


def whole_rows(table: str, column: str, ids: list[object]) -> list[str]:
    """Each row as text, read with raw SQL: what a database dump would show."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT t::text FROM {table} t WHERE {column} = ANY(%s)", [ids])  # noqa: S608 - constants
        return [row[0] for row in cursor.fetchall()]


def table_digest() -> str:
    with connection.cursor() as cursor:
        parts = []
        for table, column in {**PERSON_ROWS, "casework_casenote": "id", "shelters_stay": "id"}.items():
            cursor.execute(f"SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {table} t")  # noqa: S608
            parts.append(f"{table}:{column}:{cursor.fetchone()[0]}")
        return ";".join(parts)


def test_statistics_are_the_same_and_the_identities_are_gone(generated):
    due = list(people_due(before=AFTER_TODAY))
    assert len(due) > 30, "the generator closes a good share of cases"
    ids = [person.pk for person in due]
    names = {
        value
        for person in due
        for value in (person.given_name_lo, person.family_name_lo, person.given_name_latin, person.family_name_latin)
        if value
    }
    relatives = set(FamilyMember.objects.filter(person__in=ids).exclude(name="").values_list("name", flat=True))
    notes = set(CaseNote.objects.filter(case__person__in=ids).values_list("text", flat=True))
    assert names and relatives and notes
    before, ages = statistics(), identification_ages(ids)
    audits = AuditEvent.objects.count()

    assert anonymise_closed_cases(before=AFTER_TODAY, batch_size=40) == len(due)

    assert statistics() == before
    assert identification_ages(ids) == ages  # what the CTDC-style export computes, even where it bands ages
    born = {p.pk: p.date_of_birth for p in due if p.date_of_birth}
    assert any(Person.objects.get(pk=pk).date_of_birth != day for pk, day in born.items()), "birth days are kept"
    pattern = re.compile("|".join(re.escape(name) for name in names | relatives))
    for table, column in PERSON_ROWS.items():
        for row in whole_rows(table, column, ids):
            assert not pattern.search(row), f"a name is left in {table}"
    assert {n.text for n in CaseNote.objects.filter(case__person__in=ids)} <= {REDACTED}
    for row in whole_rows("casework_casenote", "case_id", list(due[0].cases.values_list("pk", flat=True))):
        assert not any(text in row for text in notes)
    for person in Person.objects.filter(pk__in=ids):
        assert person.anonymised_at and person.phone == "" and person.origin_village == ""
        assert person.name_index_latin == person.name_index_lo == []  # found by no name either
    events = AuditEvent.objects.filter(action=AuditAction.ANONYMISE)
    assert AuditEvent.objects.count() - audits == events.count() == len(ids)
    assert {e.object_id for e in events} == {str(pk) for pk in ids}
    assert all(e.actor_id is None and not pattern.search(e.reason + " ".join(e.fields)) for e in events)


def test_free_text_is_redacted_in_every_history_table_too(generated):
    ids = list(people_due(before=AFTER_TODAY).values_list("pk", flat=True))
    anonymise_closed_cases(before=AFTER_TODAY)
    tracked = [
        *((model, to_person, redact) for model, to_person, _blank, redact in CASEWORK_TEXT),
        (Stay, "person_id", ("exit_reason",)),
        (Consent, "person_id", ("purpose", "best_interest_reason", "withdrawal_note")),
        (Referral, "case__person_id", ("reason", "decline_reason", "outcome")),
    ]
    checked = 0
    for model, to_person, redact in tracked:
        rows = model.objects.filter(**{f"{to_person}__in": ids}).values_list("pk", flat=True)
        for history in (model, *history_models(model)):
            key = "pk__in" if history is model else "pgh_obj_id__in"
            for values in history.objects.filter(**{key: list(rows)}).values_list(*redact):
                assert set(values) <= {"", REDACTED}, f"{history.__name__} keeps {values}"
                checked += 1
    assert checked > 1000


def test_records_merged_into_a_person_are_anonymised_with_them(people):
    sw, manager = people.social_worker, people.manager
    keep, merge = (
        open_case(sw, person_values={"given_name_latin": given, "sex": "male", "estimated_age": 30}).person
        for given in ("Keepname", "Mergedname")
    )
    person_merge(actor=manager, keep=keep, merge=merge, reason="same person")
    for case in keep.cases.all():
        case_closure_request(actor=sw, case=case, reason="reintegrated")
        case_closure_approve(actor=manager, case=case)
    assert anonymise_closed_cases(before=timezone.now() + timedelta(days=1)) == 1
    assert set(Person.objects.filter(pk__in=[keep.pk, merge.pk]).values_list("given_name_latin", flat=True)) == {""}
    assert AuditEvent.objects.filter(action=AuditAction.ANONYMISE).count() == 2


def test_a_dry_run_changes_nothing_and_a_second_run_finds_nobody(generated):
    digest, audits = table_digest(), AuditEvent.objects.count()
    due = people_due(before=AFTER_TODAY).count()
    assert anonymise_closed_cases(before=AFTER_TODAY, dry_run=True) == due > 0
    assert table_digest() == digest and AuditEvent.objects.count() == audits
    anonymise_closed_cases(before=AFTER_TODAY)
    digest, audits = table_digest(), AuditEvent.objects.count()
    assert anonymise_closed_cases(before=AFTER_TODAY) == 0
    assert table_digest() == digest and AuditEvent.objects.count() == audits


def test_only_people_whose_cases_were_all_closed_long_enough_ago(generated):
    cutoff = datetime(2024, 1, 1, tzinfo=UTC)
    due = set(people_due(before=cutoff).values_list("pk", flat=True))
    for person in Person.objects.prefetch_related("cases"):
        cases = list(person.cases.all())
        expected = bool(cases) and all(c.status == "closed" and c.closed_at < cutoff for c in cases)
        assert (person.pk in due) == expected, person.case_code
    assert 0 < len(due) < people_due(before=AFTER_TODAY).count()


def test_the_command_takes_the_period_from_settings_and_prints_counts_only(generated, settings, capsys):
    settings.RETENTION_YEARS = 50
    call_command("anonymise_closed_cases", "--dry-run")
    assert "0 people would be anonymised" in capsys.readouterr().out
    call_command("anonymise_closed_cases", "--years", "1", "--dry-run")
    out = capsys.readouterr().out
    assert re.match(r"^\d+ people would be anonymised \(every case closed before \d{4}-\d\d-\d\d\)\.$", out.strip())
    with pytest.raises(CommandError):
        call_command("anonymise_closed_cases", "--years", "0")


def test_the_cutoff_is_the_period_before_now():
    assert retention_cutoff(datetime(2026, 3, 1, tzinfo=UTC), 10) == datetime(2016, 3, 1, tzinfo=UTC)
    assert retention_cutoff(datetime(2028, 2, 29, tzinfo=UTC), 1) == datetime(2027, 2, 28, tzinfo=UTC)


@pytest.mark.parametrize(
    ("born", "identified", "kept"),
    [
        (date(1990, 7, 15), [date(2020, 3, 1)], date(1990, 3, 2)),
        (date(1990, 7, 15), [date(2020, 9, 1)], date(1990, 1, 1)),
        (date(1990, 7, 15), [date(2020, 3, 1), date(2022, 7, 14)], date(1990, 7, 15)),
        (date(1991, 3, 5), [date(2024, 2, 29)], date(1991, 3, 1)),
        (date(1990, 1, 1), [], date(1990, 1, 1)),
    ],
)
def test_a_generalised_birth_date_keeps_every_age_that_counts(born, identified, kept):
    assert generalised_birth_date(born, identified) == kept

    def age(b, on):
        return on.year - b.year - ((on.month, on.day) < (b.month, b.day))

    assert all(age(kept, on) == age(born, on) for on in identified)
