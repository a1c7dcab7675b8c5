"""The Repatriation tab's writes: start a repatriation, change a step, record the family
assessment and the return decision, wait for legal proceedings abroad, resume, cancel. Each
posts to its own URL and calls the service the API action calls (casework/api/repatriation.py),
so permission, validation and audit are the API's; a refusal shows the tab again with the
message beside the field (casework.views.records._handle). A repatriation or step outside the
user's scope is the same 404 as a missing one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.actors import signed_in
from casework import permissions
from casework import repatriation_forms as forms
from casework.models import Repatriation, RepatriationStep
from casework.services import repatriation as service
from casework.views.records import _handle

TAB = "repatriation"


@require_POST
def repatriation_start(request: HttpRequest, case_id: Any) -> HttpResponse:
    """POST /api/v1/repatriations/ (`repatriation_start`)."""
    return _handle(
        request,
        case_id,
        tab=TAB,
        form_name="start_form",
        form=forms.StartForm(request.POST),
        call=lambda case, data: service.repatriation_start(actor=signed_in(request), case=case, **data),
        done=_("Repatriation started: its checklist is below."),
    )


def _on_repatriation(
    form_class: type[django_forms.Form], form_name: str, function: Callable[..., Any], done: str
) -> Callable[[HttpRequest, Any, Any], HttpResponse]:
    """A view that calls `function(actor=..., repatriation=..., **form data)` on one
    repatriation of the case."""

    @require_POST
    def view(request: HttpRequest, case_id: Any, repatriation_id: Any) -> HttpResponse:
        trip = permissions.view_repatriation.get(
            request.user, Repatriation.objects.select_related("case"), pk=repatriation_id, case_id=case_id
        )
        return _handle(
            request,
            case_id,
            tab=TAB,
            form_name=form_name,
            form=form_class(request.POST),
            call=lambda case, data: function(actor=signed_in(request), repatriation=trip, **data),
            done=done,
        )

    view.__doc__ = f"The page's `{function.__name__}` (casework.services.repatriation)."
    return view


family_assessment = _on_repatriation(
    forms.AssessmentForm, "assessment_form", service.family_assessment_record, _("Family assessment recorded.")
)
return_decision = _on_repatriation(
    forms.ReturnDecisionForm, "return_form", service.return_decide, _("Return decision recorded.")
)
await_legal_proceedings = _on_repatriation(
    forms.AwaitLegalForm,
    "await_form",
    service.repatriation_await_legal_proceedings,
    _("The repatriation waits for the legal proceedings."),
)
resume = _on_repatriation(forms.ResumeForm, "resume_form", service.repatriation_resume, _("Repatriation resumed."))
cancel = _on_repatriation(forms.CancelForm, "cancel_form", service.repatriation_cancel, _("Repatriation cancelled."))


STEP_SERVICES: dict[str, Callable[..., Any]] = {
    "start": lambda actor, step, data: service.step_start(actor=actor, step=step),
    "complete": lambda actor, step, data: service.step_complete(
        actor=actor, step=step, done_on=data["done_on"], notes=data["notes"], reason=data["reason"]
    ),
    "skip": lambda actor, step, data: service.step_skip(actor=actor, step=step, reason=data["reason"]),
    "block": lambda actor, step, data: service.step_block(actor=actor, step=step, reason=data["reason"]),
    "unblock": lambda actor, step, data: service.step_unblock(actor=actor, step=step),
}


@require_POST
def step_update(request: HttpRequest, case_id: Any, step_id: Any) -> HttpResponse:
    """POST /api/v1/repatriation-steps/<id>/{start,complete,skip,block,unblock}/."""
    step = permissions.view_repatriation_step.get(
        request.user,
        RepatriationStep.objects.select_related("repatriation"),
        pk=step_id,
        repatriation__case_id=case_id,
    )
    return _handle(
        request,
        case_id,
        tab=TAB,
        form_name="step_form",
        form=forms.StepForm(request.POST, step=step),
        call=lambda case, data: STEP_SERVICES[data["action"]](signed_in(request), step, data),
        done=_("Step updated."),
        rename={"status": "action"},
    )
