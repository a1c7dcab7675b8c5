"""Occupancy and statistics reports on hand-built data whose every figure is worked out below
(docs/reports.md has the same definitions). Stays, beds and outages are written directly: a
report must count whatever the database holds, however it got there."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from django.db import connection
from django.db.backends.postgresql.psycopg_any import DateRange
from django.test.utils import CaptureQueriesContext

from accounts.models import Province
from shelters import reports
from shelters.choices import EXIT_CODES, ExitDestination
from shelters.models import Bed, BedOutage, NonResidentialAssistance, Shelter, Stay
from tests.factories import open_case

pytestmark = pytest.mark.django_db

JAN_1, JAN_31 = date(2025, 1, 1), date(2025, 1, 31)


def make_case(actor, category, sex="female", age=30, person=None):
    """A synthetic person (no real names) and a case of `category`."""
    if person is not None:
        return open_case(actor, person=person, category=category)
    values = {"given_name_latin": "Report", "family_name_latin": "Synthetic", "sex": sex, "estimated_age": age}
    return open_case(actor, category=category, person_values=values)


def make_stay(case, shelter, start, end=None, *, bed=None, age=30, destination="", actor, previous=None, episode=None):
    if end is not None and not destination:
        destination = "unknown"
    return Stay.objects.create(
        shelter=shelter,
        bed=bed,
        person=case.person,
        case=case,
        during=DateRange(start, end),
        episode_started_on=episode or start,
        age_at_admission=age,
        exit_destination=destination,
        admitted_by=actor,
        previous_stay=previous,
    )


def make_shelter(orgs, code):
    return Shelter.objects.create(
        code=code, name_en=f"Report shelter {code}", operator=orgs.mlsw_vt, province=Province.objects.get(code="VT")
    )


@pytest.fixture
def world(people, orgs):
    """January 2025 in two shelters, A (four beds) and B (one bed).

    Beds of A: B1 and B4 in service all month; B2 out of service Jan 11-20 (10 nights); B3 retired
    on Jan 16 (in service Jan 1-15). Available: 31 + 21 + 15 + 31 = 98. B has 31.
    Stays of A (nights in January):
      p1 female 30 trafficking, B1 [Dec 20, Jan 10) -> 9, exit family reunification, 21 nights
      p2 male 16 trafficking, B1 [Jan 15, open) -> 17, stayer of 17 nights at the end
      p3 female 25 risk group, B3 [Jan 5, Jan 12) -> 7, exit to another shelter (transfer), 7 nights
      p4 male 17 child labour (turns 18 in December), B2 [Nov 1, Jan 11) -> 10, left without notice, 71
      p5 other sex, age unknown, domestic violence, no bed [Jan 20, Jan 25) -> 5, exit unknown, 5
      p6 female 40 trafficking, B4 [2022-12-01, open) -> 31, stayer of 793 nights at the end
    p3 goes on to B on Jan 12: [Jan 12, Feb 10) -> 20 nights, a stayer of 20 at the end.
    """
    sw, actor = people.social_worker, people.manager
    a, b = make_shelter(orgs, "t-report-a"), make_shelter(orgs, "t-report-b")
    since_2024 = DateRange(date(2024, 1, 1), None)
    b1 = Bed.objects.create(shelter=a, label="B1", in_service=since_2024)
    b2 = Bed.objects.create(shelter=a, label="B2", in_service=since_2024)
    b3 = Bed.objects.create(shelter=a, label="B3", in_service=DateRange(date(2024, 1, 1), date(2025, 1, 16)))
    b4 = Bed.objects.create(shelter=a, label="B4", in_service=DateRange(date(2020, 1, 1), None))
    bb = Bed.objects.create(shelter=b, label="B1", in_service=since_2024)
    BedOutage.objects.create(
        bed=b2, during=DateRange(date(2025, 1, 11), date(2025, 1, 21)), reason="roof", recorded_by=actor
    )

    c1 = make_case(sw, "trafficking", "female", 30)
    c2 = make_case(sw, "trafficking", "male", 16)
    c3 = make_case(sw, "risk_group", "female", 25)
    c4 = make_case(sw, "child_labour", "male", 17)
    c5 = make_case(sw, "domestic_violence", "other", None)
    c6 = make_case(sw, "trafficking", "female", 40)
    c7 = make_case(sw, "vulnerable", "female", 12)  # non-residential only
    make_stay(
        c1,
        a,
        date(2024, 12, 20),
        date(2025, 1, 10),
        bed=b1,
        age=30,
        destination="family_reunification_home_village",
        actor=actor,
    )
    make_stay(c2, a, date(2025, 1, 15), bed=b1, age=16, actor=actor)
    s3 = make_stay(
        c3, a, date(2025, 1, 5), date(2025, 1, 12), bed=b3, age=25, destination="other_shelter_lao", actor=actor
    )
    make_stay(
        c3,
        b,
        date(2025, 1, 12),
        date(2025, 2, 10),
        bed=bb,
        age=25,
        destination="family_reunification_home_village",
        actor=actor,
        previous=s3,
    )
    make_stay(
        c4, a, date(2024, 11, 1), date(2025, 1, 11), bed=b2, age=17, destination="left_without_notice", actor=actor
    )
    make_stay(c5, a, date(2025, 1, 20), date(2025, 1, 25), age=None, destination="unknown", actor=actor)
    make_stay(c6, a, date(2022, 12, 1), bed=b4, age=40, actor=actor)
    contacts = [(a, c7, date(2025, 1, 3)), (a, c7, date(2025, 1, 20)), (a, c1, date(2025, 1, 2))]
    contacts += [(b, c7, date(2025, 1, 25)), (a, c2, date(2025, 2, 2))]
    for shelter, case, day in contacts:
        NonResidentialAssistance.objects.create(
            shelter=shelter, person=case.person, case=case, assisted_on=day, recorded_by=actor
        )
    return SimpleNamespace(a=a, b=b, both=Shelter.objects.filter(code__in=["t-report-a", "t-report-b"]))


def only(shelter):
    return Shelter.objects.filter(pk=shelter.pk)


def row_of(report, shelter):
    return next(row for row in report.rows if row.shelter.code == shelter.code)


# --- Occupancy ----------------------------------------------------------------------------------
def test_bed_nights_split_exactly_and_capacity_follows_outages_and_retirements(world):
    """Available nights leave out the outage and the retired bed's last nights; occupied nights
    count the stay begun in December from Jan 1 and the open stays to Jan 31, and the transfer
    splits p3's nights at Jan 12 with none counted twice."""
    report = reports.occupancy(world.both, JAN_1, JAN_31)
    a, b, total = row_of(report, world.a), row_of(report, world.b), report.total

    assert (a.available_bed_nights, b.available_bed_nights, total.available_bed_nights) == (98, 31, 129)
    assert (a.occupied_bed_nights, b.occupied_bed_nights, total.occupied_bed_nights) == (79, 20, 99)
    assert (a.nights_without_bed, total.nights_without_bed) == (5, 5)
    assert (a.capacity_start, a.capacity_end) == (4, 3)  # B3 retired on Jan 16
    assert (b.capacity_start, b.capacity_end, total.capacity_start, total.capacity_end) == (1, 1, 5, 4)
    assert a.days == 31
    assert a.average_daily_census == pytest.approx(79 / 31)
    # Jan 11-20: B2 is out both the first and the last night; B3 is retired by the last
    during_outage = row_of(reports.occupancy(world.both, date(2025, 1, 11), date(2025, 1, 20)), world.a)
    assert (during_outage.capacity_start, during_outage.capacity_end) == (3, 2)
    assert during_outage.available_bed_nights == 10 + 0 + 5 + 10


def test_the_occupancy_pass_index_carries_only_the_columns_the_pass_reads():
    """The pass over the stays costs in proportion to the pages of `stay_exit_length_idx`
    (docs/performance.md): it must carry every column the pass reads (or PostgreSQL reads the
    table) and nothing more, the destination as its 2-byte code; the bed is summed from the small
    partial index of bedless stays."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
            "AND a.attnum = ANY(i.indkey) WHERE i.indexrelid = 'stay_exit_length_idx'::regclass"
        )
        columns = {name for (name,) in cursor.fetchall()}
        cursor.execute("SELECT pg_get_indexdef('stay_without_bed_idx'::regclass)")
        (without_bed,) = cursor.fetchone()
    assert columns == {"shelter_id", "exit_code", "during", "episode_started_on"}
    assert "INCLUDE (during)" in without_bed and "WHERE (bed_id IS NULL)" in without_bed


def test_the_database_codes_every_exit_destination_as_the_report_reads_it(world):
    """The trigger of migration 0010 sets `exit_code` from the destination on every write; the
    report compares it with EXIT_CODES. A destination added to ExitDestination without a migration
    that extends the trigger's list would be coded 0 and vanish from the exits."""
    stay = Stay.objects.filter(shelter=world.a, during__endswith__isnull=True).first()
    for destination in ["", *ExitDestination.values]:
        Stay.objects.filter(pk=stay.pk).update(exit_destination=destination)
        assert Stay.objects.values_list("exit_code", flat=True).get(pk=stay.pk) == EXIT_CODES.get(destination, 0)
    assert sorted(EXIT_CODES.values()) == list(range(1, len(ExitDestination.values) + 1))


def test_utilisation_is_flagged_outside_huds_plausible_range(world):
    report = reports.occupancy(world.both, JAN_1, JAN_31)
    a, b = row_of(report, world.a), row_of(report, world.b)
    assert a.utilisation == pytest.approx(100 * 79 / 98)
    assert a.utilisation_plausible is True
    assert b.utilisation == pytest.approx(100 * 20 / 31)  # 64.5 %: below 65
    assert b.utilisation_plausible is False
    assert report.total.utilisation == pytest.approx(100 * 99 / 129)


def test_census_admissions_and_exits(world):
    """Present the first night: p1, p4, p6. Admitted in January: p2, p3 (twice: A then B), p5.
    Left: p1, p3 (from A), p4, p5. Present the last night: p2, p6 in A and p3 in B."""
    report = reports.occupancy(world.both, JAN_1, JAN_31)
    a, b, total = row_of(report, world.a), row_of(report, world.b), report.total
    assert (a.residents_at_start, a.admissions, a.exits, a.residents_at_end) == (3, 3, 4, 2)
    assert (b.residents_at_start, b.admissions, b.exits, b.residents_at_end) == (0, 1, 0, 1)
    assert (total.residents_at_start, total.admissions, total.exits, total.residents_at_end) == (3, 4, 4, 3)


def test_exits_by_destination_group_and_positive_share(world):
    a = row_of(reports.occupancy(world.both, JAN_1, JAN_31), world.a)
    assert {d: n for d, n in a.exits_by_destination.items() if n} == {
        "family_reunification_home_village": 1,
        "other_shelter_lao": 1,
        "left_without_notice": 1,
        "unknown": 1,
    }
    assert set(a.exits_by_destination) == set(reports.DESTINATIONS)  # zeros included
    assert a.exits_by_group == {
        "permanent": 1,
        "temporary": 1,
        "institutional": 0,
        "negative": 1,
        "deceased": 0,
        "unknown": 1,
    }
    assert a.positive_exits == 1
    assert a.positive_exit_rate == pytest.approx(25.0)
    assert row_of(reports.occupancy(world.both, JAN_1, JAN_31), world.b).positive_exit_rate is None  # no exit


def test_length_of_stay_of_leavers_and_stayers(world):
    """Leavers 5, 7, 21, 71 nights (whole stays, not clipped): mean 26, median 14. Stayers of A
    17 and 793 nights up to Jan 31: mean and median 405; with B's 20: median 20."""
    report = reports.occupancy(world.both, JAN_1, JAN_31)
    a, total = row_of(report, world.a), report.total
    assert (a.leavers.count, a.leavers.average, a.leavers.median) == (4, 26.0, 14.0)
    assert a.leavers.buckets == {
        "<=30": 3,
        "31-60": 0,
        "61-90": 1,
        "91-180": 0,
        "181-365": 0,
        "366-730": 0,
        ">730": 0,
    }
    assert (a.stayers.count, a.stayers.average, a.stayers.median) == (2, 405.0, 405.0)
    assert a.stayers.buckets["<=30"] == 1 and a.stayers.buckets[">730"] == 1 and sum(a.stayers.buckets.values()) == 2
    assert (total.stayers.count, total.stayers.median) == (3, 20.0)
    assert total.stayers.average == pytest.approx((17 + 793 + 20) / 3)


def test_non_residential_persons_are_counted_apart_and_once(world):
    """A: p7 twice and p1 once (p1 also resided: still counted here, separately); B: p7 once;
    all: p7 and p1. The February contact is outside the period."""
    report = reports.occupancy(world.both, JAN_1, JAN_31)
    assert row_of(report, world.a).non_residential_assisted == 2
    assert row_of(report, world.b).non_residential_assisted == 1
    assert report.total.non_residential_assisted == 2
    assert report.total.admissions == 4  # contacts are not admissions


def test_transfer_on_the_first_day_of_the_period(world):
    """From Jan 12: p3 left A that morning (an exit of A with no night in the period) and is in
    B from the first night (B's census at start and an admission)."""
    report = reports.occupancy(world.both, date(2025, 1, 12), JAN_31)
    a, b = row_of(report, world.a), row_of(report, world.b)
    assert a.exits_by_destination["other_shelter_lao"] == 1
    assert (b.residents_at_start, b.admissions, b.occupied_bed_nights) == (1, 1, 20)
    # p2 from Jan 15 (17), p4's last night was Jan 10, p5 5, p6 20 nights: 42
    assert a.occupied_bed_nights == 17 + 5 + 20
    table_a = {row.category: row.total for row in reports.shelter_table(only(world.a), date(2025, 1, 12), JAN_31)}
    assert table_a["risk_group"] == 0  # no night in A in the period: not a resident of A


def test_a_bed_move_is_neither_an_exit_nor_an_admission(people, orgs):
    """q1 admitted Jan 3 to bed 1, moved to bed 2 on Jan 10, left Jan 20: one admission, one exit
    to family, a stay of 17 nights. q2 admitted Dec 25, moved on Jan 5 and still there: a
    resident at start, no admission, a stayer of 38 nights (Dec 25 to Jan 31) at the end."""
    shelter, sw, actor = make_shelter(orgs, "t-report-moves"), people.social_worker, people.manager
    since = DateRange(date(2024, 1, 1), None)
    beds = [Bed.objects.create(shelter=shelter, label=f"B{n}", in_service=since) for n in range(1, 5)]
    q1, q2 = make_case(sw, "trafficking"), make_case(sw, "rape", "male", 15)
    first = make_stay(
        q1, shelter, date(2025, 1, 3), date(2025, 1, 10), bed=beds[0], destination="bed_move", actor=actor
    )
    make_stay(
        q1,
        shelter,
        date(2025, 1, 10),
        date(2025, 1, 20),
        bed=beds[1],
        destination="family_reunification_home_village",
        episode=date(2025, 1, 3),
        previous=first,
        actor=actor,
    )
    moved = make_stay(
        q2, shelter, date(2024, 12, 25), date(2025, 1, 5), bed=beds[2], destination="bed_move", actor=actor
    )
    make_stay(q2, shelter, date(2025, 1, 5), bed=beds[3], episode=date(2024, 12, 25), previous=moved, actor=actor)

    row = reports.occupancy(only(shelter), JAN_1, JAN_31).rows[0]
    assert (row.residents_at_start, row.admissions, row.exits, row.residents_at_end) == (1, 1, 1, 1)
    assert {d: n for d, n in row.exits_by_destination.items() if n} == {"family_reunification_home_village": 1}
    assert "bed_move" not in row.exits_by_destination and "internal" not in row.exits_by_group
    assert (row.leavers.count, row.leavers.median, row.stayers.count, row.stayers.median) == (1, 17.0, 1, 38.0)
    assert row.occupied_bed_nights == 17 + 31
    assert counts(reports.shelter_table(only(shelter), JAN_1, JAN_31))[None][0] == 2


def test_a_shelter_without_any_stay_or_bed_reports_zeros(orgs):
    empty = make_shelter(orgs, "t-report-empty")
    report = reports.occupancy(only(empty), JAN_1, JAN_31)
    row = report.rows[0]
    assert (row.available_bed_nights, row.occupied_bed_nights, row.exits, row.residents_at_end) == (0, 0, 0, 0)
    assert row.utilisation is None and row.utilisation_plausible is None
    assert row.leavers.median is None and row.leavers.average is None
    assert reports.occupancy(Shelter.objects.none(), JAN_1, JAN_31).rows == []


def test_a_period_that_ends_before_it_starts_is_refused(world):
    with pytest.raises(ValueError, match="before its start"):
        reports.occupancy(world.both, JAN_31, JAN_1)


# --- Utilisation over time ---------------------------------------------------------------------
def test_monthly_series_matches_the_occupancy_of_each_month(world):
    """December: beds 4 + 1 all month (155 nights); p1 12, p4 31, p6 31 nights. January as above."""
    series = reports.utilisation_series(world.both, date(2024, 12, 1), JAN_31)
    assert [(p.start, p.end, p.available_bed_nights, p.occupied_bed_nights) for p in series] == [
        (date(2024, 12, 1), date(2024, 12, 31), 155, 74),
        (JAN_1, JAN_31, 129, 99),
    ]
    for point in series:
        month = reports.occupancy(world.both, point.start, point.end).total
        assert (point.available_bed_nights, point.occupied_bed_nights) == (
            month.available_bed_nights,
            month.occupied_bed_nights,
        )


def test_weekly_series_is_clipped_to_the_period_and_adds_up(world):
    """Jan 1, 2025 is a Wednesday: the first week is Jan 1-5; Jan 27-31 the last."""
    weeks = reports.utilisation_series(world.both, JAN_1, JAN_31, step="week")
    assert (weeks[0].start, weeks[0].end) == (JAN_1, date(2025, 1, 5))
    assert (weeks[-1].start, weeks[-1].end) == (date(2025, 1, 27), JAN_31)
    assert sum(w.occupied_bed_nights for w in weeks) == 99
    assert sum(w.available_bed_nights for w in weeks) == 129
    # Jan 13-19: B2 out all week (A: 3 beds, B3 retired after the 15th: 3+3+3+2+2+2+2 = 17, B: 7)
    week = next(w for w in weeks if w.start == date(2025, 1, 13))
    assert week.available_bed_nights == 17 + 7


# --- The shelters' own table -------------------------------------------------------------------
def counts(rows):
    return {row.category: row.counts() for row in rows}


def test_shelter_table_shape_order_and_zeros(world):
    rows = reports.shelter_table(only(world.a), JAN_1, JAN_31)
    assert [row.category for row in rows] == [
        "trafficking",
        "risk_group",
        "rape",
        "domestic_violence",
        "child_labour",
        "sexual_exploitation",
        "vulnerable",
        None,
    ]
    assert [row.label for row in rows][:3] == ["Human trafficking", "Risk group", "Rape"]
    assert rows[-1].label == "Total"
    assert rows[2].counts() == (0,) * 9  # nobody in the rape category: a row of zeros


def test_shelter_table_counts_by_sex_and_age_at_admission(world):
    """p4 was 17 at admission and turned 18 during the stay: under 18. p5 (sex other, age
    unknown) is in the totals only. Columns: total, F, M, <18 total/F/M, 18+ total/F/M."""
    table = counts(reports.shelter_table(only(world.a), JAN_1, JAN_31))
    assert table["trafficking"] == (3, 2, 1, 1, 0, 1, 2, 2, 0)
    assert table["risk_group"] == (1, 1, 0, 0, 0, 0, 1, 1, 0)
    assert table["domestic_violence"] == (1, 0, 0, 0, 0, 0, 0, 0, 0)
    assert table["child_labour"] == (1, 0, 1, 1, 0, 1, 0, 0, 0)
    assert table[None] == (6, 3, 2, 2, 0, 2, 3, 3, 0)


def test_transferred_person_counts_in_both_shelters_but_once_in_all(world):
    assert counts(reports.shelter_table(only(world.b), JAN_1, JAN_31))["risk_group"][0] == 1
    assert counts(reports.shelter_table(only(world.a), JAN_1, JAN_31))["risk_group"][0] == 1
    both = counts(reports.shelter_table(world.both, JAN_1, JAN_31))
    assert both["risk_group"][0] == 1
    assert both[None][0] == 6


def test_a_person_counts_once_per_category_and_once_in_the_total(people, orgs):
    """Two stays in one category count once there; a third stay under another category counts
    in that row too, yet the total row counts the person once. The age in each row is the
    lowest age at admission of that row's stays; in the total, the lowest of all."""
    shelter, sw, actor = make_shelter(orgs, "t-report-once"), people.social_worker, people.manager
    first = make_case(sw, "trafficking", "female", 17)
    again = make_case(sw, "rape", person=first.person)
    make_stay(first, shelter, date(2025, 1, 2), date(2025, 1, 5), age=17, actor=actor)
    make_stay(first, shelter, date(2025, 1, 8), date(2025, 1, 9), age=17, actor=actor)
    make_stay(again, shelter, date(2025, 1, 20), date(2025, 1, 22), age=18, actor=actor)
    table = counts(reports.shelter_table(only(shelter), JAN_1, JAN_31))
    assert table["trafficking"] == (1, 1, 0, 1, 1, 0, 0, 0, 0)
    assert table["rape"] == (1, 1, 0, 0, 0, 0, 1, 1, 0)
    assert table[None] == (1, 1, 0, 1, 1, 0, 0, 0, 0)  # once, as a child (17 at first admission)


def test_shelter_table_leaves_out_stays_without_a_night_in_the_period(world):
    """p1 left on Jan 10 and p4 on Jan 11: from Jan 11 neither had a night in the shelter."""
    table = counts(reports.shelter_table(only(world.a), date(2025, 1, 11), JAN_31))
    assert table["trafficking"][0] == 2  # p2 and p6
    assert table["child_labour"][0] == 0


# --- Residents by year --------------------------------------------------------------------------
def test_residents_by_year_with_children(world):
    """2024: p1 (from Dec 20), p4 (from Nov 1, 17: a child), p6. 2025: all six; children p2, p4."""
    table = reports.residents_by_year(world.both, 2024, 2025)
    assert table.years == [2024, 2025]
    by = {row.category: [(cell.residents, cell.children) for cell in row.cells] for row in table.rows}
    assert by["trafficking"] == [(2, 0), (3, 1)]
    assert by["child_labour"] == [(1, 1), (1, 1)]
    assert by["risk_group"] == [(0, 0), (1, 0)]
    assert by["rape"] == [(0, 0), (0, 0)]
    assert [(cell.residents, cell.children) for cell in table.total.cells] == [(3, 1), (6, 2)]
    # p6, admitted in December 2022 and still there, counts in every year since
    longer = reports.residents_by_year(only(world.a), 2021, 2025)
    assert [cell.residents for cell in longer.rows[0].cells] == [0, 1, 1, 2, 3]
    assert [cell.residents for cell in longer.total.cells] == [0, 1, 1, 3, 6]


def test_residents_by_year_refuses_more_than_ten_years(world):
    with pytest.raises(ValueError, match="ten years"):
        reports.residents_by_year(world.both, 2015, 2025)


# --- The worked example of docs/reports.md --------------------------------------------------------
def test_the_worked_example_in_docs_reports_md(people, orgs):
    """If this fails, the example a manager checks by hand is wrong: fix the code or the doc."""
    shelter, sw, actor = make_shelter(orgs, "t-report-example"), people.social_worker, people.manager
    since = DateRange(date(2024, 1, 1), None)
    b1 = Bed.objects.create(shelter=shelter, label="B1", in_service=since)
    b2 = Bed.objects.create(shelter=shelter, label="B2", in_service=since)
    BedOutage.objects.create(
        bed=b2, during=DateRange(date(2025, 3, 5), date(2025, 3, 7)), reason="x", recorded_by=actor
    )
    a, b = make_case(sw, "trafficking", "female", 30), make_case(sw, "risk_group", "male", 16)
    c = make_case(sw, "trafficking", "female", 20)
    family, left = "family_reunification_home_village", "left_without_notice"
    make_stay(a, shelter, date(2025, 2, 20), date(2025, 3, 4), bed=b1, age=30, destination=family, actor=actor)
    make_stay(b, shelter, date(2025, 3, 4), bed=b1, age=16, actor=actor)
    make_stay(c, shelter, date(2025, 3, 2), date(2025, 3, 5), bed=b2, age=None, destination=left, actor=actor)
    start, end = date(2025, 3, 1), date(2025, 3, 7)

    row = reports.occupancy(only(shelter), start, end).rows[0]
    assert (row.available_bed_nights, row.occupied_bed_nights) == (12, 10)
    assert round(row.utilisation, 1) == 83.3 and row.utilisation_plausible
    assert round(row.average_daily_census, 1) == 1.4
    assert (row.capacity_start, row.capacity_end) == (2, 2)
    assert (row.residents_at_start, row.admissions, row.exits, row.residents_at_end) == (1, 2, 2, 1)
    assert row.positive_exit_rate == 50.0
    assert (row.leavers.average, row.leavers.median, row.leavers.buckets["<=30"]) == (7.5, 7.5, 2)
    assert (row.stayers.average, row.stayers.median) == (4.0, 4.0)
    table = counts(reports.shelter_table(only(shelter), start, end))
    assert table["trafficking"] == (2, 2, 0, 0, 0, 0, 1, 1, 0)
    assert table["risk_group"] == (1, 0, 1, 1, 0, 1, 0, 0, 0)
    assert table[None] == (3, 2, 1, 1, 0, 1, 1, 1, 0)


def test_periods_of_ten_years_or_more_are_refused(world):
    assert reports.occupancy(world.both, date(2015, 1, 2), date(2025, 1, 1)).total.days == 3653
    with pytest.raises(ValueError, match="ten years"):
        reports.occupancy(world.both, date(2015, 1, 1), date(2025, 1, 1))


# --- A fixed number of queries -------------------------------------------------------------------
def run_all(shelters):
    reports.occupancy(shelters, JAN_1, JAN_31)
    reports.utilisation_series(shelters, JAN_1, JAN_31)
    reports.shelter_table(shelters, JAN_1, JAN_31)
    reports.residents_by_year(shelters, 2024, 2025)


def test_query_count_does_not_grow_with_the_stays(people, orgs, django_assert_max_num_queries):
    """The same queries for 1 stay as for 30 (each report: the shelters, the settings, its
    aggregates, plus the savepoints of the test transaction)."""
    shelter, sw, actor = make_shelter(orgs, "t-report-count"), people.social_worker, people.manager
    bed = Bed.objects.create(shelter=shelter, label="B1", in_service=DateRange(date(2024, 1, 1), None))
    make_stay(make_case(sw, "trafficking"), shelter, date(2025, 1, 1), date(2025, 1, 2), bed=bed, actor=actor)
    with CaptureQueriesContext(connection) as one:
        run_all(only(shelter))
    for day in range(2, 31):
        make_stay(make_case(sw, "rape", "male", 15), shelter, date(2025, 1, day), date(2025, 1, day + 1), actor=actor)
    with django_assert_max_num_queries(len(one.captured_queries)), CaptureQueriesContext(connection) as thirty:
        run_all(only(shelter))
    assert len(thirty.captured_queries) == len(one.captured_queries) <= 24
    assert counts(reports.shelter_table(only(shelter), JAN_1, JAN_31))[None][0] == 30
