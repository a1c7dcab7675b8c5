"""Cases: category, exploitation, how the person was identified, who works the case, its status
by its age, and the closure approved by the owner's manager."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from accounts.models import Organisation, User
from casework.ages import is_child_on
from casework.choices import CaseCategory, CaseStatus, ClosureReason, IdentificationRoute, RepatriationStatus
from casework.models import Case, CaseShare, Person, Repatriation
from seeds.generator.base import LOCAL, Part
from seeds.generator.copy import Batch, CaseForms, build
from seeds.generator.people import ORIGIN_PROVINCES
from seeds.generator.staff import POLICE_BY_PROVINCE, POLICE_DEFAULT

# fmt: off
TRAFFICKING_FORMS = (
    ("forced_labour", 35), ("sexual_exploitation", 30), ("forced_marriage", 15), ("domestic_servitude", 12),
    ("forced_begging", 3), ("other", 5),
)
# fmt: on
# Trafficking cases not repatriated by us: mostly Thailand, a quarter within Lao PDR.
EXPLOITED_IN = (("TH", 55), ("CN", 12), ("MY", 4), ("LA", 29))
REPATRIATED_FROM = (("TH", 80), ("CN", 15), ("MY", 5))
# fmt: off
ROUTES = (
    (IdentificationRoute.POLICE, 25), (IdentificationRoute.BORDER_POLICE, 12),
    (IdentificationRoute.VILLAGE_AUTHORITY, 14), (IdentificationRoute.SELF_REFERRAL, 8),
    (IdentificationRoute.HOTLINE_1362, 10), (IdentificationRoute.NGO, 15), (IdentificationRoute.IMMIGRATION, 5),
    (IdentificationRoute.RETURNED_UNDER_MOU, 8), (IdentificationRoute.OTHER, 3),
)
CLOSURE_REASONS = (
    (ClosureReason.REINTEGRATED, 55), (ClosureReason.TRANSFERRED, 10), (ClosureReason.LOST_CONTACT, 15),
    (ClosureReason.DECLINED, 10), (ClosureReason.DIED, 1), (ClosureReason.OTHER, 9),
)
# fmt: on
CLOSURE_NOTE = "Closed after the review with the manager."


class Cases(Part):
    def open(
        self, batch: Batch, person: Person, facts: dict[str, Any], *, identified_on: date, timeline: bool = True
    ) -> tuple[Case, list[str], User]:
        """The case with its exploitation forms and (with `timeline`) the `case_opened` event;
        with the forms and the worker who opened it."""
        owner: Organisation = facts["owner"]
        worker = facts["worker"] or self.rng.choice(self.staff.workers[owner.code])
        case = build(
            Case,
            id=self.uuid(),
            person_id=person.pk,
            owner_id=owner.pk,
            category=facts["category"],
            identified_on=identified_on,
            child_at_identification=is_child_on(person, identified_on),
            created_by_id=worker.pk,
            created_at=self.at(identified_on),
        )
        case.person = person
        forms = self.exploitation(case, facts["repatriated"])
        case.identification_route = self.route(case, facts["repatriated"])
        batch.add(case)
        for code in forms:
            batch.add(build(CaseForms, case_id=case.pk, exploitationform_id=code))
        if timeline:
            self.event(
                batch, case, worker, case.created_at, "case_opened", category=case.category, case_code=person.case_code
            )
        return case, forms, worker

    def exploitation(self, case: Case, repatriated: bool) -> list[str]:
        category = case.category
        if category == CaseCategory.TRAFFICKING:
            forms = [self.pick(TRAFFICKING_FORMS)]
            if self.chance(0.1):
                forms.append(self.pick(TRAFFICKING_FORMS))
            country = self.pick(REPATRIATED_FROM if repatriated else EXPLOITED_IN)
        elif category == CaseCategory.SEXUAL_EXPLOITATION:
            forms, country = ["sexual_exploitation"], self.pick((("LA", 70), ("TH", 30)))
        elif category == CaseCategory.CHILD_LABOUR:
            forms, country = ["child_labour"], self.pick((("LA", 60), ("TH", 40)))
        else:
            return []
        forms = [code for code in dict.fromkeys(forms) if code in self.ref.forms]
        case.exploitation_country_id = country
        if country == "LA":
            case.exploitation_province_id = self.ref.provinces[self.pick(ORIGIN_PROVINCES[:6])].pk
        case.exploitation_started_on = case.identified_on - timedelta(days=self.rng.randint(14, 540))
        case.exploitation_ended_on = case.identified_on - timedelta(days=self.rng.randint(0, 13))
        return forms

    def route(self, case: Case, repatriated: bool) -> str:
        if repatriated:
            return (
                IdentificationRoute.RETURNED_UNDER_MOU
                if case.exploitation_country_id == "TH"
                else IdentificationRoute.BORDER_POLICE
            )
        if case.category in (CaseCategory.RAPE, CaseCategory.DOMESTIC_VIOLENCE):
            return self.pick(
                (
                    (IdentificationRoute.HOTLINE_1362, 4),
                    (IdentificationRoute.SELF_REFERRAL, 3),
                    (IdentificationRoute.VILLAGE_AUTHORITY, 2),
                    (IdentificationRoute.POLICE, 2),
                )
            )
        return self.pick(ROUTES)

    def status(
        self, batch: Batch, case: Case, worker: User, repatriation: Repatriation | None, last_step_on: date | None
    ) -> None:
        """Open, active or closed by the case's age; never closed while its repatriation runs,
        and closed only after the repatriation's last step."""
        age = (self.today - case.identified_on).days
        if age < 30:
            status = self.pick(((CaseStatus.OPEN, 35), (CaseStatus.ACTIVE, 65)))
        elif age < 365:
            status = self.pick(((CaseStatus.OPEN, 5), (CaseStatus.ACTIVE, 60), (CaseStatus.CLOSED, 35)))
        else:
            status = self.pick(((CaseStatus.ACTIVE, 25), (CaseStatus.CLOSED, 75)))
        if repatriation is not None:
            finished = repatriation.status in (RepatriationStatus.COMPLETED, RepatriationStatus.CANCELLED)
            status = status if finished or status != CaseStatus.CLOSED else CaseStatus.ACTIVE
            status = CaseStatus.ACTIVE if status == CaseStatus.OPEN else status
        case.status = status
        case.assigned_worker_id = None if status == CaseStatus.OPEN else worker.pk
        if status == CaseStatus.CLOSED:
            earliest = case.identified_on + timedelta(days=60)
            if last_step_on is not None:
                earliest = max(earliest, last_step_on)
            closed_at = self.close(case, worker, self.after(earliest, 0, max(0, (self.today - earliest).days)))
            self.event(batch, case, self.manager_for(case), closed_at, "case_closed", reason=case.closure_reason)
        case.updated_at = case.closed_at or case.created_at

    def close(self, case: Case, worker: User, requested_on: date) -> datetime:
        """Closed at the worker's request on `requested_on`, approved by the owner's manager
        within a few days (never after today)."""
        reason = self.pick(CLOSURE_REASONS)
        case.status = CaseStatus.CLOSED
        case.assigned_worker_id = worker.pk
        case.closure_reason = reason
        case.closure_note = CLOSURE_NOTE if reason == ClosureReason.OTHER else ""
        case.closure_requested_by_id = worker.pk
        case.closure_requested_at = self.at(requested_on)
        case.closure_approved_by_id = self.manager_for(case).pk
        closed_at: datetime = case.closure_requested_at + timedelta(days=self.rng.randint(0, 5))
        case.closed_at = min(closed_at, datetime.combine(self.today, time(17), tzinfo=LOCAL))
        return case.closed_at

    def share_with_police(self, batch: Batch, case: Case, worker: User) -> None:
        """A quarter of trafficking cases are shared with the police unit for investigation."""
        if case.category != CaseCategory.TRAFFICKING or not self.chance(0.25):
            return
        province = self.ref.province_codes[case.person.registration_province_id]
        police = self.ref.organisations[POLICE_BY_PROVINCE.get(province, POLICE_DEFAULT)]
        batch.add(
            build(
                CaseShare,
                id=self.uuid(),
                case_id=case.pk,
                organisation_id=police.pk,
                purpose="Investigation",
                granted_by_id=worker.pk,
                granted_at=self.at(self.after(case.identified_on, 0, 10)),
            )
        )
