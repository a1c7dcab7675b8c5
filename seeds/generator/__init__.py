"""The synthetic demo-data generator: people, cases, screenings, services, notes, repatriations,
family members, shelter stays, consents and referrals, case plans and follow-up visits at any
scale (100 to 1,000,000 people), written with bulk inserts; and two separate loads for
benchmarks: `generate_occupancy_load` (a million stays over twenty shelters, for the reports)
and `generate_referral_load` (a million referrals, for the partner API).

Never real people: names are combinations drawn at random from short lists of common Lao given
and family names, phone numbers are never generated, and free text is a handful of fixed
sentences. Proportions follow the shelters' published tables: many more trafficking and
risk-group cases than rape, about a third children, three quarters women and girls, most
people from Savannakhet, Champasak, Vientiane Capital and the northern border provinces, and
most repatriations from Thailand, then China.

How it stays fast: every object of a batch is built in Python first, with its UUID drawn from
the seeded random generator so that relations are linked without reading anything back; then
each table gets one COPY (or bulk_create). Case codes are taken for a whole batch with one
UPSERT of the province-year counters, which also locks them until the batch commits: codes stay
gap-free and an interactive registration afterwards (or meanwhile, waiting on the lock) takes
the next number. Beds are locked the same way for the batch (stays go only on nights nobody
holds), and referral events take their numbers from the change stream's sequence under its lock
(see referrals.py). The database's own triggers (pghistory) and constraints (the exclusion
constraints on stays and outages among them) apply as for any insert.

Determinism: the same seed, batch size and day on the same database give the same rows, UUIDs
included, except the referral events' `seq` and `txid`, which are the database's (a sequence
never goes back, not even on rollback). The random stream also depends on how many people exist
already, so a second run appends new people instead of repeating the first run's UUIDs.

Layout: base (the shared draws), copy (the batch and its COPY), names, staff, reference, people,
cases, screening, assistance (services and notes), repatriation, occupancy (what stays share),
shelters (the demo stays), referrals, plans, batch (one batch, all parts in order), load (the
occupancy load), referral_load (the referral load).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from datetime import date
from time import perf_counter

from django.db import transaction
from django.utils import timezone

from casework.models import Person
from seeds.demo import refuse_in_production
from seeds.generator.base import Context
from seeds.generator.batch import Generator
from seeds.generator.copy import analyze, immediate_constraints, restore_constraints
from seeds.generator.load import generate_occupancy_load
from seeds.generator.names import FAMILY, GIVEN_FEMALE, GIVEN_MALE
from seeds.generator.reference import Reference
from seeds.generator.referral_load import generate_referral_load
from seeds.generator.staff import ensure_staff

MIN_PEOPLE, MAX_PEOPLE = 1, 1_000_000

__all__ = [
    "FAMILY",
    "GIVEN_FEMALE",
    "GIVEN_MALE",
    "MAX_PEOPLE",
    "MIN_PEOPLE",
    "generate",
    "generate_occupancy_load",
    "generate_referral_load",
]


def generate(
    *,
    people: int,
    seed: int = 2026,
    batch_size: int = 5000,
    today: date | None = None,
    method: str = "copy",
    progress: Callable[[int, Counter[str]], None] | None = None,
    timings: dict[str, float] | None = None,
) -> dict[str, int]:
    """Add `people` synthetic people with their cases and everything that goes with them;
    return the number of rows written per model (app_label.model). One transaction per batch:
    an interrupted run keeps the batches it finished, each whole, with gap-free codes."""
    refuse_in_production()
    if not MIN_PEOPLE <= people <= MAX_PEOPLE:
        raise ValueError(f"people must be between {MIN_PEOPLE} and {MAX_PEOPLE:,}")
    if batch_size < 1:
        raise ValueError("batch_size must be positive")
    if method not in ("copy", "bulk_create"):
        raise ValueError("method is 'copy' or 'bulk_create'")
    reference = Reference.load()
    reference.check()
    rng = random.Random(f"pathway-demo:{seed}:{Person.objects.count()}")
    context = Context(
        rng=rng, ref=reference, staff=ensure_staff(reference.organisations), today=today or timezone.localdate()
    )
    generator = Generator(context)
    counts: Counter[str] = Counter()
    done = 0
    while done < people:
        size = min(batch_size, people - done)
        with transaction.atomic():
            immediate_constraints()
            started = perf_counter()
            batch = generator.batch(size)
            built = perf_counter()
            counts += batch.write(method, batch_size, timings)
            restore_constraints()
            written = perf_counter()
        if timings is not None:
            for label, seconds in (
                ("build in python (incl. case codes, bed locks)", built - started),
                ("commit", perf_counter() - written),
            ):
                timings[label] = timings.get(label, 0.0) + seconds
        done += size
        if progress is not None:
            progress(done, counts)
    analyze(counts)
    return dict(sorted(counts.items()))
