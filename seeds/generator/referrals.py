"""Consents and referrals: for a share of cases, a referral to an organisation that provides the
service needed, covered by the person's consent to share chosen data with that organisation (for
a child, the guardian's or a best-interest decision), and every change as a ReferralEvent.

Event numbers come from the change stream's sequence, as referrals.changes.record_change takes
them: under the stream's advisory lock, all of a batch's numbers in one round trip, just before
the referrals are written (the lock is held only from there to the commit). The batch's events
are numbered in the order they happened, so each referral's numbers rise with its history and
`change_seq` is its last event's number; `txid` is the writing transaction's id."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any, cast

from django.db import connection

from accounts.models import User
from casework.choices import CaseCategory, Relationship
from casework.models import Case, FamilyMember, Person
from referrals.changes import LOCK_KEY
from referrals.choices import ConsentGivenBy, DataCategory, ReferralStatus, Urgency
from referrals.models import Consent, Referral, ReferralEvent
from referrals.permissions import is_child_for_consent
from referrals.services import due_within
from seeds.generator.base import LOCAL, Context, Part
from seeds.generator.copy import Batch, ConsentServices, ReferralServices, build
from seeds.generator.people import People

S = ReferralStatus
REFERRAL_SHARE = {
    CaseCategory.TRAFFICKING: 0.4,
    CaseCategory.RAPE: 0.45,
    CaseCategory.DOMESTIC_VIOLENCE: 0.35,
    CaseCategory.SEXUAL_EXPLOITATION: 0.4,
    CaseCategory.CHILD_LABOUR: 0.3,
    CaseCategory.VULNERABLE: 0.3,
    CaseCategory.RISK_GROUP: 0.12,
}
# Who provides what, among the organisations with staff to answer (docs/design/domain.md: police to MLSW
# for shelter, MLSW to an NGO for vocational training, LWU for counselling and legal aid).
PROVIDERS = {
    "shelter": ("lwu-cpc", "sengsavang", "vfi", "mlsw-transit-centre"),
    "counselling": ("lwu-cpc", "lwu-lm", "friends-international", "sengsavang"),
    "legal_aid": ("lwu-cpc", "lwu-lm"),
    "medical_care": ("lwu-cpc", "sengsavang"),
    "vocational_training": ("vfi", "friends-international", "sengsavang"),
    "employment_support": ("friends-international", "vfi"),
    "education": ("friends-international", "vfi"),
    "family_tracing": ("mlsw-vt", "mlsw-sv", "mlsw-ch", "mlsw-lm"),
    "reintegration": ("mlsw-vt", "mlsw-sv", "mlsw-ch", "mlsw-lm"),
}
# fmt: off
NEEDS = (
    ("shelter", 5), ("counselling", 5), ("vocational_training", 4), ("legal_aid", 3), ("education", 2),
    ("family_tracing", 2), ("reintegration", 2), ("medical_care", 2), ("employment_support", 1),
)
# Where a referral's story has got to: most completed or under way, some declined or withdrawn.
OUTCOMES = (
    (S.COMPLETED, 38), (S.IN_PROGRESS, 18), (S.ACCEPTED, 6), (S.ACKNOWLEDGED, 4), (S.SENT, 4), (S.DECLINED, 10),
    (S.WITHDRAWN, 8), (S.CLOSED_WITHOUT_SERVICE, 6), (S.DRAFT, 6),
)
# fmt: on
URGENCIES = ((Urgency.ROUTINE, 65), (Urgency.HIGH, 25), (Urgency.EMERGENCY, 10))
# Each status reached on the way to an outcome, with the event kind that reaches it.
PATHS: dict[str, tuple[str, ...]] = {
    S.DRAFT: (),
    S.SENT: ("sent",),
    S.ACKNOWLEDGED: ("sent", "acknowledged"),
    S.ACCEPTED: ("sent", "acknowledged", "accepted"),
    S.DECLINED: ("sent", "acknowledged", "declined"),
    S.IN_PROGRESS: ("sent", "acknowledged", "accepted", "started"),
    S.COMPLETED: ("sent", "acknowledged", "accepted", "started", "completed"),
    S.CLOSED_WITHOUT_SERVICE: ("sent", "acknowledged", "accepted", "closed_without_service"),
    S.WITHDRAWN: ("sent", "acknowledged", "accepted", "started"),  # cut short by the withdrawal
}
STATUS_OF = {
    "created": S.DRAFT,
    "sent": S.SENT,
    "acknowledged": S.ACKNOWLEDGED,
    "accepted": S.ACCEPTED,
    "declined": S.DECLINED,
    "started": S.IN_PROGRESS,
    "completed": S.COMPLETED,
    "closed_without_service": S.CLOSED_WITHOUT_SERVICE,
    "withdrawn": S.WITHDRAWN,
}
# The case timeline's row for each event, as the services write it (None: written apart).
TIMELINE_KINDS = {"note": "referral_note_added", "consent_withdrawn": None}
RECEIVER_KINDS = frozenset({"acknowledged", "accepted", "declined", "started", "completed", "closed_without_service"})
REASONS = {
    "shelter": "Needs a safe place to stay while the family is assessed.",
    "counselling": "Asks for regular counselling after the return.",
    "legal_aid": "Wants to file a complaint; needs a legal aid officer.",
    "medical_care": "Needs a health check and follow-up treatment.",
    "vocational_training": "Interested in a sewing or cooking course near home.",
    "employment_support": "Looking for work in the province.",
    "education": "Wants to go back to school; needs fees and uniform.",
    "family_tracing": "Family to be traced and assessed before the return.",
    "reintegration": "Reintegration support in the home village.",
}
DATA = tuple(c for c in DataCategory.values if c not in (DataCategory.IDENTITY, DataCategory.HTCDS))
BEST_INTEREST = "Sharing is in the child's best interest: the guardian cannot be reached safely."
NOTES = {
    "declined": "No place available for the coming weeks.",
    "completed": "Service given as planned; the person is satisfied.",
    "closed_without_service": "The person did not come to the first appointment.",
    "withdrawn": "The person no longer wants this service.",
    "case_closed": "The case was closed.",
    "note": "Appointment confirmed for next week.",
    "consent_withdrawn": "The person asked that the data no longer be shared.",
}


class Referrals(Part):
    def __init__(self, ctx: Context, people: People) -> None:
        super().__init__(ctx)
        self.people = people

    def referrals(self, batch: Batch, case: Case, person: Person, guardian: FamilyMember | None) -> FamilyMember | None:
        """One or two referrals (or none) with their consents; returns the child's guardian,
        created here if the family had none recorded."""
        if not self.chance(REFERRAL_SHARE.get(case.category, 0.0)):  # type: ignore[call-overload]
            return guardian
        owner = self.owner_code(case)
        for _ in range(1 if self.chance(0.8) else 2):
            need = self.pick(NEEDS)
            receivers = [code for code in PROVIDERS[need] if code != owner]
            if not receivers or need not in self.ref.service_types:
                continue
            guardian = self.referral(batch, case, person, need, self.rng.choice(receivers), guardian)
        return guardian

    def referral(
        self, batch: Batch, case: Case, person: Person, need: str, to: str, guardian: FamilyMember | None
    ) -> FamilyMember | None:
        limit = case.closed_at or datetime.combine(self.today, time(17), tzinfo=LOCAL)
        span = (limit.astimezone(LOCAL).date() - case.identified_on).days
        span = min(30, span // 2) if case.closed_at else min(90, span)
        created = max(self.at(case.identified_on + timedelta(days=self.rng.randint(0, max(0, span)))), case.created_at)
        created += timedelta(hours=1)
        if created >= limit:
            return guardian
        sender = self.worker_for(case)
        receiver = self.rng.choice(self.staff.workers[to])
        outcome = self.pick(OUTCOMES)
        if case.closed_at and outcome == S.DRAFT:
            outcome = S.COMPLETED  # nothing is left a draft on a closed case
        services = [need]
        consent = None
        if outcome != S.DRAFT or self.chance(0.5):
            consent, guardian = self.consent(batch, case, person, to, services, created, sender, guardian)
        referral = build(
            Referral,
            id=self.uuid(),
            case_id=case.pk,
            from_organisation_id=case.owner_id,
            from_worker_id=sender.pk,
            to_organisation_id=self.ref.organisations[to].pk,
            urgency=self.pick(URGENCIES),
            reason=REASONS[need],
            consent_id=consent.pk if consent else None,
            created_at=created,
        )
        allowed = consent.data_categories if consent else [DataCategory.IDENTITY, *DATA]
        referral.shared_categories = sorted(
            {DataCategory.IDENTITY, *self.rng.sample(allowed, self.rng.randint(0, len(allowed) - 1))}
        )
        batch.add(referral)
        for code in services:
            batch.add(build(ReferralServices, referral_id=referral.pk, servicetype_id=code))
        self.history(batch, case, referral, outcome, limit, sender, receiver, consent)
        return guardian

    def consent(
        self,
        batch: Batch,
        case: Case,
        person: Person,
        to: str,
        services: list[str],
        before: datetime,
        recorder: User,
        guardian: FamilyMember | None,
    ) -> tuple[Consent, FamilyMember | None]:
        """The disclosure the referral needs, given shortly before it is written."""
        given_at = before - timedelta(minutes=self.rng.randint(5, 55))
        given_by, reason, by_guardian = ConsentGivenBy.PERSON, "", None
        if is_child_for_consent(person, given_at.astimezone(LOCAL).date()):
            if self.chance(0.75):
                if guardian is None:  # none recorded yet: the one who consents is
                    guardian = self.people.relative(batch, person, Relationship.MOTHER, guardian=True)
                given_by, by_guardian = ConsentGivenBy.GUARDIAN, guardian
            else:
                given_by, reason = ConsentGivenBy.BEST_INTEREST, BEST_INTEREST
        consent = build(
            Consent,
            id=self.uuid(),
            person_id=person.pk,
            case_id=case.pk,
            recipient_id=self.ref.organisations[to].pk,
            data_categories=sorted({DataCategory.IDENTITY, *self.rng.sample(DATA, self.rng.randint(1, len(DATA)))}),
            purpose=f"Referral for {services[0].replace('_', ' ')}.",
            given_by=given_by,
            guardian_id=by_guardian.pk if by_guardian else None,
            best_interest_reason=reason,
            given_at=given_at,
            expires_at=given_at + timedelta(days=365) if self.chance(0.25) else None,
            recorded_by_id=recorder.pk,
        )
        batch.add(consent)
        for code in services:
            batch.add(build(ConsentServices, consent_id=consent.pk, servicetype_id=code))
        self.event(
            batch,
            case,
            recorder,
            given_at,
            "consent_recorded",
            consent=str(consent.pk),
            recipient=to,
            given_by=given_by,
        )
        return consent, guardian

    def history(
        self,
        batch: Batch,
        case: Case,
        referral: Referral,
        outcome: str,
        limit: datetime,
        sender: User,
        receiver: User,
        consent: Consent | None,
    ) -> None:
        """The referral's events from its creation to `outcome`, as far as time has let it get
        (a closed case's open referrals were withdrawn when it closed); the consent's withdrawal
        or expiry, and a note between the organisations for some."""
        acknowledge_within, answer_within = due_within(referral.urgency)
        path = list(PATHS[outcome])
        if outcome == S.WITHDRAWN:
            path = [*path[: self.rng.randint(1, len(path))], "withdrawn"]
        elif outcome == S.CLOSED_WITHOUT_SERVICE and self.chance(0.5):
            path.insert(-1, "started")
        delays = {
            "sent": timedelta(hours=self.rng.uniform(0.2, 2 if referral.urgency == Urgency.EMERGENCY else 48)),
            "acknowledged": acknowledge_within * self.rng.uniform(0.1, 1.3),
            "accepted": (answer_within - acknowledge_within) * self.rng.uniform(0.1, 1.3),
            "started": timedelta(days=self.rng.uniform(1, 14)),
            "completed": timedelta(days=self.rng.uniform(14, 120)),
            "closed_without_service": timedelta(days=self.rng.uniform(3, 30)),
            "withdrawn": timedelta(days=self.rng.uniform(1, 10)),
        }
        delays["declined"] = delays["accepted"]
        steps: list[tuple[datetime, str, str]] = [(referral.created_at, "created", "")]
        for kind in path:
            at = steps[-1][0] + delays[kind]
            if at > limit:
                if case.closed_at and STATUS_OF[steps[-1][1]] != S.DRAFT:
                    steps.append((steps[-1][0] + (limit - steps[-1][0]) / 2, "withdrawn", NOTES["case_closed"]))
                break
            steps.append((at, kind, NOTES.get(kind, "")))
        status = STATUS_OF[steps[-1][1]]
        referral.status = status
        if status != S.DRAFT:
            referral.sent_at = steps[1][0]
            referral.acknowledge_due_at = referral.sent_at + acknowledge_within
            referral.answer_due_at = referral.sent_at + answer_within
            referral.decline_reason = NOTES["declined"] if status == S.DECLINED else ""
            if status in (S.COMPLETED, S.CLOSED_WITHOUT_SERVICE):
                referral.outcome = steps[-1][2]
            if len(steps) > 2 and self.chance(0.2):
                steps.append((steps[1][0] + (steps[2][0] - steps[1][0]) / 2, "note", NOTES["note"]))
        now = datetime.combine(self.today, time(17), tzinfo=LOCAL)
        if consent is not None:
            self.consent_ends(batch, case, consent, status, steps, now, sender)
        steps.sort(key=lambda step: step[0])
        referral.updated_at = max(at for at, kind, _note in steps if kind in STATUS_OF)  # notes leave it be
        previous = ""
        for at, kind, note in steps:
            by_sender = kind not in RECEIVER_KINDS  # the expiry too is the sender's (the task's)
            actor = None if kind == "consent_expired" else (sender if by_sender else receiver)
            to_status = STATUS_OF.get(kind, "")
            batch.add(
                build(
                    ReferralEvent,
                    referral_id=referral.pk,
                    at=at,
                    actor_id=actor.pk if actor else None,
                    organisation_id=referral.from_organisation_id if by_sender else referral.to_organisation_id,
                    kind=kind,
                    from_status=previous if to_status and kind != "created" else "",
                    to_status=to_status,
                    note=note,
                )
            )
            previous = to_status or previous
            timeline = TIMELINE_KINDS.get(kind, f"referral_{kind}")
            if timeline:
                self.event(batch, case, actor, at, timeline, referral=str(referral.pk), status=previous)

    def consent_ends(
        self,
        batch: Batch,
        case: Case,
        consent: Consent,
        status: str,
        steps: list[tuple[datetime, str, str]],
        now: datetime,
        sender: User,
    ) -> None:
        """A few consents are withdrawn after the referral's last change; a sent referral gets an
        event when its consent is withdrawn or runs out (as the services and the expiry task
        record them)."""
        if self.chance(0.04):
            withdrawn_at = max(at for at, _kind, _note in steps) + timedelta(days=self.rng.uniform(1, 30))
            if withdrawn_at < now and (consent.expires_at is None or withdrawn_at < consent.expires_at):
                consent.withdrawn_at, consent.withdrawn_by_id = withdrawn_at, sender.pk
                consent.withdrawal_note = NOTES["consent_withdrawn"]
                self.event(batch, case, sender, withdrawn_at, "consent_withdrawn", consent=str(consent.pk))
                if status != S.DRAFT:
                    steps.append((withdrawn_at, "consent_withdrawn", ""))
        if consent.expires_at and consent.expires_at <= now and consent.withdrawn_at is None and status != S.DRAFT:
            steps.append((consent.expires_at, "consent_expired", ""))


def number_changes(batch: Batch) -> None:
    """Give the batch's referral events their place in the change stream (see the module's
    docstring), in the order they happened, and each referral its last event's number."""
    events = sorted(cast(list[ReferralEvent], batch.rows.get(ReferralEvent, [])), key=lambda event: event.at)
    if not events:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s), pg_current_xact_id()::text::bigint", [LOCK_KEY])
        _lock, txid = cursor.fetchone()
        cursor.execute("SELECT nextval('referrals_change_seq') FROM generate_series(1, %s)", [len(events)])
        numbers = sorted(row[0] for row in cursor.fetchall())
    last: dict[Any, int] = {}
    for event, number in zip(events, numbers, strict=True):
        event.seq, event.txid = number, txid
        last[event.referral_id] = number
    batch.rows[ReferralEvent] = list(events)  # sorted is stable: each referral's own order is kept
    for referral in cast(list[Referral], batch.rows[Referral]):
        referral.change_seq = last[referral.pk]
