"""Forms of the Repatriation tab: start a return, change a step of its checklist, record the
family assessment and the return decision, put it on hold for court proceedings, resume or
cancel it. They check the shape of the input only; casework.services.repatriation holds the
rules, and its refusals come back next to these fields (core.pages.show_error). Field names are
the service's argument names, so a refusal lands on its field without renaming."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Country, Organisation
from casework.choices import CancellationReason, FamilyAssessment, RepatriationFlow, ReturnDestination, StepStatus
from casework.models import BorderPoint, RepatriationStep
from casework.repatriation_flows import ASSESSMENT_STEPS, RETURN_STEP
from core.limits import REASON_MAX_LENGTH, TEXT_MAX_LENGTH
from core.pages import DateInput, LocalNameChoiceField

BLANK = [("", "—")]
LAO_PDR = "LA"


def _text(label: Any, *, required: bool = False, max_length: int = REASON_MAX_LENGTH, rows: int = 2) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, max_length=max_length, widget=forms.Textarea(attrs={"rows": rows})
    )


class TabForm(forms.Form):
    """The tab shows several of these forms at once: each field's id starts with the form's
    `id_prefix` ("assessment-reason", "cancel-reason"), so no two fields share an id or a label."""

    id_prefix = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}-%s")
        super().__init__(*args, **kwargs)


class StartForm(TabForm):
    """The start of a repatriation: the flow decides the checklist; Thailand and China flows
    only for a return from that country (the service says so next to the country)."""

    id_prefix = "start"

    flow = forms.ChoiceField(label=_("Repatriation flow"), choices=[*BLANK, *RepatriationFlow.choices])
    from_country = LocalNameChoiceField(
        label=_("Returning from (country)"), queryset=Country.objects.exclude(code=LAO_PDR).order_by("name_en")
    )
    partner_abroad = forms.CharField(
        label=_("Partner in that country"),
        required=False,
        max_length=200,
        help_text=_("e.g. Thai MSDHS shelter, Chinese police unit"),
    )
    border_point = LocalNameChoiceField(
        label=_("Border point"), queryset=BorderPoint.objects.filter(active=True), required=False
    )
    responsible_in_laos = LocalNameChoiceField(
        label=_("Responsible on the Lao side"),
        queryset=Organisation.objects.filter(is_active=True),
        required=False,
        help_text=_("Leave empty for the organisation that owns the case."),
    )
    started_on = forms.DateField(label=_("Started on"), required=False, widget=DateInput())


class AssessmentForm(TabForm):
    """The family assessment: its result completes the assessment step."""

    id_prefix = "assessment"

    result = forms.ChoiceField(label=_("Result of the family assessment"), choices=[*BLANK, *FamilyAssessment.choices])
    notes = _text(_("What the assessment found"), max_length=TEXT_MAX_LENGTH, rows=3)
    done_on = forms.DateField(label=_("Assessed on"), required=False, widget=DateInput())
    reason = _text(_("Reason, if done before the earlier steps"))


class ReturnDecisionForm(TabForm):
    """Where the person goes: home to the family or a shelter; a child's with the best-interests
    decision (the service asks for it)."""

    id_prefix = "return"

    destination = forms.ChoiceField(label=_("Where the person goes"), choices=[*BLANK, *ReturnDestination.choices])
    best_interests_decision = _text(
        _("Best-interests decision (required for a child)"), max_length=TEXT_MAX_LENGTH, rows=3
    )
    done_on = forms.DateField(label=_("Decided on"), required=False, widget=DateInput())
    reason = _text(_("Reason, if done before the earlier steps"))


class AwaitLegalForm(TabForm):
    id_prefix = "await"

    note = _text(_("Which proceedings the person is waiting for"), required=True, max_length=TEXT_MAX_LENGTH)


class CancelForm(TabForm):
    id_prefix = "cancel"

    reason = forms.ChoiceField(label=_("Reason for cancelling"), choices=[*BLANK, *CancellationReason.choices])
    note = _text(_("Explanation"))


class ResumeForm(TabForm):
    """No field: the button is the whole request."""

    id_prefix = "resume"


class StepForm(forms.Form):
    """One change to a repatriation step. Built for its step, it offers only the changes the step
    can take: no "done" for the two steps completed by their decision, no "skip" for the return
    step, "unblock" only when blocked. Its fields carry the step's id so that every step's form
    on the page has its own labels and error ids."""

    ACTIONS = {
        "start": _("Start"),
        "complete": _("Mark done"),
        "skip": _("Skip (say why)"),
        "block": _("Blocked (say why)"),
        "unblock": _("Unblock"),
    }
    action = forms.ChoiceField(label=_("Change"))
    done_on = forms.DateField(label=_("Done on"), required=False, widget=DateInput())
    notes = _text(_("Notes"), max_length=TEXT_MAX_LENGTH, rows=1)
    reason = _text(_("Reason"), rows=1)

    def __init__(self, *args: Any, step: RepatriationStep, **kwargs: Any) -> None:
        kwargs["auto_id"] = f"step-{step.pk}-%s"
        super().__init__(*args, **kwargs)
        self.step = step
        self.fields["action"].choices = [  # type: ignore[attr-defined]
            (code, label) for code, label in self.ACTIONS.items() if code in self.actions_for(step)
        ]

    @staticmethod
    def actions_for(step: RepatriationStep) -> list[str]:
        if step.status == StepStatus.BLOCKED:
            actions = ["unblock", "complete", "skip"]
        elif step.status == StepStatus.IN_PROGRESS:
            actions = ["complete", "block", "skip"]
        else:
            actions = ["start", "complete", "block", "skip"]
        if step.code in ASSESSMENT_STEPS or step.code == RETURN_STEP:
            actions.remove("complete")
        if step.code == RETURN_STEP:
            actions.remove("skip")
        return actions

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "complete" and not data.get("done_on"):
            self.add_error("done_on", _("Give the date the step was done."))
        return data
