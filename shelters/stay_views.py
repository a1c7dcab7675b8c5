"""More of the bed board's forms: move a resident to another bed, change a planned discharge,
and record assistance given without a stay. Each calls one service (the API's), so the
permission, the validation messages and the audit are the service's; a refusal shows the form
again, 400 with the message beside its field."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.pages import form_page, submit
from shelters import selectors, services
from shelters.board_views import case_for_code, stay_context, workable_shelter, workable_stay
from shelters.forms import MoveBedForm, NonResidentialForm, PlannedDischargeForm
from shelters.models import Shelter


def back_to(request: HttpRequest, message: str, to: str, **kwargs: Any) -> HttpResponse:
    """After a saved form: the message, and the page the user goes back to."""
    messages.success(request, message)
    return redirect(to, **kwargs)


def back_to_board(request: HttpRequest, shelter: Shelter, message: str) -> HttpResponse:
    return back_to(request, message, "shelters:board", code=shelter.code)


@require_http_methods(["GET", "POST"])
def move_bed(request: HttpRequest, pk: Any) -> HttpResponse:
    stay = workable_stay(request, pk)
    form = MoveBedForm(request.POST or None, beds=selectors.free_beds(shelters=[stay.shelter], on=timezone.localdate()))
    return form_page(
        request,
        form,
        save=lambda data: submit(
            form,
            services.stay_move_bed,
            rename={"bed": "to_bed"},
            actor=request.user,
            stay=stay,
            to_bed=form.chosen_bed(),
            on=data["on"],
        ),
        saved=lambda moved: back_to_board(
            request,
            stay.shelter,
            _("%(code)s moved to bed %(bed)s.") % {"code": stay.person.case_code, "bed": form.chosen_bed().label},
        ),
        template="shelters/stay_form.html",
        context=stay_context(stay, form, _("Move to another bed")),
    )


@require_http_methods(["GET", "POST"])
def planned_discharge(request: HttpRequest, pk: Any) -> HttpResponse:
    stay = workable_stay(request, pk)
    form = PlannedDischargeForm(request.POST or None, initial={"planned_discharge_on": stay.planned_discharge_on})
    return form_page(
        request,
        form,
        save=lambda data: submit(
            form,
            services.stay_set_planned_discharge,
            actor=request.user,
            stay=stay,
            planned_discharge_on=data["planned_discharge_on"],
        ),
        saved=lambda changed: back_to_board(
            request, stay.shelter, _("Planned discharge of %(code)s saved.") % {"code": stay.person.case_code}
        ),
        template="shelters/stay_form.html",
        context=stay_context(stay, form, _("Change the planned discharge")),
    )


@require_http_methods(["GET", "POST"])
def non_residential(request: HttpRequest, code: str) -> HttpResponse:
    """Assistance to someone who does not stay: named by case code, among the cases the user may
    act on in this shelter only (any other code is "no case", like a code nobody has)."""
    shelter = workable_shelter(request, code)
    form = NonResidentialForm(request.POST or None, initial={"case_code": request.GET.get("case_code", "")})

    def save(data: dict[str, Any]) -> tuple[Any, int]:
        case = case_for_code(request.user, shelter, data["case_code"])
        if case is None:
            form.add_error("case_code", _("No case you may act on in this shelter has this code."))
            return None, 400
        return submit(
            form,
            services.non_residential_record,
            rename={"case": "case_code", "shelter": "case_code"},
            actor=request.user,
            shelter=shelter,
            case=case,
            assisted_on=data["assisted_on"],
            kind=data["kind"],
            service_types=data["service_types"],
            notes=data["notes"],
        )

    return form_page(
        request,
        form,
        save=save,
        saved=lambda done: back_to_board(
            request, shelter, _("Assistance to %(code)s recorded.") % {"code": form.cleaned_data["case_code"]}
        ),
        template="shelters/shelter_form.html",
        context={"shelter": shelter, "title": _("Record assistance without a stay")},
    )
