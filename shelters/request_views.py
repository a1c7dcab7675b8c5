"""Requests for a place in a shelter: the case's worker asks from the case's Stays tab; the
shelter's staff see the requests from their bed board and accept (an admission, choosing the
bed) or decline with a reason, which the worker reads on the Stays tab. Same services as the
API (`/api/v1/admission-requests/`)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from accounts.models import AuditAction
from casework.models import Case
from casework.permissions import view_case
from core.errors import PermissionDenied
from core.pages import form_page, get_or_404, local_name, submit
from shelters import permissions, selectors, services
from shelters.board_views import workable_shelter
from shelters.forms import AdmissionRequestForm, DeclineForm, PlaceForm
from shelters.models import AdmissionRequest, Shelter
from shelters.stay_views import back_to, back_to_board


@require_http_methods(["GET", "POST"])
def request_admission(request: HttpRequest, case_id: Any) -> HttpResponse:
    """The worker's form: which shelter, from when, and a note. The page names the case by its
    code only, so it reads no identity."""
    case = get_or_404(view_case, request.user, Case.objects.select_related("person"), pk=case_id)
    if not permissions.request_admission.allows(request.user, case):
        raise PermissionDenied(_("You cannot ask for a shelter place on this case."))
    shelters = list(Shelter.objects.filter(is_active=True).select_related("province").order_by("name_en", "code"))
    form = AdmissionRequestForm(request.POST or None, shelters=shelters)

    return form_page(
        request,
        form,
        save=lambda data: submit(
            form,
            services.admission_request_create,
            actor=request.user,
            case=case,
            shelter=form.chosen_shelter(),
            needed_from=data["needed_from"],
            note=data["note"],
        ),
        saved=lambda made: back_to(
            request,
            _("Request sent to %(shelter)s.") % {"shelter": local_name(made.shelter)},
            reverse("casework:case-detail", args=[case.pk]) + "?tab=stays",
        ),
        template="shelters/request_form.html",
        context={"case": case},
    )


@require_safe
def request_list(request: HttpRequest, code: str) -> HttpResponse:
    """The shelter's waiting requests and its last answers, for the people who work it."""
    shelter = workable_shelter(request, code)
    waiting, answered = selectors.admission_requests(user=request.user, shelter=shelter)
    return render(request, "shelters/request_list.html", {"shelter": shelter, "waiting": waiting, "answered": answered})


def _answerable(request: HttpRequest, pk: Any) -> AdmissionRequest:
    """404 for a request the user cannot see, 403 for one whose shelter they do not work."""
    admission = get_or_404(
        permissions.view_admission_request,
        request.user,
        AdmissionRequest.objects.select_related("shelter", "case__person"),
        pk=pk,
    )
    if not permissions.answer_admission_request.allows(request.user, admission):
        raise PermissionDenied(_("Only the shelter's staff answer its admission requests."))
    selectors.show_applicants(user=request.user, requests=[admission], action=AuditAction.VIEW)
    return admission


def _answer_page(
    request: HttpRequest, admission: AdmissionRequest, form: Any, title: str, save: Any, saved: Any
) -> HttpResponse:
    context = {"shelter": admission.shelter, "admission": admission, "title": title}
    return form_page(request, form, save=save, saved=saved, template="shelters/request_answer.html", context=context)


@require_http_methods(["GET", "POST"])
def request_accept(request: HttpRequest, pk: Any) -> HttpResponse:
    admission = _answerable(request, pk)
    form = PlaceForm(
        request.POST or None, beds=selectors.free_beds(shelters=[admission.shelter], on=timezone.localdate())
    )
    return _answer_page(
        request,
        admission,
        form,
        _("Accept and admit"),
        save=lambda data: submit(
            form,
            services.admission_request_accept,
            actor=request.user,
            admission=admission,
            admitted_on=data["admitted_on"],
            bed=form.chosen_bed(),
            planned_discharge_on=data["planned_discharge_on"],
        ),
        saved=lambda stay: back_to_board(
            request, admission.shelter, _("%(code)s admitted.") % {"code": admission.case.person.case_code}
        ),
    )


@require_http_methods(["GET", "POST"])
def request_decline(request: HttpRequest, pk: Any) -> HttpResponse:
    admission = _answerable(request, pk)
    form = DeclineForm(request.POST or None)

    return _answer_page(
        request,
        admission,
        form,
        _("Decline the request"),
        save=lambda data: submit(
            form, services.admission_request_decline, actor=request.user, admission=admission, reason=data["reason"]
        ),
        saved=lambda declined: back_to(
            request, _("Request declined."), "shelters:requests", code=admission.shelter.code
        ),
    )
