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

from typing import Any

from django import forms
from django.contrib import messages
from django.forms.utils import ErrorList
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from casework import selectors, workload
from casework.models import Case
from casework.permissions import BREAK_GLASS_ROLES, managed_organisations, view_case
from casework.services import break_glass
from casework.services import cases as case_services
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


DECISIONS = {"approve", "return"}


@require_safe
def closure_approvals(request: HttpRequest) -> HttpResponse:
    return _closures(request)


def _closures(
    request: HttpRequest, failed: tuple[Any, str, ReturnForm] | None = None, status: int = 200
) -> HttpResponse:
    _require_manager(request)
    page = paginate(request, workload.closures_awaiting(user=request.user))
    rows = [
        (case, failed[2] if failed and failed[0] == case.pk else ReturnForm(prefix=str(case.pk)), failed)
        for case in page
    ]
    refused: ErrorList | list[str] = (
        failed[2].errors.get("__all__", []) if failed and failed[0] not in {case.pk for case in page} else []
    )
    context = {"page": page, "rows": rows, "failed_case": failed[0] if failed else None, "refused": refused}
    return render(request, "casework/closure_approvals.html", context, status=status)


@require_POST
def closure_decide(request: HttpRequest, pk: Any, decision: str) -> HttpResponse:
    """Approve (four eyes: never the requester) or return a closure with a note."""
    _require_manager(request)
    if decision not in DECISIONS:
        raise Http404
    case = get_or_404(view_case, request.user, Case.objects.select_related("person"), pk=pk)
    form = ReturnForm(request.POST, prefix=str(case.pk))
    if not form.is_valid():
        return _closures(request, (case.pk, decision, form), 400)
    if decision == "approve":
        done, status = submit(form, case_services.case_closure_approve, actor=request.user, case=case)
        message = _("Case %(code)s closed.")
    else:
        done, status = submit(
            form, case_services.case_closure_reject, actor=request.user, case=case, note=form.cleaned_data["note"]
        )
        message = _("Closure of %(code)s returned to the worker.")
    if done is None:
        return _closures(request, (case.pk, decision, form), status)
    messages.success(request, message % {"code": case.person.case_code})
    return redirect("manage:closures")


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
