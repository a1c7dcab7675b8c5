"""What every generated stay shares, in the demo data and in the occupancy load: which nights
each bed is taken (so that the database's exclusion constraints accept every stay), how long
people stay, where they go when they leave, and the Stay row itself.

Stays are half-open `[admission, discharge)`, as in shelters.models: a stay ending on day X and
the next one starting on day X in the same bed (or for the same person) do not overlap."""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import connection
from django.db.backends.postgresql.psycopg_any import DateRange

from accounts.models import User
from casework.ages import age_on
from casework.models import Case, Person
from seeds.generator.base import Part
from seeds.generator.copy import build
from shelters.choices import ExitDestination as Exit
from shelters.models import Bed, Shelter, Stay

FOREVER = date.max.toordinal()
TRANSFERS = frozenset({Exit.OTHER_SHELTER, Exit.TRANSIT_CENTRE, Exit.BED_MOVE})
# Where people go when they leave (HUD's groups, the Lao context): mostly home to the family.
# fmt: off
EXITS_ADULT = (
    (Exit.FAMILY_REUNIFICATION, 56), (Exit.INDEPENDENT_LIVING, 10), (Exit.OTHER_SHELTER, 6), (Exit.BED_MOVE, 3),
    (Exit.TRANSIT_CENTRE, 1), (Exit.HOSPITAL, 2), (Exit.DETENTION, 0.5), (Exit.REMIGRATED, 5),
    (Exit.LEFT_WITHOUT_NOTICE, 8), (Exit.DECEASED, 0.2), (Exit.UNKNOWN, 3),
)
EXITS_CHILD = (
    (Exit.FAMILY_REUNIFICATION, 62), (Exit.KINSHIP_OR_FOSTER_CARE, 9), (Exit.OTHER_SHELTER, 7), (Exit.BED_MOVE, 3),
    (Exit.TRANSIT_CENTRE, 1), (Exit.HOSPITAL, 2), (Exit.LEFT_WITHOUT_NOTICE, 8), (Exit.REMIGRATED, 1),
    (Exit.UNKNOWN, 3),
)
# A transit centre keeps people about a week, then sends them home or on to a shelter.
EXITS_TRANSIT = (
    (Exit.FAMILY_REUNIFICATION, 60), (Exit.OTHER_SHELTER, 25), (Exit.KINSHIP_OR_FOSTER_CARE, 3),
    (Exit.LEFT_WITHOUT_NOTICE, 5), (Exit.HOSPITAL, 2), (Exit.REMIGRATED, 2), (Exit.UNKNOWN, 3),
)
# fmt: on
EXIT_REASONS: dict[str, str] = {
    Exit.LEFT_WITHOUT_NOTICE: "Left during the night; the family and the village chief were informed.",
    Exit.REMIGRATED: "Said they would look for work across the border again.",
    Exit.HOSPITAL: "Admitted to the provincial hospital for treatment.",
}


class BedBook:
    """The nights each bed is taken, by stays and by outages, as disjoint sorted intervals of
    day ordinals (an open stay or outage runs to FOREVER), and each bed's time in service."""

    def __init__(self, beds: Iterable[Bed]) -> None:
        self.starts: dict[Any, list[int]] = {}
        self.ends: dict[Any, list[int]] = {}
        self.service: dict[Any, tuple[int, int]] = {}
        for bed in beds:
            self.starts[bed.pk], self.ends[bed.pk] = [], []
            upper = bed.in_service.upper
            self.service[bed.pk] = (bed.in_service.lower.toordinal(), upper.toordinal() if upper else FOREVER)

    @classmethod
    def locked(cls, beds: list[Bed]) -> BedBook:
        """The book as the database has it, with the beds' rows locked until the transaction
        ends: the shelters services lock a bed before every admission, move and outage, so no
        other writer can take a night the book believes free before this batch commits."""
        book = cls(beds)
        if not beds:
            return book
        ids = sorted(bed.pk for bed in beds)
        taken: dict[Any, list[tuple[int, int]]] = {pk: [] for pk in ids}
        with connection.cursor() as cursor:
            cursor.execute("SELECT id FROM shelters_bed WHERE id = ANY(%s) ORDER BY id FOR UPDATE", [ids])
            cursor.execute(
                "SELECT bed_id, lower(during), upper(during) FROM shelters_stay WHERE bed_id = ANY(%s) "
                "UNION ALL SELECT bed_id, lower(during), upper(during) FROM shelters_bedoutage WHERE bed_id = ANY(%s)",
                [ids, ids],
            )
            for bed_id, lower, upper in cursor.fetchall():
                taken[bed_id].append((lower.toordinal(), upper.toordinal() if upper else FOREVER))
        for bed_id, intervals in taken.items():
            for start, end in sorted(intervals):  # merged, should anything overlap already
                starts, ends = book.starts[bed_id], book.ends[bed_id]
                if ends and start <= ends[-1]:
                    ends[-1] = max(ends[-1], end)
                else:
                    starts.append(start)
                    ends.append(end)
        return book

    def free(self, bed_id: Any, start: date, end: date | None) -> bool:
        """No stay or outage of the bed over [start, end), and the bed in service throughout."""
        first, last = start.toordinal(), end.toordinal() if end else FOREVER
        low, high = self.service[bed_id]
        if first < low or last > high:
            return False
        starts, ends = self.starts[bed_id], self.ends[bed_id]
        i = bisect_right(starts, first)
        return not ((i and ends[i - 1] > first) or (i < len(starts) and starts[i] < last))

    def take(self, bed_id: Any, start: date, end: date | None) -> None:
        first = start.toordinal()
        i = bisect_right(self.starts[bed_id], first)
        self.starts[bed_id].insert(i, first)
        self.ends[bed_id].insert(i, end.toordinal() if end else FOREVER)


class Occupancy(Part):
    """Drawing stays: their length, their exit, and the row."""

    def length(self, shelter: Shelter, child: bool) -> int:
        """Days in the shelter: about a week in a transit centre; elsewhere weeks to months
        (median about eight weeks, children somewhat longer), at most a year and a half."""
        if shelter.is_transit_centre:
            return max(2, min(21, round(self.rng.gauss(7, 3))))
        days = self.rng.lognormvariate(math.log(55), 0.65) * (1.3 if child else 1.0)
        return max(10, min(540, round(days)))

    def exit(self, shelter: Shelter, person: Person, on: date, *, transfers: bool = True) -> str:
        """Where the person went on leaving on `on`; a foreigner mostly goes back to their own
        country. Without `transfers`, never a move to another bed or shelter."""
        if shelter.is_transit_centre:
            weighted: tuple[tuple[str, float], ...] = EXITS_TRANSIT
        else:
            weighted = EXITS_CHILD if (age_on(person, on) or 0) < 18 else EXITS_ADULT
        while True:
            destination = self.pick(weighted)
            if destination == Exit.FAMILY_REUNIFICATION and person.nationality_id != "LA" and self.chance(0.8):
                destination = Exit.REPATRIATED
            if transfers or destination not in TRANSFERS:
                return destination

    @staticmethod
    def transfer_exit(to: Shelter) -> str:
        """The exit of a stay followed by one in another shelter."""
        return Exit.TRANSIT_CENTRE if to.is_transit_centre else Exit.OTHER_SHELTER

    def stay(
        self,
        shelter: Shelter,
        bed: Bed | None,
        case: Case,
        person: Person,
        start: date,
        end: date | None,
        *,
        actor: User,
        previous: Stay | None = None,
    ) -> Stay:
        """The stay over [start, end) (open when `end` is None), its planned discharge for
        some; a move to another bed of the same shelter keeps the episode and the age."""
        bed_move = previous is not None and previous.shelter_id == shelter.pk
        planned = None
        if self.chance(0.4):
            days = ((end or self.today).toordinal() - start.toordinal()) or 7
            planned = date.fromordinal(start.toordinal() + max(1, round(days * self.rng.uniform(0.7, 1.3))))
        return build(
            Stay,
            id=self.uuid(),
            shelter_id=shelter.pk,
            bed_id=bed.pk if bed else None,
            person_id=person.pk,
            case_id=case.pk,
            during=DateRange(start, end),
            episode_started_on=previous.episode_started_on if bed_move and previous else start,
            planned_discharge_on=planned,
            age_at_admission=previous.age_at_admission if bed_move and previous else age_on(person, start),
            previous_stay_id=previous.pk if previous else None,
            admitted_by_id=actor.pk,
            created_at=self.at(start),
        )

    def discharge(self, stay: Stay, destination: str, actor: User) -> None:
        stay.exit_destination = destination
        stay.exit_reason = EXIT_REASONS.get(destination, "")
        stay.discharged_by_id = actor.pk

    def shelter_staff(self, shelter: Shelter) -> User:
        """Who admits and discharges: a worker of the operator or staff posted there."""
        operator = self.ref.organisation_codes[shelter.operator_id]
        return self.rng.choice([*self.staff.workers[operator], *self.staff.posted.get(shelter.code, ())])
