"""What a case receives day to day: services by category (with their provider and progress) and
dated notes, the sensitive ones written by the assigned counsellor only."""

from __future__ import annotations

from typing import Any

from accounts.models import Organisation, Role
from casework.choices import CaseCategory, CaseStatus, NoteKind, ServiceStatus, Tier
from casework.models import Case, CaseNote, Person, Service
from seeds.generator.base import Part
from seeds.generator.copy import Batch, build

PARTNER_PROVIDERS = ("world-vision", "save-the-children", "friends-international", "vfi", "iom")
# (service type, probability) per category; interpreter and repatriation services are added apart.
# fmt: off
SERVICES = {
    CaseCategory.TRAFFICKING: (
        ("shelter", 0.8), ("basic_needs", 0.8), ("medical_care", 0.6), ("counselling", 0.7), ("legal_aid", 0.4),
        ("vocational_training", 0.35), ("education", 0.2), ("reintegration", 0.5), ("financial_support", 0.15),
        ("employment_support", 0.1),
    ),
    CaseCategory.RISK_GROUP: (
        ("counselling", 0.3), ("vocational_training", 0.4), ("education", 0.3), ("basic_needs", 0.3),
        ("employment_support", 0.2), ("other", 0.1),
    ),
    CaseCategory.RAPE: (
        ("shelter", 0.6), ("medical_care", 0.9), ("counselling", 0.9), ("legal_aid", 0.7), ("basic_needs", 0.5),
    ),
    CaseCategory.DOMESTIC_VIOLENCE: (
        ("shelter", 0.6), ("counselling", 0.8), ("legal_aid", 0.5), ("medical_care", 0.4), ("basic_needs", 0.4),
    ),
    CaseCategory.CHILD_LABOUR: (
        ("education", 0.8), ("family_tracing", 0.4), ("basic_needs", 0.5), ("counselling", 0.4),
        ("reintegration", 0.4),
    ),
    CaseCategory.SEXUAL_EXPLOITATION: (
        ("shelter", 0.7), ("medical_care", 0.8), ("counselling", 0.8), ("legal_aid", 0.5),
        ("vocational_training", 0.3),
    ),
    CaseCategory.VULNERABLE: (
        ("shelter", 0.6), ("education", 0.8), ("basic_needs", 0.8), ("family_tracing", 0.5), ("counselling", 0.3),
    ),
}
# fmt: on
NOTE_TEXTS = {
    NoteKind.GENERAL: (
        "Home visit done; the person is settled and attends the weekly group.",
        "Phone follow-up; no new concerns raised.",
        "Met the village authority about the return plan.",
        "Travel allowance paid for the clinic appointment.",
        "ປະຊຸມກັບອຳນາດການປົກຄອງບ້ານ ກ່ຽວກັບແຜນການກັບຄືນ.",
    ),
    NoteKind.LEGAL: (
        "Statement taken with the legal aid officer present.",
        "Court hearing postponed; accompaniment planned for the new date.",
    ),
    NoteKind.COUNSELLING: (
        "Counselling session: sleep improving, anxiety at night reported.",
        "Counselling session: discussed fears about returning to the village.",
    ),
    NoteKind.MEDICAL: (
        "Health check at the provincial hospital; follow-up in two weeks.",
        "Medication collected; treatment continues.",
    ),
}
NOTE_KINDS = ((NoteKind.GENERAL, 70), (NoteKind.LEGAL, 10))
NOTE_KINDS_COUNSELLOR = (*NOTE_KINDS, (NoteKind.COUNSELLING, 15), (NoteKind.MEDICAL, 5))


class Assistance(Part):
    def services(self, batch: Batch, case: Case, owner: Organisation, person: Person, repatriated: bool) -> None:
        wanted = [code for code, p in SERVICES[case.category] if self.chance(p)]  # type: ignore[index]
        if case.child_at_identification:
            wanted = [code for code in wanted if code != "vocational_training"]
        elif "education" in wanted and self.chance(0.7):
            wanted.remove("education")
        if person.interpreter_needed and self.chance(0.9):
            wanted.append("interpreter")
        if repatriated:
            wanted += ["family_tracing", "reintegration"]
        end = self.end_of(case)
        author = self.worker_for(case)
        for code in dict.fromkeys(wanted):
            if code not in self.ref.service_types:
                continue
            planned = self.after(case.identified_on, 0, 14, end)
            status = self.service_status(case)
            started = ended = None
            if status in (ServiceStatus.IN_PROGRESS, ServiceStatus.DONE):
                started = self.after(planned, 0, 21, end)
            if status == ServiceStatus.DONE:
                ended = self.after(started or planned, 1, 180, end)
            elif status == ServiceStatus.DECLINED:
                ended = self.after(planned, 0, 14, end)
            provider: Any = owner.pk
            provider_name = ""
            if code == "medical_care":
                provider, provider_name = None, self.rng.choice(("Provincial hospital", "District health centre"))
            elif code in ("vocational_training", "employment_support", "education") and self.chance(0.4):
                partner = self.ref.organisations.get(self.rng.choice(PARTNER_PROVIDERS))
                provider = partner.pk if partner else owner.pk
            batch.add(
                build(
                    Service,
                    id=self.uuid(),
                    case_id=case.pk,
                    service_type_id=code,
                    provider_id=provider,
                    provider_name=provider_name,
                    status=status,
                    planned_on=planned,
                    started_on=started,
                    ended_on=ended,
                    created_by_id=author.pk,
                    created_at=self.at(planned),
                )
            )

    def service_status(self, case: Case) -> str:
        if case.status == CaseStatus.OPEN:
            return ServiceStatus.PLANNED
        if case.status == CaseStatus.CLOSED:
            return self.pick(((ServiceStatus.DONE, 85), (ServiceStatus.DECLINED, 15)))
        return self.pick(
            (
                (ServiceStatus.PLANNED, 25),
                (ServiceStatus.IN_PROGRESS, 45),
                (ServiceStatus.DONE, 25),
                (ServiceStatus.DECLINED, 5),
            )
        )

    def notes(self, batch: Batch, case: Case) -> None:
        low, high = {CaseStatus.OPEN: (0, 1), CaseStatus.ACTIVE: (1, 3), CaseStatus.CLOSED: (2, 4)}[case.status]  # type: ignore[index]
        author = self.worker_for(case)
        counsellor = Role.COUNSELLOR in author.roles and case.assigned_worker_id == author.pk
        end = self.end_of(case)
        for _ in range(self.rng.randint(low, high)):
            # Tier 3 is written (and read) only by the assigned counsellor.
            kind = self.pick(NOTE_KINDS_COUNSELLOR if counsellor else NOTE_KINDS)
            if kind in (NoteKind.COUNSELLING, NoteKind.MEDICAL):
                tier = Tier.SENSITIVE
            elif kind == NoteKind.LEGAL:
                tier = Tier.IDENTITY
            else:
                tier = self.pick(((Tier.METADATA, 5), (Tier.IDENTITY, 5)))
            batch.add(
                build(
                    CaseNote,
                    id=self.uuid(),
                    case_id=case.pk,
                    author_id=author.pk,
                    written_at=self.at(self.after(case.identified_on, 0, max(0, (end - case.identified_on).days), end)),
                    kind=kind,
                    tier=tier,
                    text=self.rng.choice(NOTE_TEXTS[kind]),
                )
            )
