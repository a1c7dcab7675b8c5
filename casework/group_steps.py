"""A group of linked cases moved through one repatriation step in one action
(casework.services.group_actions): for each case, the step of that code in its repatriation in
progress is completed through `step_complete`, with its rules (the steps it depends on, the
steps completed by a decision) applied per case. Offered to social workers and counsellors."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from casework.choices import RepatriationStatus
from casework.extensions import GroupAction, register_group_action
from casework.models import RepatriationStep
from casework.repatriation_flows import FLOWS
from casework.services import repatriation
from core.errors import ApplicationError
from core.limits import REASON_MAX_LENGTH
from core.pages import DateField
from core.permissions import has_role

SPECIAL = set(repatriation.SPECIAL_STEPS)


def _step_choices() -> list[tuple[str, str]]:
    lao = (get_language() or "").startswith("lo")
    titles: dict[str, str] = {}
    for steps in FLOWS.values():
        for step in steps:
            if step.code not in SPECIAL:
                titles.setdefault(step.code, step.title_lo if lao else step.title_en)
    return [("", "—"), *titles.items()]


class GroupStepForm(forms.Form):
    step = forms.ChoiceField(label=_("Repatriation step done"))
    done_on = DateField(label=_("Done on"))
    notes = forms.CharField(
        label=_("Notes (optional)"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("done_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["step"].choices = _step_choices()  # type: ignore[attr-defined]


def _complete(actor: Any, case: Any, data: dict[str, Any]) -> str:
    step = RepatriationStep.objects.filter(
        repatriation__case=case, repatriation__status=RepatriationStatus.IN_PROGRESS, code=data["step"]
    ).first()
    if step is None:
        raise ApplicationError(
            gettext("This case has no repatriation in progress with this step."),
            fields={"step": [gettext("No repatriation in progress with this step.")]},
        )
    repatriation.step_complete(actor=actor, step=step, done_on=data["done_on"], notes=data.get("notes") or "")
    return gettext("Step done")


def register() -> None:
    register_group_action(
        GroupAction(
            key="repatriation_step",
            label=_("Complete a repatriation step"),
            form=lambda user, data: GroupStepForm(data),
            run=_complete,
            offered=lambda user: has_role(user, Role.SOCIAL_WORKER, Role.COUNSELLOR),
            position=3,
        )
    )
