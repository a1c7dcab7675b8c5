"""One batch of people with everything that goes with them: their cases, screenings, services
and notes, repatriations, stays, referrals with consents, plans and follow-up visits. The parts
draw from one random stream in a fixed order, so a seed gives the same batch every time."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from casework.choices import CaseCategory
from casework.models import Case, FamilyMember, Person
from referrals.models import Referral
from seeds.generator.assistance import Assistance
from seeds.generator.base import Context, Part
from seeds.generator.cases import Cases
from seeds.generator.copy import Batch
from seeds.generator.people import People, allocate_case_codes
from seeds.generator.plans import Plans
from seeds.generator.referrals import Referrals, number_changes
from seeds.generator.repatriation import Repatriations
from seeds.generator.screening import Screenings
from seeds.generator.shelters import Shelters
from shelters.choices import ExitDestination

SECOND_CASE_SHARE = 0.08
REGISTERED_AGAIN_SHARE = 0.01


class Generator(Part):
    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.people = People(ctx)
        self.cases = Cases(ctx)
        self.repatriations = Repatriations(ctx)
        self.screenings = Screenings(ctx)
        self.assistance = Assistance(ctx)
        self.shelters = Shelters(ctx)
        self.referrals = Referrals(ctx, self.people)
        self.plans = Plans(ctx)

    def batch(self, size: int) -> Batch:
        """`size` new people with their cases. Runs inside the batch's transaction: it takes the
        case codes and locks the beds (both until the commit)."""
        batch = Batch(before={Referral: number_changes})
        people: list[tuple[Person, dict[str, Any]]] = []
        for _ in range(size):
            if people and self.chance(REGISTERED_AGAIN_SHARE):
                people.append(self.people.registered_again(*self.rng.choice(people)))
            else:
                people.append(self.people.person())
        allocate_case_codes([person for person, _facts in people])
        self.shelters.begin(batch, size)
        for person, facts in people:
            batch.add(person)
            relative = self.people.family(batch, person)
            guardian = relative if relative is not None and relative.is_guardian else None
            first, guardian = self.case(batch, person, facts, person.registered_on, guardian)
            if self.chance(SECOND_CASE_SHARE):
                second_on = first.identified_on + timedelta(days=self.rng.randint(60, 900))
                if second_on <= self.today:
                    category = self.pick(((CaseCategory.TRAFFICKING, 6), (CaseCategory.RISK_GROUP, 4)))
                    again = {**facts, "category": category, "worker": None, "repatriated": False}
                    self.case(batch, person, again, second_on, guardian)
        return batch

    def case(
        self,
        batch: Batch,
        person: Person,
        facts: dict[str, Any],
        identified_on: date,
        guardian: FamilyMember | None,
    ) -> tuple[Case, FamilyMember | None]:
        """One case and all that happens on it; with the person's guardian (a consent may have
        recorded one)."""
        case, forms, worker = self.cases.open(batch, person, facts, identified_on=identified_on)
        journey = self.repatriations.repatriation(batch, case, worker) if facts["repatriated"] else None
        repatriation = journey.repatriation if journey else None
        self.cases.status(batch, case, worker, repatriation, journey.last_step_on if journey else None)
        self.cases.share_with_police(batch, case, worker)
        self.screenings.screening(batch, case, forms, facts["owner"])
        self.assistance.services(batch, case, facts["owner"], person, journey is not None)
        self.assistance.notes(batch, case)
        stays = self.shelters.stays(batch, case, person, journey)
        self.shelters.non_residential(batch, case, person, stays)
        guardian = self.referrals.referrals(batch, case, person, guardian)
        plan = self.plans.plan(batch, case)
        homecomings = [s.during.upper for s in stays if s.exit_destination == ExitDestination.FAMILY_REUNIFICATION]
        if journey is not None and journey.home_on is not None:
            homecomings.append(journey.home_on)
        self.plans.follow_ups(batch, case, plan, homecomings)
        return case, guardian
