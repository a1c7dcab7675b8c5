"""Screening (COMMIT-style victim identification): recording one with the outcome the rule
suggests (casework.screening_rule), a deciding body's later decision, and the reflection period
that holds investigative interviews back until it ends or the person opts in."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.actors import Staff, home_organisation_id
from accounts.models import AuditAction
from casework import permissions
from casework.ages import is_child_on
from casework.choices import AppliesTo, DecidingBody, Element, ScreeningOutcome
from casework.models import Case, ElementThreshold, Indicator, Screening, ScreeningIndicator
from casework.screening_rule import DEFAULT_THRESHOLD, RuleResult, Threshold, age_at_exploitation, evaluate, is_child
from casework.services.common import record, require, validate
from core.errors import ApplicationError, Conflict

# The interview facts a screening records besides the indicators (HTCDS / IOM screening form).
INTERVIEW_FACTS = (
    "interpreter_used",
    "interpreter_language",
    "same_gender_interviewer_offered",
    "guardian_or_social_worker_present",
    "consent_assents_to_interview",
    "consent_told_purpose",
    "consent_told_data_use",
    "consent_told_research_use",
    "consent_told_right_to_own_data",
    "consent_told_retention",
    "consent_told_how_to_withdraw",
)
# Outcomes after which the reflection period runs (docs/design/domain.md, Reflection period).
POSITIVE_OUTCOMES = frozenset({ScreeningOutcome.POSSIBLE_VICTIM, ScreeningOutcome.ACTUAL_VICTIM})
NOTE_MAX_LENGTH: int = ScreeningIndicator._meta.get_field("note").max_length  # type: ignore[assignment]
IndicatorChoice = tuple[Indicator | str, str]


def load_thresholds() -> dict[str, Threshold]:
    """The administrator's thresholds per element; an element without a row gets the default
    (one strong or two medium)."""
    thresholds = dict.fromkeys(Element.values, DEFAULT_THRESHOLD)
    for row in ElementThreshold.objects.filter(element__in=Element.values):
        thresholds[row.element] = Threshold(strong=row.strong, medium=row.medium, weak=row.weak)
    return thresholds


def screening_evaluate(*, case: Case, indicators: Iterable[Indicator | str]) -> RuleResult:
    """The rule's answer for these indicators (or codes) on this case, with the stored thresholds
    (also what the screening form shows live). It refuses what recording refuses (unknown,
    inactive or repeated indicators, the other age group's list), so the suggestion a screener
    sees is always one that could be saved."""
    age = age_at_exploitation(case.person, case)
    errors: dict[str, list[str]] = {}
    observed = _observed_indicators([(indicator, "") for indicator in indicators], age, errors)
    if errors:
        raise ApplicationError(_("Please correct the errors below."), fields=errors)
    return evaluate([indicator for indicator, _note in observed], age_at_exploitation=age, thresholds=load_thresholds())


@transaction.atomic
def screening_record(
    *,
    actor: Staff,
    case: Case,
    place: str,
    screened_on: date,
    indicators: Iterable[IndicatorChoice],
    outcome: str | None = None,
    override_reason: str = "",
    deciding_body: str = "",
    decided_on: date | None = None,
    notes: str = "",
    **interview_facts: Any,
) -> Screening:
    """Record one screening interview: the indicators observed (each with a note), what the rule
    makes of them, and the outcome the screener confirms. An outcome other than the suggestion
    needs a reason; `actual_victim` needs the deciding body and date. Either all of it is saved
    or nothing."""
    require(permissions.record_screening, actor, case, _("You cannot record a screening on this case."))
    unknown = set(interview_facts) - set(INTERVIEW_FACTS)
    if unknown:
        raise ApplicationError(_("Unknown fields."), fields={name: [_("Cannot be set here.")] for name in unknown})
    if "interpreter_language" in interview_facts:
        interview_facts["interpreter_language"] = (interview_facts["interpreter_language"] or "").strip()

    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if screened_on > today:
        errors["screened_on"] = [_("This date is in the future.")]
    age = age_at_exploitation(case.person, case)
    observed = _observed_indicators(indicators, age, errors)
    result = evaluate(
        [indicator for indicator, _note in observed], age_at_exploitation=age, thresholds=load_thresholds()
    )
    outcome = result.suggested if outcome in (None, "") else outcome
    if outcome in ScreeningOutcome.values and outcome != result.suggested and not override_reason.strip():
        errors["override_reason"] = [
            _("Explain why the outcome differs from the suggested one (%(suggested)s).")
            % {"suggested": result.suggested.label}
        ]
    _check_decision(errors, outcome, deciding_body, decided_on, today=today, required=False)
    _check_interview_facts(errors, case, screened_on, interview_facts)
    if errors:
        raise ApplicationError(_("Please correct the errors below."), fields=errors)

    screening = Screening(
        case=case,
        screener_organisation_id=home_organisation_id(actor),
        screener=actor,
        place=place,
        screened_on=screened_on,
        age_at_exploitation=result.age,
        act_present=result.act,
        means_present=result.means,
        purpose_present=result.purpose,
        suggested_outcome=result.suggested,
        outcome=outcome,
        override_reason=override_reason.strip(),
        deciding_body=deciding_body,
        decided_on=decided_on,
        reflection_period_ends_on=_reflection_end(screened_on) if outcome in POSITIVE_OUTCOMES else None,
        notes=notes,
        **interview_facts,
    )
    # The model field lacks blank=True, so full_clean would refuse an unanswered guardian
    # question even for an adult; whether it must be answered is _check_interview_facts' call.
    validate(screening, exclude=["guardian_or_social_worker_present"])
    screening.save(force_insert=True)
    ScreeningIndicator.objects.bulk_create(
        ScreeningIndicator(screening=screening, indicator=indicator, note=note) for indicator, note in observed
    )
    record(
        case,
        actor,
        "screening_recorded",
        action=AuditAction.CREATE,
        obj=screening,
        outcome=str(screening.outcome),
        suggested_outcome=str(screening.suggested_outcome),
    )
    return screening


@transaction.atomic
def screening_confirm(
    *, actor: Staff, screening: Screening, outcome: str, deciding_body: str, decided_on: date, reason: str
) -> Screening:
    """A deciding body's later decision on a screening (police or a court confirm an actual
    victim, or find the person is not one). The reason replaces the stored override reason (the
    row's history keeps the earlier one). A decision never shortens a reflection period that has
    started; a positive decision on a screening without one starts it on the decision date."""
    require(permissions.record_screening, actor, screening.case, _("You cannot decide on this screening."))
    locked = Screening.objects.select_for_update().get(pk=screening.pk)
    errors: dict[str, list[str]] = {}
    if not reason.strip():
        errors["reason"] = [_("Say why this decision was taken.")]
    _check_decision(errors, outcome, deciding_body, decided_on, today=timezone.localdate(), required=True)
    if decided_on is not None and "decided_on" not in errors and decided_on < locked.screened_on:
        errors["decided_on"] = [_("The decision cannot be before the screening.")]
    if errors:
        raise ApplicationError(_("Please correct the errors below."), fields=errors)

    previous = locked.outcome
    locked.outcome = outcome
    locked.deciding_body = deciding_body
    locked.decided_on = decided_on
    locked.override_reason = reason.strip()
    changed = ["outcome", "deciding_body", "decided_on", "override_reason"]
    if outcome in POSITIVE_OUTCOMES and locked.reflection_period_ends_on is None:
        locked.reflection_period_ends_on = _reflection_end(decided_on)
        changed.append("reflection_period_ends_on")
    validate(locked)
    locked.save(update_fields=changed)
    record(
        screening.case,
        actor,
        "screening_decided",
        obj=locked,
        fields=changed,
        outcome=str(outcome),
        previous_outcome=str(previous),
        deciding_body=str(deciding_body),
    )
    return locked


@transaction.atomic
def screening_opt_in(*, actor: Staff, screening: Screening, on: date) -> Screening:
    """The person chooses to give an investigative interview before their reflection period
    ends. Only once: a second answer is a conflict, not an overwrite."""
    require(permissions.record_screening, actor, screening.case, _("You cannot change this screening."))
    screening = Screening.objects.select_for_update().get(pk=screening.pk)
    ends_on = screening.reflection_period_ends_on
    if ends_on is None:
        raise ApplicationError(
            _("This screening has no reflection period."),
            fields={"opted_in_to_interview_on": [_("Nothing to opt out of: interviews are not held back.")]},
        )
    errors = []
    if on > timezone.localdate():
        errors.append(_("This date is in the future."))
    elif on < screening.screened_on:
        errors.append(_("This date is before the screening."))
    elif on > ends_on:
        errors.append(_("The reflection period had already ended on that date."))
    if errors:
        raise ApplicationError(_("Please correct the errors below."), fields={"opted_in_to_interview_on": errors})
    if screening.opted_in_to_interview_on is not None:
        raise Conflict(_("The person's choice was already recorded."))
    screening.opted_in_to_interview_on = on
    screening.save(update_fields=["opted_in_to_interview_on"])
    record(screening.case, actor, "screening_opted_in", obj=screening, fields=["opted_in_to_interview_on"])
    return screening


def investigative_interview_allowed(screening: Screening, on: date) -> bool:
    """Whether an investigative interview may be held on `on`: when the screening started no
    reflection period, when the period is over (`reflection_period_ends_on` is its last day, so
    the person has the full number of days after the screening day), or from the day the person
    opted in."""
    ends_on = screening.reflection_period_ends_on
    if ends_on is None or on > ends_on:
        return True
    opted_in = screening.opted_in_to_interview_on
    return opted_in is not None and opted_in <= on


def _reflection_end(start: date) -> date:
    return start + timedelta(days=settings.SCREENING_REFLECTION_DAYS)


def _observed_indicators(
    choices: Iterable[IndicatorChoice], age: int | None, errors: dict[str, list[str]]
) -> list[tuple[Indicator, str]]:
    """Resolve (indicator or code, note) pairs against the active indicators, refusing unknown,
    inactive or repeated ones and those of the other age group's list (a child-only indicator on
    an adult case, an adult-only one on a child case). With the age unknown, both lists apply."""
    messages: list[str] = []
    pairs: list[tuple[str, str]] = []
    for choice in choices:
        try:
            given, note = choice
        except (TypeError, ValueError):
            messages.append(_("Give each indicator with a note (which may be empty)."))
            continue
        code = given.pk if isinstance(given, Indicator) else str(given)
        note = note or ""
        if not isinstance(note, str) or len(note) > NOTE_MAX_LENGTH:
            messages.append(
                _("The note on %(code)s must be text of at most %(max)d characters.")
                % {"code": code, "max": NOTE_MAX_LENGTH}
            )
            continue
        pairs.append((code, note.strip()))

    found = Indicator.objects.filter(active=True).in_bulk([code for code, _note in pairs])
    child_case = None if age is None else is_child(age)
    observed: list[tuple[Indicator, str]] = []
    seen: set[str] = set()
    for code, note in pairs:
        indicator = found.get(code)
        if indicator is None:
            messages.append(_("Unknown or inactive indicator: %(code)s.") % {"code": code})
        elif code in seen:
            messages.append(_("%(code)s is listed twice.") % {"code": code})
        elif child_case is False and indicator.applies_to == AppliesTo.CHILD:
            messages.append(_("%(code)s is for children; this person was an adult when exploited.") % {"code": code})
        elif child_case is True and indicator.applies_to == AppliesTo.ADULT:
            messages.append(
                _("%(code)s is for adults; this person was a child when exploited. Choose the child indicator.")
                % {"code": code}
            )
        else:
            observed.append((indicator, note))
        seen.add(code)
    if messages:
        errors["indicators"] = messages
    return observed


def _check_decision(
    errors: dict[str, list[str]],
    outcome: str,
    deciding_body: str,
    decided_on: date | None,
    *,
    today: date,
    required: bool,
) -> None:
    """Outcome and decision fields: a valid outcome; `actual_victim` (or any later decision,
    `required`) names the deciding body and the date; a body and a date come together."""
    if outcome not in ScreeningOutcome.values:
        errors["outcome"] = [_("Choose a valid outcome.")]
    needed = required or outcome == ScreeningOutcome.ACTUAL_VICTIM
    if deciding_body and deciding_body not in DecidingBody.values:
        errors["deciding_body"] = [_("Choose a valid deciding body.")]
    elif not deciding_body and (needed or decided_on is not None):
        errors["deciding_body"] = [_("Say which body took the decision.")]
    if decided_on is None and (needed or deciding_body):
        errors["decided_on"] = [_("Give the date of the decision.")]
    elif decided_on is not None and decided_on > today:
        errors["decided_on"] = [_("This date is in the future.")]


def _check_interview_facts(errors: dict[str, list[str]], case: Case, screened_on: date, facts: dict[str, Any]) -> None:
    """A child at the time of screening needs the guardian question answered (yes or no); an
    interpreter goes with the language interpreted."""
    if is_child_on(case.person, screened_on) and facts.get("guardian_or_social_worker_present") is None:
        errors["guardian_or_social_worker_present"] = [
            _("For a child, say whether a guardian or social worker was present.")
        ]
    used, language = facts.get("interpreter_used", False), (facts.get("interpreter_language") or "").strip()
    if used and not language:
        errors["interpreter_language"] = [_("Give the language interpreted.")]
    elif language and not used:
        errors["interpreter_language"] = [_("A language was given but no interpreter was used.")]
