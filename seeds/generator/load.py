"""The occupancy load: a large number of stays (a million by default) over synthetic shelters
and years, for timing the occupancy reports (issue 4). Not demo data: its shelters are named
`load-NN`, accept everyone, and the demo generator never puts anyone in them.

Each shelter gets an equal share of the stays. Each bed gets a timeline of back-to-back stays
with small gaps (none on some days), from the first day to today, the last one still open when
it runs past today; so no bed is ever taken twice. A shelter gets a new bed whenever its last
bed's timeline reaches today, so there are as many beds as the stays fill (all full but the
last of each shelter). A few stays end in a transfer: the next stay starts the same day in
another shelter's bed, for the same person and case. Each chain of stays is one person's, with
a case of its own; some people come back later (a new case, a new chain after the previous one
ended), so nobody is in two places at once. One transaction writes each chunk (every shelter's
part of `batch_stays`) with COPY; the count is exactly `stays`."""

from __future__ import annotations

import heapq
import math
import random
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from time import perf_counter
from typing import Any

from django.db import transaction
from django.db.backends.postgresql.psycopg_any import DateRange
from django.utils import timezone

from casework.choices import CaseStatus
from casework.models import Person
from seeds.demo import refuse_in_production
from seeds.generator.base import Context
from seeds.generator.cases import Cases
from seeds.generator.copy import Batch, analyze, build, copy_rows, immediate_constraints, restore_constraints
from seeds.generator.occupancy import Occupancy
from seeds.generator.people import People, allocate_case_codes
from seeds.generator.reference import LOAD_PREFIX, Reference
from seeds.generator.staff import OWNER_ORGS, ensure_staff
from shelters.models import Bed, Shelter, Stay

TRANSIT_EVERY = 10  # one shelter in ten is a transit centre
TRANSFER_SHARE = 0.05
RETURN_SHARE = 0.2  # a chain that is an earlier resident's return (at least a month later)
MAX_GAP = 6  # days a bed stays empty between two stays


@dataclass
class Slot:
    shelter: Shelter
    bed: Bed
    start: date
    end: date | None
    previous: Slot | None = None
    next: Slot | None = None


def generate_occupancy_load(
    *,
    stays: int = 1_000_000,
    shelters: int = 20,
    years: int = 5,
    seed: int = 2026,
    today: date | None = None,
    batch_stays: int = 50_000,
    progress: Callable[[int, Counter[str]], None] | None = None,
    timings: dict[str, float] | None = None,
) -> dict[str, int]:
    """Create `shelters` load shelters and `stays` stays over `years` years up to `today`, with
    the beds, people and cases they need. Refused when a load exists already. Returns the rows
    written per model."""
    refuse_in_production()
    if stays < 1 or shelters < 1 or years < 1 or batch_stays < 1:
        raise ValueError("stays, shelters, years and batch_stays must be positive")
    if Shelter.objects.filter(code__startswith=LOAD_PREFIX).exists():
        raise RuntimeError("This database has an occupancy load already (shelters load-*).")
    reference = Reference.load()
    reference.check()
    context = Context(
        rng=random.Random(f"pathway-occupancy:{seed}"),
        ref=reference,
        staff=ensure_staff(reference.organisations),
        today=today or timezone.localdate(),
    )
    load = Load(context, years)
    counts: Counter[str] = Counter()
    with transaction.atomic():
        load.create_shelters(shelters)
    counts["shelters.shelter"] = shelters
    quotas = [stays // shelters + (n < stays % shelters) for n in range(shelters)]  # what each shelter gets
    done = 0
    while done < stays:
        with transaction.atomic():
            immediate_constraints()
            started = perf_counter()
            batch = load.batch(quotas, math.ceil(batch_stays / shelters))
            built = perf_counter()
            written = batch.write("copy", batch_stays, timings)
            restore_constraints()
        if timings is not None:
            label = "build in python (incl. case codes)"
            timings[label] = timings.get(label, 0.0) + built - started
        if not written["shelters.stay"]:
            raise RuntimeError("no stays written: the quotas are used up")  # cannot happen; never loop forever
        counts += written
        done += written["shelters.stay"]
        if progress is not None:
            progress(done, counts)
    analyze(counts)
    return dict(sorted(counts.items()))


class Load(Occupancy):
    def __init__(self, ctx: Context, years: int) -> None:
        super().__init__(ctx)
        self.first_day = ctx.today - timedelta(days=365 * years)
        self.people = People(ctx)
        self.cases = Cases(ctx)
        self.shelters: list[Shelter] = []
        self.beds: list[Bed | None] = []  # per shelter: the bed being filled
        self.next_day: list[date] = []  # per shelter: that bed's next admission
        self.bed_count: list[int] = []

    def create_shelters(self, count: int) -> None:
        """The load's shelters (operators taken in turn; one in ten a transit centre), open to
        everyone."""
        operators = [self.ref.organisations[code] for code in OWNER_ORGS]
        for number in range(1, count + 1):
            operator = operators[(number - 1) % len(operators)]
            self.shelters.append(
                build(
                    Shelter,
                    id=self.uuid(),
                    code=f"{LOAD_PREFIX}{number:02d}",
                    name_en=f"Load-test shelter {number:02d}",
                    operator_id=operator.pk,
                    province_id=operator.province_id,
                    is_transit_centre=number % TRANSIT_EVERY == 0,
                )
            )
        copy_rows(Shelter, self.shelters)
        self.beds = [None] * count
        self.next_day = [self.today] * count
        self.bed_count = [0] * count

    def batch(self, quotas: list[int], per_shelter: int) -> Batch:
        """Up to `per_shelter` more stays of each shelter (within its quota, which this uses
        up), linked into transfers, with a person and a case for each chain."""
        batch = Batch()
        slots: list[Slot] = []
        for n, shelter in enumerate(self.shelters):
            take = min(per_shelter, quotas[n])
            quotas[n] -= take
            slots += self.timeline(batch, n, shelter, take)
        self.link_transfers(slots)
        heads = sorted((slot for slot in slots if slot.previous is None), key=lambda slot: slot.start)
        residents = self.residents(heads)
        allocate_case_codes(list(dict.fromkeys(person for person, _facts in residents.values())))
        written: set[Any] = set()
        for head in heads:
            person, facts = residents[id(head)]
            if person.pk not in written:
                written.add(person.pk)
                batch.add(person)
            self.chain(batch, head, person, facts)
        return batch

    def timeline(self, batch: Batch, n: int, shelter: Shelter, count: int) -> list[Slot]:
        """The next `count` stays of the shelter: its current bed's, then new beds'."""
        slots: list[Slot] = []
        while len(slots) < count:
            bed, day = self.beds[n], self.next_day[n]
            if bed is None or day > self.today:
                self.bed_count[n] += 1
                bed = build(
                    Bed,
                    id=self.uuid(),
                    shelter_id=shelter.pk,
                    label=f"L{self.bed_count[n]:05d}",
                    in_service=DateRange(self.first_day - timedelta(days=30), None),
                )
                batch.add(bed)
                day = self.first_day + timedelta(days=self.rng.randint(0, 2 * MAX_GAP))
            end: date | None = day + timedelta(days=self.length(shelter, self.chance(1 / 3)))
            if end is not None and end > self.today:
                end = None  # still there today
            slots.append(Slot(shelter, bed, day, end))
            self.beds[n] = bed
            if end is None:
                self.beds[n] = None  # full up to today: the next stay needs a new bed
            else:
                self.next_day[n] = end + timedelta(days=0 if self.chance(0.3) else self.rng.randint(1, MAX_GAP))
        return slots

    def link_transfers(self, slots: list[Slot]) -> None:
        """Some stays end in a transfer: a stay starting that day in another shelter becomes the
        next one of the same person."""
        starting: dict[date, list[Slot]] = defaultdict(list)
        for slot in slots:
            starting[slot.start].append(slot)
        for slot in slots:
            if slot.end is None or not self.chance(TRANSFER_SHARE):
                continue
            arrivals = starting.get(slot.end, [])
            for _ in range(3):
                if not arrivals:
                    break
                arrival = arrivals.pop(self.rng.randrange(len(arrivals)))
                if arrival.shelter is not slot.shelter and arrival.previous is None:
                    slot.next, arrival.previous = arrival, slot
                    break

    def residents(self, heads: list[Slot]) -> dict[int, tuple[Person, dict[str, Any]]]:
        """A person for each chain (by id of its first slot): new, or an earlier resident of
        the chunk coming back at least a month after their last stay ended."""
        gone: list[tuple[date, int, Person, dict[str, Any]]] = []  # (free from, tie, person, facts)
        residents: dict[int, tuple[Person, dict[str, Any]]] = {}
        for n, head in enumerate(heads):
            if gone and gone[0][0] <= head.start and self.chance(RETURN_SHARE):
                _free, _tie, person, facts = heapq.heappop(gone)
            else:
                registered_on = head.start - timedelta(days=self.rng.randint(0, 10))
                person, facts = self.people.person(registered_on=registered_on)
                facts["repatriated"] = False
            residents[id(head)] = (person, facts)
            last = head
            while last.next is not None:
                last = last.next
            if last.end is not None:
                heapq.heappush(gone, (last.end + timedelta(days=30), n, person, facts))
        return residents

    def chain(self, batch: Batch, head: Slot, person: Person, facts: dict[str, Any]) -> None:
        """The case of one chain of stays and the stays, the case closed when the chain ended
        long ago."""
        case, _forms, worker = self.cases.open(batch, person, facts, identified_on=head.start, timeline=False)
        case.status, case.assigned_worker_id = CaseStatus.ACTIVE, worker.pk
        placed: list[tuple[Slot, Stay]] = []
        slot: Slot | None = head
        while slot is not None:
            actor = self.shelter_staff(slot.shelter)
            previous = placed[-1][1] if placed else None
            stay = self.stay(slot.shelter, slot.bed, case, person, slot.start, slot.end, actor=actor, previous=previous)
            batch.add(stay)
            placed.append((slot, stay))
            slot = slot.next
        for (slot, stay), following in zip(placed, [*placed[1:], None], strict=True):
            if following is not None:
                self.discharge(stay, self.transfer_exit(following[0].shelter), self.shelter_staff(slot.shelter))
            elif slot.end is not None:
                destination = self.exit(slot.shelter, person, slot.end, transfers=False)
                self.discharge(stay, destination, self.shelter_staff(slot.shelter))
                if (self.today - slot.end).days > 60 and self.chance(0.8):
                    self.cases.close(case, worker, self.after(slot.end, 0, 30))
        case.updated_at = case.closed_at or case.created_at
