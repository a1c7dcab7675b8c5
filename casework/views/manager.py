"""Manager pages: the team's workload, the closures and case plans awaiting approval, and
emergency access.

Open to managers (`casework.permissions.managed_organisations` not empty), over the cases of the
organisations they manage; anyone else gets 403, a case outside their sight 404. The pages show
case codes and counts, never a person's identity, so they write no access-log row; approving or
returning a closure goes through casework.services.cases, which writes the trail.
Emergency access (break-glass) is for managers and administrators: a case code and a reason
open one case outside their scope for a limited time (casework.services.break_glass).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.actors import signed_in
from casework import selectors, workload
from casework.models import Case
from casework.permissions import BREAK_GLASS_ROLES, managed_organisations, view_case
from casework.services import break_glass
from casework.services import cases as case_services
from casework.views import queues
from core.errors import PermissionDenied
from core.pages import get_or_404, paginate, submit
from core.permissions import has_role


def _require_manager(request: HttpRequest) -> None:
    if not managed_organisations(request.user):
        raise PermissionDenied(_("Only managers see this page."))


@require_safe
def team_workload(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    today = timezone.localdate()
    rows = workload.team_workload(user=request.user, today=today)
    page = paginate(request, rows, per_page=50)
    totals = {
        "open_cases": sum(row.open_cases for row in rows),
        "closure_pending": sum(row.closure_pending for row in rows),
        "overdue_follow_ups": sum(row.overdue_follow_ups for row in rows),
        "overdue_steps": sum(row.overdue_steps for row in rows),
    }
    return render(request, "casework/team_workload.html", {"page": page, "totals": totals, "today": today})


class ReturnForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Why the case stays open"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )


class KeepClosedForm(ReturnForm):
    note = forms.CharField(
        label=gettext_lazy("Why the case stays closed"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )


def _managed_cases(queryset: Callable[..., Any]) -> Callable[[HttpRequest], Any]:
    def items(request: HttpRequest) -> Any:
        _require_manager(request)
        return queryset(user=request.user)

    return items


def _card(return_form: type[forms.Form]) -> Callable[[HttpRequest, Any, Any], queues.Forms]:
    def card(request: HttpRequest, case: Any, data: Any) -> queues.Forms:
        prefix = str(case.pk)
        return {"approve": forms.Form(data, prefix=prefix), "return": return_form(data, prefix=prefix)}

    return card


def _case_code(case: Any) -> str:
    return str(case.person.case_code)


CLOSURES = queues.Queue(
    template="casework/closure_approvals.html",
    url_name="manage:closure-decide",
    items=_managed_cases(workload.closures_awaiting),
    forms=_card(ReturnForm),
    label=_case_code,
    decisions={
        "approve": (
            lambda request, case, data: case_services.case_closure_approve(actor=signed_in(request), case=case),
            gettext_lazy("Case %(code)s closed."),
            lambda case: reverse("manage:closures"),
        ),
        "return": (
            lambda request, case, data: case_services.case_closure_reject(
                actor=signed_in(request), case=case, note=data["note"]
            ),
            gettext_lazy("Closure of %(code)s returned to the worker."),
            lambda case: reverse("manage:closures"),
        ),
    },
)

REOPENINGS = queues.Queue(
    template="casework/reopen_approvals.html",
    url_name="manage:reopen-decide",
    items=_managed_cases(workload.reopenings_awaiting),
    forms=_card(KeepClosedForm),
    label=_case_code,
    decisions={
        "approve": (
            lambda request, case, data: case_services.case_reopen_approve(actor=signed_in(request), case=case),
            gettext_lazy("Case %(code)s reopened."),
            lambda case: reverse("manage:reopenings"),
        ),
        "return": (
            lambda request, case, data: case_services.case_reopen_reject(
                actor=signed_in(request), case=case, note=data["note"]
            ),
            gettext_lazy("Case %(code)s stays closed."),
            lambda case: reverse("manage:reopenings"),
        ),
    },
)


@require_safe
def closure_approvals(request: HttpRequest) -> HttpResponse:
    return queues.show(request, CLOSURES)


@require_POST
def closure_decide(request: HttpRequest, pk: Any, decision: str) -> HttpResponse:
    """Approve (four eyes: never the requester) or return a closure with a note."""
    _require_manager(request)
    case = get_or_404(view_case, request.user, Case.objects.select_related("person"), pk=pk)
    return queues.decide(request, CLOSURES, case, decision)


@require_safe
def reopen_approvals(request: HttpRequest) -> HttpResponse:
    """Closed cases a worker asked to reopen."""
    return queues.show(request, REOPENINGS)


@require_POST
def reopen_decide(request: HttpRequest, pk: Any, decision: str) -> HttpResponse:
    """Reopen (four eyes: never the requester) or keep the case closed with a note."""
    _require_manager(request)
    case = get_or_404(view_case, request.user, Case.objects.select_related("person"), pk=pk)
    return queues.decide(request, REOPENINGS, case, decision)


@require_safe
def plan_approvals(request: HttpRequest) -> HttpResponse:
    """Case plans waiting for a manager's approval, oldest first; each links to the case's Plan tab,
    where the manager reads the plan and approves or returns it (casework.views.plan)."""
    _require_manager(request)
    page = paginate(request, workload.plans_awaiting(user=request.user))
    return render(request, "casework/plan_approvals.html", {"page": page})


class EmergencyAccessForm(forms.Form):
    # Not required here: the service says what is missing, once, for the page and any caller.
    case_code = forms.CharField(label=gettext_lazy("Case code"), required=False, max_length=20)
    reason = forms.CharField(
        label=gettext_lazy("Why you must open this case now"),
        help_text=gettext_lazy("Write no names: the reason is kept in the access log for good."),
        required=False,
        max_length=break_glass.REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@require_http_methods(["GET", "POST"])
def emergency_access(request: HttpRequest) -> HttpResponse:
    """Break-glass: a manager or administrator opens a case outside their scope with a reason.
    Anyone else gets 403, so the page tells them nothing about which cases exist."""
    if not has_role(request.user, *BREAK_GLASS_ROLES):
        raise PermissionDenied(_("Only managers and administrators can use emergency access."))
    form = EmergencyAccessForm(request.POST or None, initial={"case_code": request.GET.get("case", "")[:20]})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            grant, status = submit(form, break_glass.break_glass_open, actor=request.user, **form.cleaned_data)
            if grant is not None:
                messages.warning(
                    request,
                    _("Emergency access to %(code)s until %(time)s. Every read is recorded with your reason.")
                    % {
                        "code": grant.case.person.case_code,
                        "time": timezone.localtime(grant.expires_at).strftime("%H:%M"),
                    },
                )
                return redirect("casework:case-detail", case_id=grant.case_id)
        else:
            status = 400
    now = timezone.now()
    grants = selectors.break_glass_grants(user=request.user).filter(expires_at__gt=now)[:20]
    context = {"form": form, "grants": grants, "minutes": int(break_glass.grant_duration().total_seconds() // 60)}
    return render(request, "casework/emergency_access.html", context, status=status)
