"""The small forms on the case page: a note, a service and its status, a follow-up visit recorded
or moved, a request to close the case (the Repatriation tab's are in casework.views.repatriation).
Each posts to its own URL, calls one service, and goes back to its tab; a refusal re-renders the
tab with the form as the user filled it and the message beside the field. A form of one row of a
list (a service, a visit) is sent back as `sent_row`, recognised by its prefix
(casework.views.cases.row_form)."""

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
from casework.models import Case
from casework.services import assistance, cases, follow_ups
from casework.views.cases import render_case
from core.errors import ApplicationError, PermissionDenied
from core.pages import show_error
from core.permissions import Permission


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
    gate: Permission[Case] = permissions.change_case,
) -> HttpResponse:
    case = selectors.case_detail(user=request.user, case_id=case_id)  # 404 outside scope
    if not gate.allows(request.user, case):  # seen but not changeable: 403 before any form check
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
def service_status(request: HttpRequest, case_id: Any, service_id: Any) -> HttpResponse:
    """Mirrors POST /api/v1/services/<id>/status/ (a health service never reaches police: 404)."""
    service = permissions.view_service.get(request.user, pk=service_id, case_id=case_id)
    form = forms.ServiceStatusForm(request.POST, prefix=f"service-{service.pk}")
    return _handle(
        request,
        case_id,
        tab="services",
        form_name="sent_row",
        form=form,
        call=lambda case, data: assistance.service_set_status(actor=signed_in(request), service=service, **data),
        done=_("Service status changed."),
        rename={"started_on": "on", "ended_on": "on"},
    )


def _visit_change(
    request: HttpRequest, case_id: Any, visit_id: Any, form_class: type[django_forms.Form], prefix: str, **how: Any
) -> HttpResponse:
    """One form on one visit of the Follow-up visits tab: `how` holds the service and the message."""
    visit = permissions.view_follow_up.get(request.user, pk=visit_id, case_id=case_id)
    return _handle(
        request,
        case_id,
        tab="follow_ups",
        form_name="sent_row",
        form=form_class(request.POST, prefix=f"{prefix}-{visit.pk}"),
        call=lambda case, data: how["service"](actor=signed_in(request), visit=visit, **data),
        done=how["done"],
    )


@require_POST
def follow_up_record(request: HttpRequest, case_id: Any, visit_id: Any) -> HttpResponse:
    """Mirrors POST /api/v1/follow-ups/<id>/record/; the visit's reminders close."""
    service, done = follow_ups.follow_up_record, _("Visit recorded.")
    return _visit_change(request, case_id, visit_id, forms.FollowUpRecordForm, "visit", service=service, done=done)


@require_POST
def follow_up_reschedule(request: HttpRequest, case_id: Any, visit_id: Any) -> HttpResponse:
    """Mirrors POST /api/v1/follow-ups/<id>/reschedule/."""
    service, done = follow_ups.follow_up_reschedule, _("Visit moved.")
    return _visit_change(request, case_id, visit_id, forms.FollowUpRescheduleForm, "move", service=service, done=done)


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
