"""Screenings: indicators chosen for the scenario the case is meant to show (all three elements,
some, or none), and the outcome the screening rule makes of them (sometimes overridden with a
reason, or confirmed later by a deciding body)."""

from __future__ import annotations

from datetime import timedelta

from accounts.models import Organisation
from casework.ages import is_child_on
from casework.choices import (
    AppliesTo,
    CaseCategory,
    DecidingBody,
    Element,
    ExploitationKind,
    IdentificationRoute,
    ScreeningOutcome,
    ScreeningPlace,
    Strength,
)
from casework.models import Case, Indicator, Screening, ScreeningIndicator
from seeds.generator.base import Context, Part
from seeds.generator.copy import Batch, build

# Share of cases screened, and of those the share meant to show all three elements, or some
# (the rest: none). The stored outcome is always what the rule makes of the indicators chosen.
SCREENED = {
    CaseCategory.TRAFFICKING: (0.9, 0.75, 0.2),
    CaseCategory.RISK_GROUP: (0.7, 0.1, 0.5),
    CaseCategory.SEXUAL_EXPLOITATION: (0.5, 0.5, 0.4),
    CaseCategory.CHILD_LABOUR: (0.4, 0.45, 0.4),
}
SCREENED_OTHERWISE = (0.05, 0.05, 0.4)
OVERRIDE_REASON = "The screener's assessment of the interview differs from the indicators recorded."
CONFIRMED_REASON = "Confirmed by the deciding body."
CONSENT_FIELDS = (
    "consent_assents_to_interview",
    "consent_told_purpose",
    "consent_told_data_use",
    "consent_told_research_use",
    "consent_told_right_to_own_data",
    "consent_told_retention",
    "consent_told_how_to_withdraw",
)


class Screenings(Part):
    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self._pools: dict[tuple[str, str, bool | None, str], list[Indicator]] = {}

    def screening(self, batch: Batch, case: Case, forms: list[str], owner: Organisation) -> None:
        from casework.screening_rule import age_at_exploitation, evaluate

        screened, full, partial = SCREENED.get(case.category, SCREENED_OTHERWISE)  # type: ignore[call-overload]
        if not self.chance(screened):
            return
        age = age_at_exploitation(case.person, case)
        child = None if age is None else age < 18
        kinds = {self.ref.forms.get(code, ExploitationKind.BOTH) for code in forms}
        kind = kinds.pop() if len(kinds) == 1 else ExploitationKind.BOTH
        roll = self.rng.random()
        scenario = "full" if roll < full else ("partial" if roll < full + partial else "none")
        observed = self.indicators(scenario, child, kind)
        result = evaluate(observed, age_at_exploitation=age, thresholds=self.ref.thresholds)
        screener = self.worker_for(case)
        screened_on = self.after(case.identified_on, 0, 10, self.end_of(case))
        outcome, reason, body, decided_on = result.suggested, "", "", None
        if result.suggested == ScreeningOutcome.POSSIBLE_VICTIM and self.chance(0.25):
            decided_on = self.after(screened_on, 7, 120)
            outcome, reason = ScreeningOutcome.ACTUAL_VICTIM, CONFIRMED_REASON
            body = self.pick(
                (
                    (DecidingBody.POLICE, 5),
                    (DecidingBody.COURT_OR_PROSECUTION, 2),
                    (DecidingBody.NON_POLICE_GOVERNMENT, 3),
                )
            )
        elif result.suggested == ScreeningOutcome.NEEDS_FURTHER_ASSESSMENT and self.chance(0.05):
            outcome, reason = ScreeningOutcome.POSSIBLE_VICTIM, OVERRIDE_REASON
        interpreter = case.person.interpreter_needed and self.chance(0.9)
        screening = build(
            Screening,
            id=self.uuid(),
            case_id=case.pk,
            screener_organisation_id=owner.pk,
            screener_id=screener.pk,
            place=self.place(case),
            screened_on=screened_on,
            interpreter_used=interpreter,
            interpreter_language=case.person.interpreter_language if interpreter else "",
            same_gender_interviewer_offered=self.chance(0.9),
            guardian_or_social_worker_present=self.chance(0.95) if is_child_on(case.person, screened_on) else None,
            age_at_exploitation=result.age,
            act_present=result.act,
            means_present=result.means,
            purpose_present=result.purpose,
            suggested_outcome=result.suggested,
            outcome=outcome,
            override_reason=reason,
            deciding_body=body,
            decided_on=decided_on,
            reflection_period_ends_on=(
                screened_on + timedelta(days=self.ref.reflection_days)
                if outcome in (ScreeningOutcome.POSSIBLE_VICTIM, ScreeningOutcome.ACTUAL_VICTIM)
                else None
            ),
            created_at=self.at(screened_on),
        )
        consent = self.chance(0.95)
        for name in CONSENT_FIELDS:
            setattr(screening, name, consent)
        batch.add(screening)
        for indicator in observed:
            batch.add(build(ScreeningIndicator, screening_id=screening.pk, indicator_id=indicator.pk))
        self.event(
            batch,
            case,
            screener,
            screening.created_at,
            "screening_recorded",
            outcome=str(outcome),
            suggested_outcome=str(result.suggested),
        )

    def place(self, case: Case) -> str:
        if case.identification_route in (IdentificationRoute.RETURNED_UNDER_MOU, IdentificationRoute.BORDER_POLICE):
            return self.pick(
                ((ScreeningPlace.RECEPTION_CENTRE, 5), (ScreeningPlace.BORDER_OFFICE, 3), (ScreeningPlace.ABROAD, 2))
            )
        return self.pick(
            ((ScreeningPlace.SHELTER, 5), (ScreeningPlace.VILLAGE_OFFICE, 2), (ScreeningPlace.POLICE_STATION, 3))
        )

    def indicators(self, scenario: str, child: bool | None, kind: str) -> list[Indicator]:
        """Indicators of the right age group and exploitation kind: for `full` enough of each
        element (means optional for a child), for `partial` one or two elements, for `none` a
        single medium or weak one."""
        chosen: list[Indicator] = []
        if scenario == "full":
            elements = [Element.ACT, Element.PURPOSE]
            if not child or self.chance(0.5):
                elements.append(Element.MEANS)
        elif scenario == "partial":
            elements = self.rng.sample([Element.ACT, Element.MEANS, Element.PURPOSE], self.rng.randint(1, 2))
        else:
            pool = self.pool(self.rng.choice(Element.values), Strength.WEAK, child, kind) or self.pool(
                Element.MEANS, Strength.MEDIUM, child, kind
            )
            return self.rng.sample(pool, 1) if pool and self.chance(0.6) else []
        for element in elements:
            strong = self.pool(element, Strength.STRONG, child, kind)
            medium = self.pool(element, Strength.MEDIUM, child, kind)
            if strong and (self.chance(0.5) or len(medium) < 2):
                chosen += self.rng.sample(strong, 1)
            elif len(medium) >= 2:
                chosen += self.rng.sample(medium, 2)
            if self.chance(0.3):  # a further, weaker observation
                extra = [i for i in self.pool(element, Strength.WEAK, child, kind) + medium if i not in chosen]
                if extra:
                    chosen.append(self.rng.choice(extra))
        return chosen

    def pool(self, element: str, strength: str, child: bool | None, kind: str) -> list[Indicator]:
        key = (element, strength, child, kind)
        if key not in self._pools:
            excluded_age = {True: AppliesTo.ADULT, False: AppliesTo.CHILD}.get(child)  # type: ignore[arg-type]
            self._pools[key] = [
                i
                for i in self.ref.indicators
                if i.element == element
                and i.strength == strength
                and i.applies_to != excluded_age
                and (kind == ExploitationKind.BOTH or i.exploitation_kind in (ExploitationKind.BOTH, kind))
            ]
        return self._pools[key]
