"""Stays in the seeded shelters for the cases that need one, as the shelters' rules allow:
admissions, transfers and bed moves, discharges with their destination, open stays for those
still there today; the reception of repatriated people in a transit centre; a few bed outages;
and non-residential assistance (the Champasack shelter assisted many children that way).

Each batch locks the beds and reads which nights are taken (BedBook.locked), so stays land only
on free nights, whatever earlier batches, runs or staff wrote; one person's stays never overlap
either. Both are the database's exclusion constraints, which check every row as it is written.
At any scale some beds of each shelter stay free from today on (FREE_TODAY), so that staff can
still admit someone in the demo."""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

from django.db.backends.postgresql.psycopg_any import DateRange

from accounts.models import User
from casework.ages import age_on
from casework.choices import CaseCategory, RepatriationStatus, Sex
from casework.models import Case, Person
from seeds.generator.base import Context
from seeds.generator.copy import AssistanceServices, Batch, build
from seeds.generator.occupancy import TRANSFERS, BedBook, Occupancy
from seeds.generator.people import YEARS_OF_DATA
from seeds.generator.repatriation import Journey
from shelters.choices import ExitDestination as Exit
from shelters.models import Bed, BedOutage, NonResidentialAssistance, Shelter, Stay

# Share of cases with a stay, by category, for women and children; men far less often.
STAY_SHARE = {
    CaseCategory.TRAFFICKING: 0.45,
    CaseCategory.SEXUAL_EXPLOITATION: 0.5,
    CaseCategory.RAPE: 0.45,
    CaseCategory.DOMESTIC_VIOLENCE: 0.35,
    CaseCategory.VULNERABLE: 0.4,
    CaseCategory.CHILD_LABOUR: 0.25,
    CaseCategory.RISK_GROUP: 0.05,
}
MEN_FACTOR = 0.3
MAX_MOVES = 2  # transfers and bed moves in one chain of stays
FREE_TODAY = 0.15  # share of each shelter's beds left free from today on
# Children assisted without residing, per shelter (Champasack: 174 children in 2016-2017).
NON_RESIDENTIAL_SHARE = {"vfi-home-of-dreams": 0.45}
NON_RESIDENTIAL_DEFAULT = 0.04
NON_RESIDENTIAL_SERVICES = (("education", 5), ("basic_needs", 4), ("counselling", 3), ("family_tracing", 2))
OUTAGE_REASONS = (
    "Bed frame repaired.",
    "Mattress and mosquito net replaced.",
    "Room repainted.",
    "Kept free after a case of chickenpox.",
)


class Shelters(Occupancy):
    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.beds: list[Bed] = [bed for shelter in self.ref.shelters for bed in self.ref.beds[shelter.pk]]
        self.shelter_of = {shelter.pk: shelter for shelter in self.ref.shelters}
        self.book = BedBook(())
        self.busy: dict[Any, list[tuple[date, date | None]]] = {}

    def begin(self, batch: Batch, size: int) -> None:
        """Per batch: lock the beds and read the nights taken; then a few outages."""
        self.book = BedBook.locked(self.beds)
        self.busy = {}
        for _ in range(max(1, size // 800) if self.beds else 0):
            self.outage(batch)

    # -- admission rules --
    def accepts(self, shelter: Shelter, case: Case, person: Person, on: date) -> bool:
        """shelters.services' admission rules: sex, age on that day, category."""
        if shelter.accepts_sexes and person.sex not in shelter.accepts_sexes:
            return False
        if shelter.accepts_categories and case.category not in shelter.accepts_categories:
            return False
        age = age_on(person, on)
        if shelter.min_age is not None or shelter.max_age is not None:
            if age is None:
                return False
            if (shelter.min_age is not None and age < shelter.min_age) or (
                shelter.max_age is not None and age > shelter.max_age
            ):
                return False
        return age is None or age >= 0

    def candidates(
        self, case: Case, person: Person, on: date, *, transit: bool | None, province: Any = None, avoid: Any = None
    ) -> list[Shelter]:
        """The shelters that would admit the person on `on`, in a random order that favours
        the case owner's own shelter and shelters of `province` (or the owner's province)."""
        province = province or self.ref.registers_in.get(self.owner_code(case))
        keyed = []
        for shelter in self.ref.shelters:
            if shelter.pk == avoid or (transit is not None and shelter.is_transit_centre != transit):
                continue
            if not self.accepts(shelter, case, person, on):
                continue
            weight = 8.0 if shelter.operator_id == case.owner_id else (3.0 if shelter.province_id == province else 1.0)
            if shelter.is_transit_centre and transit is None:
                weight *= 0.3
            keyed.append((self.rng.random() ** (1 / weight), shelter.code, shelter))
        return [shelter for _key, _code, shelter in sorted(keyed, reverse=True)]

    def bed(self, shelter: Shelter, start: date, end: date | None, *, avoid: Any = None) -> Bed | None:
        beds = self.ref.beds[shelter.pk]
        if not beds:
            return None
        offset = self.rng.randrange(len(beds))
        for k in range(len(beds)):
            bed = beds[(offset + k) % len(beds)]
            if bed.pk != avoid and self.book.free(bed.pk, start, end):
                return bed
        return None

    def room_today(self, shelter: Shelter) -> bool:
        """Whether one more resident may still be there today: some beds are kept free from
        today on (FREE_TODAY of them), so that staff can admit someone in the demo at any scale."""
        beds = self.ref.beds[shelter.pk]
        free = sum(self.book.free(bed.pk, self.today, None) for bed in beds)
        return free > max(1, math.ceil(FREE_TODAY * len(beds)))

    def person_free(self, person: Person, start: date, end: date | None) -> bool:
        return all(
            (e is not None and e <= start) or (end is not None and end <= s) for s, e in self.busy.get(person.pk, [])
        )

    # -- stays --
    def stays(self, batch: Batch, case: Case, person: Person, journey: Journey | None) -> list[Stay]:
        """The case's stays, in order (none for most cases)."""
        if not self.ref.shelters:
            return []
        if journey is not None:
            return self.reception(batch, case, person, journey)
        women_and_children = person.sex == Sex.FEMALE or case.child_at_identification
        share = STAY_SHARE.get(case.category, 0.0) * (1.0 if women_and_children else MEN_FACTOR)  # type: ignore[call-overload]
        if not self.chance(share):
            return []
        start = min(case.identified_on + timedelta(days=self.rng.randint(0, 7)), self.end_of(case))
        chain: list[Stay] = []
        self.place(batch, case, person, start, self.candidates(case, person, start, transit=None), chain)
        return chain

    def reception(self, batch: Batch, case: Case, person: Person, journey: Journey) -> list[Stay]:
        """A repatriated person stays at the reception centre from the handover at the border
        until the return home or the placement in a shelter (open while that is to come)."""
        cancelled = journey.repatriation.status == RepatriationStatus.CANCELLED
        if journey.arrived_on is None or (journey.returned_on is None and cancelled):
            return []
        start = journey.arrived_on
        north = self.ref.provinces["LM"].pk if journey.repatriation.from_country_id == "CN" else None
        centres = self.candidates(case, person, start, transit=True, province=north)
        chain: list[Stay] = []
        first = self.place(batch, case, person, start, centres, chain, end=journey.returned_on, draw=False)
        if first is None or first.during.upper is None:
            return chain
        if journey.home_on is not None:
            self.close(batch, case, person, first, Exit.FAMILY_REUNIFICATION)
        else:  # placed in a shelter: here if a bed is free, else one outside Pathway
            shelters = self.candidates(case, person, first.during.upper, transit=False)
            if self.place(batch, case, person, first.during.upper, shelters, chain, previous=first) is None:
                self.close(batch, case, person, first, Exit.OTHER_SHELTER)
        return chain

    def place(
        self,
        batch: Batch,
        case: Case,
        person: Person,
        start: date,
        shelters: list[Shelter],
        chain: list[Stay],
        *,
        previous: Stay | None = None,
        end: date | None = None,
        draw: bool = True,
    ) -> Stay | None:
        """Admit the person on `start` to the first of `shelters` with a bed free for a drawn
        length (without `draw`: until `end`, None for still there; the exit is then the
        caller's), within the case's life. A stay drawn to end before today gets its exit, and
        a transfer or bed move its next stay. None if no shelter has room."""
        limit = self.end_of(case)
        for shelter in shelters:
            until = start + timedelta(days=self.length(shelter, (age_on(person, start) or 0) < 18)) if draw else end
            if case.closed_at is not None:
                until = min(until or limit, limit)  # a closed case has no stay left open
            elif until is not None and until > self.today:
                until = None  # still there today
            if (until is not None and until <= start) or not self.person_free(person, start, until):
                return None
            if until is None and not self.room_today(shelter):
                continue
            bed = self.bed(shelter, start, until, avoid=previous.bed_id if previous else None)
            if bed is None:
                continue
            actor = self.shelter_staff(shelter)
            stay = self.stay(shelter, bed, case, person, start, until, actor=actor, previous=previous)
            stay.shelter = shelter
            self.book.take(bed.pk, start, until)
            self.busy.setdefault(person.pk, []).append((start, until))
            chain.append(stay)
            batch.add(stay)
            self.admitted(batch, case, stay, previous, actor)
            if previous is not None:
                moved = Exit.BED_MOVE if previous.shelter_id == shelter.pk else None
                self.close(batch, case, person, previous, moved or self.transfer_exit(shelter))
            if draw and until is not None:
                self.leave(batch, case, person, stay, chain)
            return stay
        return None

    def leave(self, batch: Batch, case: Case, person: Person, stay: Stay, chain: list[Stay]) -> None:
        """The exit of a closed stay; a transfer or bed move when the next place has room."""
        shelter: Shelter = stay.shelter
        end: date = stay.during.upper
        destination = self.exit(shelter, person, end, transfers=len(chain) <= MAX_MOVES)
        if destination in TRANSFERS:
            if destination == Exit.BED_MOVE:
                nexts = [shelter]
            else:
                transit = destination == Exit.TRANSIT_CENTRE
                nexts = self.candidates(case, person, end, transit=transit, avoid=shelter.pk)
            if self.place(batch, case, person, end, nexts, chain, previous=stay) is not None:
                return  # the next stay closed this one
            destination = self.exit(shelter, person, end, transfers=False)
        self.close(batch, case, person, stay, destination)

    def close(self, batch: Batch, case: Case, person: Person, stay: Stay, destination: str) -> None:
        actor = self.shelter_staff(stay.shelter)
        self.discharge(stay, destination, actor)
        if destination not in TRANSFERS:  # a transfer's timeline row is the next stay's
            self.event(
                batch,
                case,
                actor,
                self.at(stay.during.upper),
                "stay_discharged",
                shelter=stay.shelter.code,
                stay=str(stay.pk),
                discharged_on=stay.during.upper.isoformat(),
                destination=destination,
            )

    def admitted(self, batch: Batch, case: Case, stay: Stay, previous: Stay | None, actor: User) -> None:
        kind = "stay_admitted"
        if previous is not None:
            kind = "stay_bed_moved" if previous.shelter_id == stay.shelter_id else "stay_transferred"
        self.event(
            batch,
            case,
            actor,
            stay.created_at,
            kind,
            shelter=stay.shelter.code,
            stay=str(stay.pk),
            bed=str(stay.bed_id),
            previous_stay=str(previous.pk) if previous else None,
            admitted_on=stay.during.lower.isoformat(),
        )

    # -- outages and non-residential assistance --
    def outage(self, batch: Batch) -> None:
        """A bed out of service for a few days to a month, on nights nobody occupies."""
        bed = self.rng.choice(self.beds)
        low = max(bed.in_service.lower, self.today - timedelta(days=365 * YEARS_OF_DATA))
        start = low + timedelta(days=self.rng.randint(0, max(0, (self.today - low).days)))
        end = start + timedelta(days=self.rng.randint(3, 30))
        if not self.book.free(bed.pk, start, end):
            return
        if end > self.today and not self.room_today(self.shelter_of[bed.shelter_id]):
            return  # not the last free beds
        self.book.take(bed.pk, start, end)
        operator = self.ref.organisation_codes[self.shelter_of[bed.shelter_id].operator_id]
        batch.add(
            build(
                BedOutage,
                id=self.uuid(),
                bed_id=bed.pk,
                during=DateRange(start, end),
                reason=self.rng.choice(OUTAGE_REASONS),
                recorded_by_id=self.staff.managers[operator].pk,
            )
        )

    def non_residential(self, batch: Batch, case: Case, person: Person, chain: list[Stay]) -> None:
        """A child helped by a shelter without residing there (school fees, food, counselling)."""
        if chain or not case.child_at_identification or not self.ref.shelters:
            return
        on = self.after(case.identified_on, 0, 30, self.end_of(case))
        shelters = self.candidates(case, person, on, transit=False)
        if not shelters or not self.chance(NON_RESIDENTIAL_SHARE.get(shelters[0].code, NON_RESIDENTIAL_DEFAULT)):
            return
        if not self.person_free(person, on, on + timedelta(days=1)):
            return
        shelter, actor = shelters[0], self.shelter_staff(shelters[0])
        assistance = build(
            NonResidentialAssistance,
            id=self.uuid(),
            shelter_id=shelter.pk,
            person_id=person.pk,
            case_id=case.pk,
            assisted_on=on,
            kind_id=case.category,  # the seeded kinds include a kind of each case category's code
            recorded_by_id=actor.pk,
        )
        batch.add(assistance)
        codes = sorted({self.pick(NON_RESIDENTIAL_SERVICES) for _ in range(self.rng.randint(1, 2))})
        for code in codes:
            batch.add(build(AssistanceServices, nonresidentialassistance_id=assistance.pk, servicetype_id=code))
        self.event(
            batch,
            case,
            actor,
            self.at(on),
            "non_residential_recorded",
            shelter=shelter.code,
            assisted_on=on.isoformat(),
            services=codes,
        )
