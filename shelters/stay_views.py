"""More of the bed board's forms: move a resident to another bed, change a planned discharge,
and record assistance given without a stay. Each calls one service (the API's), so the
permission, the validation messages and the audit are the service's; a refusal shows the form
again, 400 with the message beside its field."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.pages import submit
from shelters import selectors, services
from shelters.board_views import case_for_code, stay_context, workable_shelter, workable_stay
from shelters.forms import MoveBedForm, NonResidentialForm, PlannedDischargeForm


@require_http_methods(["GET", "POST"])
def move_bed(request: HttpRequest, pk: Any) -> HttpResponse:
    stay = workable_stay(request, pk)
    beds = selectors.free_beds(shelters=[stay.shelter], on=timezone.localdate())
    form = MoveBedForm(request.POST or None, beds=beds)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            moved, status = submit(
                form,
                services.stay_move_bed,
                rename={"bed": "to_bed"},
                actor=request.user,
                stay=stay,
                to_bed=form.chosen_bed(),
                on=form.cleaned_data["on"],
            )
            if moved is not None:
                messages.success(
                    request,
                    _("%(code)s moved to bed %(bed)s.") % {"code": stay.person.case_code, "bed": moved.bed.label},
                )
                return redirect("shelters:board", code=stay.shelter.code)
    return render(request, "shelters/stay_form.html", stay_context(stay, form, _("Move to another bed")), status=status)


@require_http_methods(["GET", "POST"])
def planned_discharge(request: HttpRequest, pk: Any) -> HttpResponse:
    stay = workable_stay(request, pk)
    form = PlannedDischargeForm(request.POST or None, initial={"planned_discharge_on": stay.planned_discharge_on})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            changed, status = submit(
                form,
                services.stay_set_planned_discharge,
                actor=request.user,
                stay=stay,
                planned_discharge_on=form.cleaned_data["planned_discharge_on"],
            )
            if changed is not None:
                messages.success(request, _("Planned discharge of %(code)s saved.") % {"code": stay.person.case_code})
                return redirect("shelters:board", code=stay.shelter.code)
    title = _("Change the planned discharge")
    return render(request, "shelters/stay_form.html", stay_context(stay, form, title), status=status)


@require_http_methods(["GET", "POST"])
def non_residential(request: HttpRequest, code: str) -> HttpResponse:
    """Assistance to someone who does not stay: named by case code, among the cases the user may
    act on in this shelter only (any other code is "no case", like a code nobody has)."""
    shelter = workable_shelter(request, code)
    form = NonResidentialForm(request.POST or None, initial={"case_code": request.GET.get("case_code", "")})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            case = case_for_code(request.user, shelter, form.cleaned_data["case_code"])
            if case is None:
                form.add_error("case_code", _("No case you may act on in this shelter has this code."))
            else:
                done, status = submit(
                    form,
                    services.non_residential_record,
                    rename={"case": "case_code", "shelter": "case_code"},
                    actor=request.user,
                    shelter=shelter,
                    case=case,
                    assisted_on=form.cleaned_data["assisted_on"],
                    service_types=form.cleaned_data["service_types"],
                    notes=form.cleaned_data["notes"],
                )
                if done is not None:
                    messages.success(request, _("Assistance to %(code)s recorded.") % {"code": case.person.case_code})
                    return redirect("shelters:board", code=shelter.code)
    context = {"shelter": shelter, "form": form, "title": _("Record assistance without a stay")}
    return render(request, "shelters/shelter_form.html", context, status=status)
