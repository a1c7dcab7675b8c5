"""Perpetrators and legal proceedings for the demo (issue 20.4), so that a newcomer sees the Legal
tab filled in: for about a third of the first `limit` x 3 open trafficking cases that have a
journey (the same cases on every run), the case's worker records the criminal case (a complaint
a few days after the identification, moved on through investigation, prosecution and trial as
far as time allows, with the support she was given as a witness and, for those still before the
court, a hearing in the coming weeks that reminds the worker), and a police investigator who
sees the case (the demo police unit's shared cases) or the assigned counsellor records the
recruiter and the exploiter; one recruiter in four is someone already recorded in another case
of the same investigator.

Through the services, one case at a time, as people would at the pages (audit and timeline
rows). A case with proceedings is left alone, so a second run adds nothing."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta
from typing import Any

from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.models import Country, Role, User
from casework import legal_permissions
from casework.choices import CaseCategory, CaseStatus, JourneyStage, ProceedingStage
from casework.models import Case, CaseShare, JourneyEvent, LegalProceeding
from casework.services import perpetrators, proceedings

MAX_CASES = 100
SHARE = 3  # one case in SHARE
ALIASES = ("Ai Keo", "Nang Phet", "Thao Khamla", "Mae Boua", "Ah Ming", "Boss Chen", "Mr. Somchai", "Ko Aung")
# The journey's HTCDS relationship to the recruiter -> who the recruiter was to her.
RELATIONS = {
    "familial": ("family", "partner"),
    "acquainted": ("neighbour", "friend", "acquaintance"),
    "unaquainted": ("stranger",),
}
SUPPORT = ("interpreter", "legal_aid", "accompaniment", "protection", "counselling", "travel", "closed_hearing")
FORWARD = (
    ProceedingStage.INVESTIGATION,
    ProceedingStage.PROSECUTION,
    ProceedingStage.TRIAL,
    ProceedingStage.VERDICT,
    ProceedingStage.SENTENCE,
    ProceedingStage.COMPENSATION_ORDERED,
)
SENTENCES = ("Five years in prison and a fine", "Eight years in prison", "Twelve years in prison and a fine")


def _candidates(limit: int) -> list[Case]:
    journey = Exists(JourneyEvent.objects.filter(case_id=OuterRef("pk")))
    has_proceedings = Exists(LegalProceeding.objects.filter(case_id=OuterRef("pk")))
    return list(
        Case.objects.filter(journey, category=CaseCategory.TRAFFICKING, assigned_worker__isnull=False)
        .exclude(status=CaseStatus.CLOSED)
        .annotate(has_proceedings=has_proceedings)
        .select_related("assigned_worker", "person")
        .order_by("created_at", "id")[: limit * SHARE]
    )


def _investigator(case: Case) -> Any:
    """Someone who may record the case's perpetrators: a police officer of a unit it is shared
    with, else its worker when she is the assigned counsellor."""
    units = CaseShare.objects.filter(case=case, revoked_at__isnull=True).values("organisation_id")
    police = User.objects.filter(is_active=True, organisation_id__in=units, roles__contains=[Role.POLICE]).first()
    for user in (police, case.assigned_worker):
        if user is not None and legal_permissions.change_perpetrators.allows(user, case):
            return user
    return None


def _record_perpetrators(rng: random.Random, case: Case, officer: Any, countries: dict[str, Country]) -> int:
    recruitment = case.journey.filter(stage=JourneyStage.RECRUITMENT).first()
    known = list(legal_permissions.view_perpetrator.scope(officer).exclude(links__case=case)[:20])
    relation = rng.choice(RELATIONS.get(recruitment.recruiter_relationship if recruitment else "", ("unknown",)))
    if known and rng.random() < 0.25:
        perpetrators.perpetrator_link(
            actor=officer, case=case, perpetrator=rng.choice(known), roles=["recruiter"], relation=relation
        )
    else:
        perpetrators.perpetrator_add(
            actor=officer,
            case=case,
            roles=["recruiter", *(["transporter"] if rng.random() < 0.4 else [])],
            relation=relation,
            known_as=rng.choice(ALIASES),
            sex=rng.choice(("female", "male")),
            age_band=rng.choice(("18_29", "30_44", "45_59")),
            nationality=countries["LA"],
        )
    country = case.exploitation_country_id or "TH"
    perpetrators.perpetrator_add(
        actor=officer,
        case=case,
        roles=["exploiter", "controlled"],
        relation="employer",
        known_as=rng.choice(ALIASES),
        sex="male",
        age_band=rng.choice(("30_44", "45_59")),
        nationality=countries.get(country),
    )
    return 2


def _proceedings(rng: random.Random, case: Case, worker: User, today: date) -> LegalProceeding:
    day = min(case.identified_on + timedelta(days=rng.randint(2, 10)), today)
    proceeding = proceedings.proceeding_open(
        actor=worker,
        case=case,
        complaint_on=day,
        support=sorted(rng.sample(SUPPORT, rng.randint(1, 3))),
        police_case_number=f"ATD-{day.year}-{rng.randint(100, 999)}",
    )
    for stage in FORWARD[: rng.randint(0, len(FORWARD))]:
        day = day + timedelta(days=rng.randint(20, 90))
        if day > today:
            break
        outcome = "convicted" if stage == ProceedingStage.VERDICT else ""
        proceedings.proceeding_move(actor=worker, proceeding=proceeding, stage=stage, on=day, outcome=outcome)
        if stage == ProceedingStage.PROSECUTION:
            court = "Vientiane Capital People's Court"
            proceedings.proceeding_update(
                actor=worker, proceeding=proceeding, court=court, court_case_number=f"{rng.randint(10, 99)}/{day.year}"
            )
        if stage == ProceedingStage.SENTENCE:
            proceedings.proceeding_update(actor=worker, proceeding=proceeding, sentence=rng.choice(SENTENCES))
        if stage == ProceedingStage.COMPENSATION_ORDERED:
            amount = rng.choice((10_000_000, 25_000_000, 50_000_000))
            proceedings.proceeding_update(actor=worker, proceeding=proceeding, compensation_ordered_kip=amount)
    if proceeding.stage in (ProceedingStage.PROSECUTION, ProceedingStage.TRIAL):
        kind = "preliminary" if proceeding.stage == ProceedingStage.PROSECUTION else "trial"
        held_on = today + timedelta(days=rng.randint(3, 40))
        proceedings.hearing_add(actor=worker, proceeding=proceeding, held_on=held_on, kind=kind)
    return proceeding


def demo_legal(*, seed: int = 2026, limit: int = MAX_CASES) -> Counter[str]:
    """Record the proceedings and perpetrators; returns the rows added by kind."""
    today = timezone.localdate()
    countries = Country.objects.in_bulk()
    added: Counter[str] = Counter()
    for case in _candidates(limit):
        rng = random.Random(f"pathway-demo-legal:{seed}:{case.pk}")  # the same cases on every run
        if rng.randrange(SHARE) or case.has_proceedings:  # type: ignore[attr-defined]
            continue
        worker = case.assigned_worker
        if worker is None or not legal_permissions.change_proceeding.allows(worker, case):
            continue
        proceeding = _proceedings(rng, case, worker, today)
        added["proceedings"] += 1
        added["hearings"] += proceeding.hearings.count()
        officer = _investigator(case)
        if officer is not None:
            added["perpetrators"] += _record_perpetrators(rng, case, officer, countries)
    return added
