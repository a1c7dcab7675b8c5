"""Casework's reminder rules (registered in CaseworkConfig.ready; engine: notifications).

- repatriation_step_overdue: a pending or started step of an open repatriation, `days` after
  its due date (default 1: the day after);
- follow_up_due / follow_up_overdue: a scheduled monitoring visit not recorded, on its due date
  (default 0) and again `days` later (default 7); the visit dates come from the follow-up
  policy (casework.FollowUpPolicy: 1, 3, 6 and 12 months after reintegration by default), whose
  months an organisation's managers set with the follow_up_due rule on the rules page;
- screening_needs_assessment: the case's latest screening says "needs further assessment",
  `days` after it was screened (default 7);
- flag_review_due: an open risk flag (casework.CaseFlag) on its review-by date (default 0 days
  after it); clearing the flag ends it;
- hearing_upcoming: a hearing of open legal proceedings, `days` (default 7) *before* its date;
  removing the hearing, closing the proceedings or the day passing ends it;
- case_without_note: an open case with no note for `days` (default 30) since its last note, or
  since it was opened if it has none.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.actors import Staff
from casework.choices import CaseStatus, ProceedingStage, RepatriationStatus, ScreeningOutcome, StepStatus
from casework.forms import CadenceForm
from casework.models import Case, CaseFlag, CaseNote, FollowUpVisit, Hearing, RepatriationStep, Screening
from casework.selectors import follow_up_months_of
from casework.services.follow_ups import organisation_cadence_save
from notifications.registry import Occurrences, Rule, RuleExtra, register, still_among
from notifications.window import Window

OPEN_CASE = [CaseStatus.OPEN, CaseStatus.ACTIVE]
OPEN_STEP = [StepStatus.PENDING, StepStatus.IN_PROGRESS]
OPEN_REPATRIATION = [RepatriationStatus.IN_PROGRESS, RepatriationStatus.AWAITING_LEGAL_PROCEEDINGS]


def _open_steps() -> QuerySet[RepatriationStep]:
    return RepatriationStep.objects.filter(status__in=OPEN_STEP, repatriation__status__in=OPEN_REPATRIATION)


def _open_visits() -> QuerySet[FollowUpVisit]:
    return FollowUpVisit.objects.filter(done_on__isnull=True)


def _screenings_needing_assessment() -> QuerySet[Screening]:
    later = Screening.objects.filter(case=OuterRef("case"), created_at__gt=OuterRef("created_at"))
    return Screening.objects.filter(outcome=ScreeningOutcome.NEEDS_FURTHER_ASSESSMENT).filter(~Exists(later))


def step_candidates(window: Window) -> Iterator[QuerySet[Any]]:
    yield window.rows(
        _open_steps().filter(due_on__isnull=False), base="due_on", case="repatriation__case", date_based=True
    )


def visit_candidates(window: Window) -> Iterator[QuerySet[Any]]:
    yield window.rows(_open_visits(), base="due_on", date_based=True)


def screening_candidates(window: Window) -> Iterator[QuerySet[Any]]:
    yield window.rows(_screenings_needing_assessment(), base="screened_on", date_based=True)


def _flags_to_review() -> QuerySet[CaseFlag]:
    return CaseFlag.objects.filter(cleared_at__isnull=True, review_by__isnull=False)


def flag_review_candidates(window: Window) -> Iterator[QuerySet[Any]]:
    yield window.rows(_flags_to_review(), base="review_by", date_based=True)


def _hearings_ahead() -> QuerySet[Hearing]:
    """Hearings not yet past, of proceedings still open (a moved hearing is due anew)."""
    today = timezone.localdate()
    return Hearing.objects.filter(held_on__gte=today).exclude(proceeding__stage=ProceedingStage.CLOSED)


def hearing_candidates(window: Window) -> Iterator[QuerySet[Any]]:
    yield window.rows(_hearings_ahead(), base="held_on", case="proceeding__case", date_based=True, before=True)


def silent_case_candidates(window: Window) -> Iterator[QuerySet[Any]]:
    """Due `days` after the case's last note, or after it was opened when it has none: the
    case's quiet_since, which triggers keep (casework.models.cases), read by index."""
    yield window.rows(Case.objects.exclude(status=CaseStatus.CLOSED), base="quiet_since", case="")


def silent_case_still_due(occurrences: Occurrences) -> Occurrences:
    """A note written since the reminder fell due, or the case closing, ends it."""
    noted = CaseNote.objects.filter(case=OuterRef("object_id"), written_at__gte=OuterRef("due_at"))
    return still_among(occurrences, Case.objects.filter(status__in=OPEN_CASE)).filter(~Exists(noted))


def cadence_form(organisation: Any, data: Any, prefix: str) -> CadenceForm:
    return CadenceForm(data, prefix=prefix, initial={"months": follow_up_months_of(organisation)})


def cadence_save(actor: Staff, organisation: Any, cleaned_data: dict[str, Any]) -> None:
    organisation_cadence_save(actor=actor, organisation=organisation, months=cleaned_data["months"])


RULES = (
    Rule(
        code="repatriation_step_overdue",
        title=_("Repatriation step past due"),
        message=_("A repatriation step of this case is past its due date."),
        days=1,
        candidates=step_candidates,
        still_due=lambda occurrences: still_among(occurrences, _open_steps()),
    ),
    Rule(
        code="follow_up_due",
        title=_("Follow-up visit due"),
        message=_("A follow-up monitoring visit is due."),
        days=0,
        candidates=visit_candidates,
        still_due=lambda occurrences: still_among(occurrences, _open_visits()),
        extra=RuleExtra(form=cadence_form, save=cadence_save),
    ),
    Rule(
        code="follow_up_overdue",
        title=_("Follow-up visit overdue"),
        message=_("A follow-up monitoring visit is overdue and has not been recorded."),
        days=7,
        candidates=visit_candidates,
        still_due=lambda occurrences: still_among(occurrences, _open_visits()),
    ),
    Rule(
        code="screening_needs_assessment",
        title=_("Screening needs further assessment"),
        message=_("A screening that needs further assessment has not been followed up."),
        days=7,
        candidates=screening_candidates,
        still_due=lambda occurrences: still_among(occurrences, _screenings_needing_assessment()),
    ),
    Rule(
        code="flag_review_due",
        title=_("Risk flag to review"),
        message=_("A risk flag on this case has reached its review date."),
        days=0,
        candidates=flag_review_candidates,
        still_due=lambda occurrences: still_among(occurrences, _flags_to_review()),
    ),
    Rule(
        code="hearing_upcoming",
        title=_("Hearing coming up"),
        message=_("A hearing of this case's legal proceedings is coming up: prepare her and the support she needs."),
        days=7,
        candidates=hearing_candidates,
        still_due=lambda occurrences: still_among(occurrences, _hearings_ahead()),
    ),
    Rule(
        code="case_without_note",
        title=_("Open case without a note"),
        message=_("Nothing has been noted on this open case for a long time."),
        days=30,
        candidates=silent_case_candidates,
        still_due=silent_case_still_due,
    ),
)


def register_rules() -> None:
    register(*RULES)
