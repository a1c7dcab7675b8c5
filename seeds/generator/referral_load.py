"""The referral load: a large number of referrals (a million by default) with their consents and
event streams, for timing the partner API (issue 5). Not the demo mix: every case here has one
to three referrals, and one partner (`vfi` by default) receives a large share of them, as a big
NGO service provider would.

Each referral is drawn by the demo generator's own Referrals part (consent or guardian or
best-interest decision, shared categories, events up to its outcome, consent withdrawals and
expiries, the case timeline rows), for a person and a case drawn by the People and Cases parts.
Batches go forward in time: batch n holds the people identified in the n-th slice of the years,
so the change stream's numbers rise with time across the whole load, as they do in production
(where every change takes its number when it is written)."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from time import perf_counter

from django.db import transaction
from django.utils import timezone

from casework.models import Person
from referrals.models import Referral
from seeds.demo import refuse_in_production
from seeds.generator.base import Context
from seeds.generator.cases import Cases
from seeds.generator.copy import Batch, analyze, immediate_constraints, restore_constraints
from seeds.generator.people import People, allocate_case_codes
from seeds.generator.reference import Reference
from seeds.generator.referrals import PROVIDERS, Referrals, number_changes
from seeds.generator.staff import ensure_staff

PARTNER = "vfi"
PARTNER_SHARE = 0.4
# The other receivers, by weight (every one of them has workers to answer, see staff.py).
OTHER_RECEIVERS = (
    ("friends-international", 25),
    ("sengsavang", 20),
    ("lwu-cpc", 20),
    ("lwu-lm", 12),
    ("mlsw-vt", 8),
    ("mlsw-sv", 7),
    ("mlsw-ch", 4),
    ("mlsw-lm", 4),
)
REFERRALS_PER_CASE = ((1, 60), (2, 30), (3, 10))


def generate_referral_load(
    *,
    referrals: int = 1_000_000,
    partner: str = PARTNER,
    partner_share: float = PARTNER_SHARE,
    years: int = 5,
    seed: int = 2026,
    today: date | None = None,
    batch_referrals: int = 20_000,
    part: int = 0,
    parts: int = 1,
    check_empty: bool = True,
    progress: Callable[[int, Counter[str]], None] | None = None,
    timings: dict[str, float] | None = None,
) -> dict[str, int]:
    """Write `referrals` referrals (exactly) over `years` years up to `today`, with the people,
    cases, consents and events they need; `partner_share` of them go to `partner`. Refused on a
    database that has referrals already (with `check_empty`: a caller that runs the parts side
    by side checks once, before starting them). Returns the rows written per model.

    The load is cut into batches of `batch_referrals`, each drawn from a random stream of its
    own (the seed and its number): `parts` processes may write parts 0 .. parts-1 of the same
    load at once (each a run of consecutive batches, so a run of years: they seldom wait on
    each other's case-code counters) and write the same rows as one process would."""
    refuse_in_production()
    if referrals < 1 or years < 1 or batch_referrals < 1 or not 0 <= partner_share <= 1:
        raise ValueError("referrals, years and batch_referrals must be positive, partner_share within [0, 1]")
    if not 0 <= part < parts:
        raise ValueError("part must be within [0, parts)")
    if check_empty and Referral.objects.exists():
        raise RuntimeError("This database has referrals already: the load needs a database of its own.")
    reference = Reference.load()
    reference.check()
    if not provided_by(partner, reference):
        raise ValueError(f"{partner} provides no service in seeds.generator.referrals.PROVIDERS")
    staff = ensure_staff(reference.organisations)
    batches = -(-referrals // batch_referrals)
    counts: Counter[str] = Counter()
    done = 0
    for number in range(batches * part // parts, batches * (part + 1) // parts):
        context = Context(
            rng=random.Random(f"pathway-referrals:{seed}:{number}"),
            ref=reference,
            staff=staff,
            today=today or timezone.localdate(),
        )
        load = ReferralLoad(context, partner, partner_share, years)
        size = min(batch_referrals, referrals - number * batch_referrals)
        with transaction.atomic():
            immediate_constraints()
            started = perf_counter()
            batch = load.batch(size, number, batches)
            built = perf_counter()
            written = batch.write("copy", batch_referrals, timings)
            restore_constraints()
        if timings is not None:
            label = "build in python (incl. case codes)"
            timings[label] = timings.get(label, 0.0) + built - started
        counts += written
        done += written["referrals.referral"]
        if progress is not None:
            progress(done, counts)
    analyze(counts)
    return dict(sorted(counts.items()))


def provided_by(code: str, reference: Reference) -> list[str]:
    """The services `code` provides (PROVIDERS read the other way), among the database's."""
    return [need for need, codes in PROVIDERS.items() if code in codes and need in reference.service_types]


class ReferralLoad(Cases):
    def __init__(self, ctx: Context, partner: str, partner_share: float, years: int) -> None:
        super().__init__(ctx)
        self.people = People(ctx)
        self.referrals = Referrals(ctx, self.people)
        self.partner, self.partner_share = partner, partner_share
        self.receivers = tuple((code, w) for code, w in OTHER_RECEIVERS if code != partner)
        self.first_day = ctx.today - timedelta(days=365 * years)
        self.services = {code: provided_by(code, ctx.ref) for code in (partner, *dict(self.receivers))}

    def batch(self, size: int, number: int, batches: int) -> Batch:
        """Exactly `size` referrals of people identified in the `number`-th of `batches` equal
        slices of the years, with their cases (status by age, as in the demo)."""
        batch = Batch(before={Referral: number_changes})
        days = (self.today - self.first_day).days
        low, high = days * number // batches, max(days * (number + 1) // batches - 1, days * number // batches)
        people: list[Person] = []
        made = 0
        while made < size:
            identified_on = self.first_day + timedelta(days=self.rng.randint(low, high))
            person, facts = self.people.person(registered_on=identified_on)
            case, _forms, worker = self.open(batch, person, facts, identified_on=identified_on, timeline=False)
            self.status(batch, case, worker, None, None)
            owner = self.owner_code(case)
            guardian = None
            for _ in range(self.pick(REFERRALS_PER_CASE)):
                to = self.partner if self.chance(self.partner_share) else self.pick(self.receivers)
                if to == owner or made >= size:
                    continue
                guardian = self.referrals.referral(
                    batch, case, person, self.rng.choice(self.services[to]), to, guardian
                )
                made = len(batch.rows[Referral])
            people.append(person)
            batch.add(person)
        allocate_case_codes(people)
        return batch
