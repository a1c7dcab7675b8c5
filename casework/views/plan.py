"""The case plan on the case page's Plan tab: the worker writes and submits it, a manager of the
owning organisation approves it or returns it with a reason (four eyes: never the one who
submitted it). Each form calls the same service as the API (PUT /api/v1/cases/<id>/plan/,
POST /api/v1/plans/<id>/submit|approve|return/); the queue of plans waiting for a manager is
casework.views.manager.plan_approvals."""

from __future__ import annotations

from typing import Any

from django import forms as django_forms
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.actors import signed_in
from casework import forms, permissions
from casework.models import Case, CasePlan
from casework.services import assistance
from casework.views.records import _handle
from core.errors import ApplicationError


def _plan_of(case: Case) -> CasePlan:
    plan = CasePlan.objects.filter(case=case).select_related("case").first()
    if plan is None:
        raise ApplicationError(_("Write the plan first."), fields={"summary": [_("No plan yet.")]})
    return plan


@require_POST
def plan_save(request: HttpRequest, case_id: Any) -> HttpResponse:
    form = forms.PlanForm(request.POST)
    return _handle(
        request,
        case_id,
        tab="plan",
        form_name="plan_form",
        form=form,
        call=lambda case, data: assistance.plan_save(
            actor=signed_in(request),
            case=case,
            summary=data["summary"],
            follow_up_policy=data["follow_up_policy"],
            goals=form.goal_values(),
        ),
        done=_("Plan saved. Submit it when it is ready for a manager."),
    )


@require_POST
def plan_submit(request: HttpRequest, case_id: Any) -> HttpResponse:
    return _handle(
        request,
        case_id,
        tab="plan",
        form_name="plan_submit_form",
        form=django_forms.Form(request.POST),
        call=lambda case, data: assistance.plan_submit(actor=signed_in(request), plan=_plan_of(case)),
        done=_("Plan submitted: a manager will approve it or return it."),
    )


DECISIONS = {
    "approve": (
        lambda request, case, data: assistance.plan_approve(actor=signed_in(request), plan=_plan_of(case)),
        gettext_lazy("Plan approved."),
    ),
    "return": (
        lambda request, case, data: assistance.plan_return(
            actor=signed_in(request), plan=_plan_of(case), reason=data["reason"]
        ),
        gettext_lazy("Plan returned to the worker."),
    ),
}


@require_POST
def plan_decide(request: HttpRequest, case_id: Any, decision: str) -> HttpResponse:
    """A manager's decision on a submitted plan, from the Plan tab (the queue links there, so the
    manager reads the plan before deciding)."""
    if decision not in DECISIONS:
        raise Http404
    call, done = DECISIONS[decision]
    return _handle(
        request,
        case_id,
        tab="plan",
        form_name="plan_decision_form",
        form=forms.PlanReturnForm(request.POST),
        call=lambda case, data: call(request, case, data),
        done=str(done),
        gate=permissions.manage_case,
    )
