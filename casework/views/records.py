"""The small forms on the case page: a note, a service, a request to close the case (the
Repatriation tab's are in casework.views.repatriation). Each posts to its own URL, calls one
service, and goes back to its tab; a refusal re-renders the tab with the form as the user
filled it and the message beside the field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.actors import signed_in
from casework import forms, permissions, selectors
from casework.services import assistance, cases
from casework.views.cases import render_case
from core.errors import ApplicationError, PermissionDenied
from core.pages import show_error


def _handle(
    request: HttpRequest,
    case_id: Any,
    *,
    tab: str,
    form_name: str,
    form: django_forms.Form,
    call: Callable[[Any, dict[str, Any]], Any],
    done: str,
    rename: dict[str, str] | None = None,
) -> HttpResponse:
    case = selectors.case_detail(user=request.user, case_id=case_id)  # 404 outside scope
    if not permissions.change_case.allows(request.user, case):  # seen but not changeable: 403 before any form check
        raise PermissionDenied(_("You cannot change this case."))
    status = 400
    if form.is_valid():
        try:
            call(case, form.cleaned_data)
        except ApplicationError as error:
            status = show_error(form, error, rename=rename)
        else:
            messages.success(request, done)
            return redirect(reverse("casework:case-detail", args=[case.pk]) + f"?tab={tab}")
    return render_case(request, case, tab, forms_sent={form_name: form}, status=status)


@require_POST
def note_add(request: HttpRequest, case_id: Any) -> HttpResponse:
    user = request.user
    case_probe = permissions.view_case.get(user, pk=case_id)
    form = forms.NoteForm(request.POST, sensitive_allowed=permissions.view_sensitive.allows(user, case_probe))
    return _handle(
        request,
        case_id,
        tab="notes",
        form_name="note_form",
        form=form,
        call=lambda case, data: assistance.note_add(actor=signed_in(request), case=case, **data),
        done=_("Note added."),
    )


@require_POST
def service_add(request: HttpRequest, case_id: Any) -> HttpResponse:
    user = request.user
    form = forms.ServiceForm(request.POST, hide_health=permissions.hides_health(user))
    return _handle(
        request,
        case_id,
        tab="services",
        form_name="service_form",
        form=form,
        call=lambda case, data: assistance.service_add(actor=signed_in(request), case=case, **data),
        done=_("Service added."),
    )


@require_POST
def closure_request(request: HttpRequest, case_id: Any) -> HttpResponse:
    return _handle(
        request,
        case_id,
        tab="history",
        form_name="closure_form",
        form=forms.ClosureRequestForm(request.POST),
        call=lambda case, data: cases.case_closure_request(actor=signed_in(request), case=case, **data),
        done=_("Closure requested: a manager will decide."),
    )
