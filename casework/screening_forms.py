"""The forms on a screening's card (Screening tab): a deciding body's later decision, and the
person's choice to give an investigative interview before the reflection period ends. Each
card has its own copy of each form (ids made unique by the screening's id), and the tab shows
the interview checklist recorded with the screening and whether an interview may be held today."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.choices import DecidingBody, ScreeningOutcome
from casework.forms import BLANK, ScreeningForm
from casework.models import Screening
from casework.services.screening import INTERVIEW_FACTS, investigative_interview_allowed
from core.limits import REASON_MAX_LENGTH
from core.pages import DateInput


class _CardForm(forms.Form):
    """A form of one screening's card: its ids carry the screening's id."""

    def __init__(self, *args: Any, screening_id: Any, **kwargs: Any) -> None:
        kwargs["auto_id"] = f"id_%s_{screening_id}"
        super().__init__(*args, **kwargs)
        self.screening_id = screening_id


class ScreeningDecisionForm(_CardForm):
    outcome = forms.ChoiceField(label=_("Decision"), choices=[*BLANK, *ScreeningOutcome.choices])
    deciding_body = forms.ChoiceField(label=_("Deciding body"), choices=[*BLANK, *DecidingBody.choices])
    decided_on = forms.DateField(label=_("Decided on"), widget=DateInput())
    reason = forms.CharField(
        label=_("Why this decision was taken"), widget=forms.Textarea(attrs={"rows": 2}), max_length=REASON_MAX_LENGTH
    )


class InterviewOptInForm(_CardForm):
    opted_in_to_interview_on = forms.DateField(
        label=_("The person chose to give an interview on"),
        widget=DateInput(),
        help_text=_("Only if the person asks, before the reflection period ends; recorded once."),
    )


def interview_checklist(screening: Screening) -> list[tuple[str, Any]]:
    """(label, answer) of each interview fact recorded with the screening, labelled as on the
    screening form; an interpreter's language goes with the interpreter line."""
    fields = ScreeningForm.base_fields
    return [
        (str(fields[name].label), getattr(screening, name))
        for name in INTERVIEW_FACTS
        if name != "interpreter_language"
    ]


def screening_cards(screenings: list[Screening], *, can_screen: bool) -> list[Screening]:
    """Give each screening its checklist, whether an investigative interview may be held today,
    and (for those who may record screenings) its empty forms."""
    today = timezone.localdate()
    for screening in screenings:
        screening.checklist = interview_checklist(screening)  # type: ignore[attr-defined]
        screening.interview_allowed = investigative_interview_allowed(screening, today)  # type: ignore[attr-defined]
        if can_screen:
            screening.decision_form = ScreeningDecisionForm(screening_id=screening.pk)  # type: ignore[attr-defined]
            if screening.reflection_period_ends_on and screening.opted_in_to_interview_on is None:
                screening.opt_in_form = InterviewOptInForm(screening_id=screening.pk)  # type: ignore[attr-defined]
    return screenings
