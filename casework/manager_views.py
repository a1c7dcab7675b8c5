"""Manager pages: the team's workload and the closures awaiting approval.

Open to managers (`casework.permissions.managed_organisations` not empty), over the cases of the
organisations they manage; anyone else gets 403, a case outside their sight 404. The pages show
case codes and counts, never a person's identity, so they write no access-log row; approving or
returning a closure goes through casework.services.cases, which writes the trail.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from accounts.pages import PagePermissionDenied, get_or_404, paginate, submit
from casework import workload
from casework.models import Case
from casework.permissions import managed_organisations, view_case
from casework.services import cases as case_services


def _require_manager(request: HttpRequest) -> None:
    if not managed_organisations(request.user):
        raise PagePermissionDenied(_("Only managers see this page."))


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
    refused = failed[2].errors.get("__all__", []) if failed and failed[0] not in {case.pk for case in page} else []
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
