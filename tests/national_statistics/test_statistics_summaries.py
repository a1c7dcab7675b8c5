"""The statistics' summaries (national_statistics.summary, services.refresh_summaries) against
the raw rows (queries.grids, queries.yearly_totals, ctdc.histogram: the reference) on generated
data: equal after a refresh, different before it once the rows change (so the comparison can
fail), equal again after random changes of every kind and a refresh. The summaries are
recounted from the rows, so the changes are made to the rows as every write path leaves them
(services, imports and corrections alike). Also: the page reads the summaries and says when
they were counted, a scope that is not a subtree still gets its (raw) counts, and the
subtraction attack finds nothing on figures read from the summaries."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.backends.postgresql.psycopg_any import DateRange
from django.urls import reverse

from accounts.models import Country, Organisation, Province
from accounts.selectors import organisation_subtree_ids
from casework.models import Case, ExploitationForm, JourneyEvent, LegalProceeding, Person, Repatriation, Service
from casework.services.retention import anonymise_people
from config.celery import app
from national_statistics import ctdc, queries, summary, tables, tasks
from national_statistics.models import CtdcCell, CtdcRelease, SummaryCell
from national_statistics.queries import Scope
from national_statistics.services import refresh_summaries
from seeds.generator import generate
from shelters.choices import ExitDestination
from shelters.models import NonResidentialAssistance, Stay
from tests.clients import client_for
from tests.factories import open_case

pytestmark = [pytest.mark.slow, pytest.mark.django_db]
TODAY = date(2026, 7, 1)
EVERYONE = Scope(owners=None)


@pytest.fixture
def generated(people):
    generate(people=200, seed=23, batch_size=200, today=TODAY)
    return people


def scopes():
    """Every case, the organisation owning the most cases, its parent and another owner."""
    owners = [owner for owner, _n in Counter(Case.objects.values_list("owner_id", flat=True)).most_common()]
    chosen = {owners[0], owners[-1]}
    parent = Organisation.objects.get(pk=owners[0]).parent_id
    if parent:
        chosen.add(parent)
    return [EVERYONE, *(Scope(owners=organisation_subtree_ids(pk)) for pk in sorted(chosen, key=str))]


def change_everything(rng: random.Random, sw) -> None:
    """A few changes of each kind the counts depend on, chosen at random."""
    cases = list(Case.objects.order_by("id"))
    persons = list(Person.objects.filter(merged_into__isnull=True).order_by("id"))
    provinces, countries = list(Province.objects.all()), list(Country.objects.filter(code__in=["TH", "CN", "VN"]))
    forms = list(ExploitationForm.objects.all())
    for year in (2019, 2024, 2026):  # new cases, one a second case of someone counted already
        made = open_case(sw, category=rng.choice(["trafficking", "risk_group"]), identified_on=date(year, 2, 1))
    open_case(sw, person=made.person, category="trafficking", identified_on=date(2025, 5, 5))
    for case in rng.sample(cases, 8):  # corrections of the case
        Case.objects.filter(pk=case.pk).update(
            category=rng.choice(["trafficking", "risk_group"]),
            identified_on=min(case.identified_on + timedelta(days=rng.randint(0, 400)), TODAY),
            child_at_identification=rng.choice([True, False, None]),
        )
        case.exploitation_forms.set(rng.sample(forms, rng.randint(0, 2)))
    for person in rng.sample(persons, 8):  # ... and of the person
        Person.objects.filter(pk=person.pk).update(
            sex=rng.choice(["female", "male", "other"]), registration_province=rng.choice(provinces),
            nationality=rng.choice(countries),
        )  # fmt: skip
    Case.objects.filter(pk__in=[c.pk for c in rng.sample(cases, 5)]).update(  # transfers
        owner=rng.choice(list(Organisation.objects.all()))
    )
    for event in JourneyEvent.objects.order_by("id")[:6]:
        JourneyEvent.objects.filter(pk=event.pk).update(
            recruitment_methods=["through_online_social_networks"], forced_criminality=["online_scam"]
        )
    lone = [p for p in persons if not Stay.objects.filter(person=p).exists()]
    for keep, merge in zip(rng.sample(persons, 3), rng.sample(lone, 3), strict=True):  # merges
        if keep.pk != merge.pk and keep.merged_into_id is None:
            Case.objects.filter(person=merge).update(person=keep)
            Person.objects.filter(pk=merge.pk).update(merged_into=keep)
    anonymise_people(rng.sample(persons, 5), reason="retention")  # birth dates generalised
    for stay in Stay.objects.filter(during__upper_inf=True).order_by("id")[:4]:  # stays ended
        Stay.objects.filter(pk=stay.pk).update(
            during=DateRange(stay.during.lower, stay.during.lower + timedelta(days=9)),
            exit_destination=ExitDestination.FAMILY_REUNIFICATION,
        )
    Stay.objects.filter(pk__in=Stay.objects.order_by("-id").values("pk")[:3]).update(age_at_admission=12)
    for service in Service.objects.order_by("id")[:6]:  # services started, stopped
        Service.objects.filter(pk=service.pk).update(status=rng.choice(["planned", "in_progress", "done"]))
    NonResidentialAssistance.objects.filter(
        pk__in=NonResidentialAssistance.objects.order_by("id").values("pk")[:3]
    ).update(assisted_on=date(2023, 3, 3))
    for repatriation in Repatriation.objects.order_by("id")[:4]:
        Repatriation.objects.filter(pk=repatriation.pk).update(
            status="completed", completed_at=datetime(2025, 12, 31, 20, tzinfo=UTC), from_country=rng.choice(countries)
        )
    for case in rng.sample(cases, 6):  # legal proceedings: the stages reached and the outcome
        year = rng.choice([2019, 2024, 2025])
        LegalProceeding.objects.create(
            case=case, recorded_by=sw, stage="compensation_paid", complaint_on=date(year, 1, 5),
            trial_on=date(year, 5, 1) if rng.random() < 0.7 else None, verdict_on=date(year + 1, 2, 1),
            compensation_ordered_on=date(year + 1, 2, 1), compensation_paid_on=rng.choice([None, date(year + 1, 9, 1)]),
            outcome=rng.choice(["", "convicted", "acquitted"]),
        )  # fmt: skip
    for proceeding in LegalProceeding.objects.order_by("id")[:2]:  # closed, or the verdict corrected
        LegalProceeding.objects.filter(pk=proceeding.pk).update(
            outcome=rng.choice(["dropped", "convicted"]), closed_on=date(2023, 3, 3), verdict_on=None
        )
    closing = [c for c in cases if c.status != "closed"][:3]
    Case.objects.filter(pk__in=[c.pk for c in closing]).update(
        status="closed",
        closure_reason="reintegrated",
        closure_approved_by=sw,
        closed_at=datetime(2024, 6, 1, tzinfo=UTC),
    )


def test_the_summaries_equal_the_raw_rows_after_random_changes_of_every_kind(generated):
    chosen = scopes()
    assert refresh_summaries() is not None
    assert summary.drift(chosen) == []
    rng = random.Random(23)
    change_everything(rng, generated.social_worker)
    stale = summary.drift(chosen)
    assert stale, "changed rows left every summary equal: the comparison could not fail"
    for measure in ("proceedings", "verdicts"):  # the legal proceedings' grids are compared too
        assert any(f": {measure} by " in difference for difference in stale), measure
    refresh_summaries()
    assert summary.drift(chosen) == []
    for _round in range(2):  # more rounds: the refreshed summaries follow every change again
        change_everything(rng, generated.social_worker)
        refresh_summaries()
    assert summary.drift(chosen) == []


def test_the_tables_and_the_export_read_the_summaries_and_publish_the_same(generated):
    years = {"first": 2020, "last": 2026, "scope": EVERYONE}
    raw = {
        "residents": tables.shelter_residents(**years),
        "children": tables.child_victims(**years),
        "trend": tables.yearly_totals(**years),
        "ctdc": ctdc.export(EVERYONE),
        **{f"{m} {b}": tables.by_year(m, b, **years) for m in queries.MEASURES for b in queries.BREAKDOWNS
           if m in queries.ONLY_FOR.get(b, {m})},
    }  # fmt: skip
    refresh_summaries()
    open_case(generated.social_worker, identified_on=date(2026, 1, 2))  # not counted until the next refresh
    assert summary.state() is not None and summary.scope_key(EVERYONE) == ""
    assert tables.shelter_residents(**years) == raw["residents"]
    assert tables.child_victims(**years) == raw["children"]
    assert tables.yearly_totals(**years) == raw["trend"]
    assert summary.ctdc_export(EVERYONE) == raw["ctdc"]
    for name, table in raw.items():
        if " " in name:
            measure, breakdown = name.split(" ")
            assert tables.by_year(measure, breakdown, **years) == table, name
    change_everything(random.Random(5), generated.social_worker)  # the records follow a recount
    refresh_summaries()
    assert summary.ctdc_export(EVERYONE) == ctdc.export(EVERYONE) != raw["ctdc"]
    SummaryCell.objects.all().delete()  # proof that they were read from the summaries
    assert tables.yearly_totals(**years)["identified"] == [0] * 7


def test_a_scope_that_is_not_a_subtree_and_years_not_counted_read_the_raw_rows(generated):
    refresh_summaries()
    owners = list(Case.objects.values_list("owner_id", flat=True).distinct()[:2])
    odd = Scope(owners=frozenset(owners))
    if len(owners) == 2 and all(organisation_subtree_ids(pk) != frozenset(owners) for pk in owners):
        assert summary.scope_key(odd) is None
    SummaryCell.objects.all().delete()
    assert summary.yearly_totals(first=2020, last=2026, scope=odd) == queries.yearly_totals(
        first=2020, last=2026, scope=odd
    )
    later = summary.grids("identified", ["sex"], "year", first=2026, last=2027, scope=EVERYONE)
    assert later == queries.grids("identified", ["sex"], "year", first=2026, last=2027, scope=EVERYONE)
    assert sum(later[0].col_totals) > 0  # 2026 from the raw rows, not from the emptied summaries


def test_the_page_says_when_the_figures_were_counted(generated):
    call_command("refresh_statistics", verbosity=0)
    counted = summary.state().counted_at
    response = client_for(generated.statistician).get(reverse("statistics:page"), {"first": 2022, "last": 2026})
    assert response.status_code == 200
    assert "Counted at" in response.content.decode()
    assert summary.counted_at(EVERYONE, 2022, 2026) == counted
    assert summary.counted_at(EVERYONE, 2022, 2099) is None  # a year not counted yet: counted now
    call_command("verify_statistics", verbosity=0)


def test_the_recount_is_a_beat_task(people):
    entry = settings.CELERY_BEAT_SCHEDULE["statistics-refresh-summaries"]
    assert entry["task"] == tasks.refresh_summaries.name and entry["task"] in app.tasks
    open_case(people.social_worker, identified_on=date(2025, 3, 1))
    assert tasks.refresh_summaries() is not None
    assert summary.yearly_totals(first=2025, last=2025, scope=EVERYONE)["identified"] == [1]


def test_the_page_from_the_summaries_reads_a_few_rows_per_table(people, django_assert_max_num_queries):
    """Per table: the summaries' state and their cells; reference data; no statement per year."""
    open_case(people.social_worker, identified_on=date(2025, 3, 1))
    refresh_summaries()
    client = client_for(people.statistician)
    for first, last in (("2025", "2025"), ("2007", "2026")):
        with django_assert_max_num_queries(30):
            response = client.get(reverse("statistics:page"), {"first": first, "last": last, "breakdown": "sex"})
        assert response.status_code == 200
        assert "Counted at" in response.content.decode()


def test_the_first_export_after_a_recount_reads_the_records_the_recount_made(
    generated, settings, django_assert_max_num_queries
):
    """The recount generalises each scope's histogram once (CtdcRelease): the first export after
    it is two statements (the summaries' state, the scope's records), the same records as the
    raw rows give, and it reads nothing else (the histogram cells, emptied, are not needed)."""
    refresh_summaries()
    raw = ctdc.export(EVERYONE)
    assert raw.persons > 0 and raw.classes
    CtdcCell.objects.all().delete()  # proof that the export reads the records, not the cells
    with django_assert_max_num_queries(2):
        first = summary.ctdc_export(EVERYONE)
    assert first == raw
    manager_scope = scopes()[1]
    assert summary.ctdc_export(manager_scope) == ctdc.export(manager_scope)  # a subtree: its own records
    settings.STATISTICS_CTDC_K = raw.k + 2  # records made under another k are not published
    assert summary.ctdc_export(EVERYONE).k == raw.k + 2
    refresh_summaries()
    assert CtdcRelease.objects.get(scope="").k == raw.k + 2
    assert summary.ctdc_export(EVERYONE) == ctdc.export(EVERYONE)
