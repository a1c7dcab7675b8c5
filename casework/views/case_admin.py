"""Pages about the case itself, opened from buttons on the case page's header: edit its details,
assign its worker, share it with another organisation (and end a share), ask to reopen it.

Each page reads the case through view_case (a case outside the user's sight is the same 404 as
a missing one), refuses a user who sees it but may not act with 403, and calls the one service
the API calls, whose refusals go next to the fields (core.pages.submit)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.actors import signed_in
from casework import forms, permissions, selectors
from casework.models import Case
from casework.services import cases
from core.errors import PermissionDenied
from core.pages import get_or_404, submit
from core.permissions import Permission

CASES = Case.objects.select_related("person", "owner", "assigned_worker")


def case_for(request: HttpRequest, case_id: Any, permission: Permission[Case], refusal: str) -> Case:
    """The case if the user sees it (404 otherwise) and `permission` lets them act (403 otherwise)."""
    case = get_or_404(permissions.view_case, request.user, CASES, pk=case_id)
    if not permission.allows(request.user, case):
        raise PermissionDenied(refusal)
    return case


def case_url(case: Case, tab: str = "person") -> str:
    return reverse("casework:case-detail", args=[case.pk]) + f"?tab={tab}"


def case_form_page(
    request: HttpRequest,
    case: Case,
    *,
    form: django_forms.Form,
    call: Callable[[dict[str, Any]], Any],
    done: str,
    title: Any,
    button: Any,
    tab: str = "person",
    template: str = "casework/case_form.html",
    context: Callable[[Case], dict[str, Any]] | None = None,
    rename: dict[str, str] | None = None,
    refused: tuple[django_forms.Form, int] | None = None,
) -> HttpResponse:
    """GET: the form. POST: the service through `call(cleaned_data)`; success goes back to the
    case page's `tab`, a refusal shows the form again as typed (400, 403 or 409). `refused`:
    another button of the page was refused (the form holding the message, and the status)."""
    status = refused[1] if refused else 200
    if request.method == "POST" and not refused:
        status = 400
        if form.is_valid():
            result, status = submit(form, call, form.cleaned_data, rename=rename)
            if status == 200:
                messages.success(request, done)
                return redirect(result if isinstance(result, str) else case_url(case, tab))
            case.refresh_from_db()  # a refused change may have touched the object in memory
    page = {"case": case, "form": form, "title": title, "button": button, "back": case_url(case, tab)}
    page["refusal"] = refused[0] if refused else None
    page.update(context(case) if context else {})
    return render(request, template, page, status=status)


def _shares_page(
    request: HttpRequest, case: Case, form: django_forms.Form, refused: tuple[django_forms.Form, int] | None = None
) -> HttpResponse:
    return case_form_page(
        request,
        case,
        form=form,
        call=lambda data: (
            cases.case_share(actor=signed_in(request), case=case, **data)
            and reverse("casework:case-shares", args=[case.pk])
        ),
        done=_("Case shared."),
        title=gettext_lazy("Sharing"),
        button=gettext_lazy("Share the case"),
        template="casework/case_shares.html",
        context=lambda case: {"shares": selectors.case_shares(case=case)},
        refused=refused,
    )


def press(
    request: HttpRequest,
    call: Callable[[], Any],
    *,
    done: str,
    back: str,
    page: Callable[[tuple[django_forms.Form, int]], HttpResponse],
) -> HttpResponse:
    """A button on one of a case's lists (end a share, cancel a transfer): done, back to the list
    with `done`; refused (already ended), the list again with the message at the top."""
    refusal = django_forms.Form({})  # no fields: it carries the refusal's message
    refusal.full_clean()
    _result, status = submit(refusal, call)
    if status == 200:
        messages.success(request, done)
        return redirect(back)
    return page((refusal, status))


@require_http_methods(["GET", "POST"])
def case_edit(request: HttpRequest, case_id: Any) -> HttpResponse:
    """The case's category, identification, forms of exploitation, places and dates
    (cases.case_update, as PATCH /api/v1/cases/<id>/)."""
    case = case_for(request, case_id, permissions.change_case, _("You cannot change this case."))
    form = forms.CaseEditForm(request.POST or None, initial=forms.CaseEditForm.initial_for(case))

    def call(data: dict[str, Any]) -> Any:
        changed = [name for name in form.changed_data if name != "exploitation_forms"]
        exploitation = data["exploitation_forms"] if "exploitation_forms" in form.changed_data else None
        if not changed and exploitation is None:
            return None  # nothing to record
        values = {name: data[name] for name in changed}
        return cases.case_update(actor=signed_in(request), case=case, exploitation_forms=exploitation, **values)

    return case_form_page(
        request,
        case,
        form=form,
        call=call,
        done=_("Case details saved."),
        title=gettext_lazy("Edit the case"),
        button=gettext_lazy("Save"),
    )


@require_http_methods(["GET", "POST"])
def case_assign(request: HttpRequest, case_id: Any) -> HttpResponse:
    """A manager gives the case to one of the owner's social workers or counsellors (cases.case_assign)."""
    case = case_for(
        request, case_id, permissions.manage_case, _("Only a manager of the owning organisation can assign this case.")
    )
    workers = forms.eligible_workers(case.owner)
    form = forms.AssignForm(request.POST or None, workers=workers, initial={"worker": case.assigned_worker_id})
    return case_form_page(
        request,
        case,
        form=form,
        call=lambda data: cases.case_assign(actor=signed_in(request), case=case, worker=data["worker"]),
        done=_("Case assigned."),
        title=gettext_lazy("Assign a worker"),
        button=gettext_lazy("Assign"),
    )


@require_http_methods(["GET", "POST"])
def case_shares(request: HttpRequest, case_id: Any) -> HttpResponse:
    """Who the case is shared with, and a form to share it with one more organisation (cases.case_share)."""
    case = case_for(request, case_id, permissions.move_case, _("You cannot change this case."))
    return _shares_page(request, case, forms.ShareForm(request.POST or None, owner=case.owner))


@require_POST
def share_revoke(request: HttpRequest, case_id: Any, share_id: Any) -> HttpResponse:
    """End a share at once (cases.case_share_revoke): the organisation no longer sees the case.
    A refusal (already ended) shows the sharing page with the message at the top."""
    case = case_for(request, case_id, permissions.move_case, _("You cannot change this case."))
    share = case.shares.select_related("case", "organisation").filter(pk=share_id).first()
    if share is None:
        raise Http404
    return press(
        request,
        lambda: cases.case_share_revoke(actor=signed_in(request), share=share),
        done=_("Sharing ended."),
        back=reverse("casework:case-shares", args=[case.pk]),
        page=lambda refused: _shares_page(request, case, forms.ShareForm(owner=case.owner), refused),
    )


@require_http_methods(["GET", "POST"])
def reopen_request(request: HttpRequest, case_id: Any) -> HttpResponse:
    """A worker of a closed case asks a manager to reopen it (cases.case_reopen_request)."""
    case = case_for(request, case_id, permissions.request_reopen, _("You cannot ask to reopen this case."))
    form = forms.ReasonForm(request.POST or None)
    return case_form_page(
        request,
        case,
        form=form,
        call=lambda data: cases.case_reopen_request(actor=signed_in(request), case=case, reason=data["reason"]),
        done=_("Reopening requested: a manager will decide."),
        title=gettext_lazy("Ask to reopen the case"),
        button=gettext_lazy("Ask to reopen"),
        tab="history",
    )
