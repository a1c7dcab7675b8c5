"""Shelter pages for the people who work there: the shelter list, the bed board, and the forms to
admit, discharge and transfer a resident and to put a bed out of service.

Access as in the API: shelters are public (tier 0), so a shelter the user does not work in is a
403; a stay or a bed they may not see is a 404. The board shows who is in each bed to those who
work the shelter (docs/design/access.md: shelter staff see current residents) and logs that read.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from accounts.actors import signed_in
from casework.choices import CaseStatus
from casework.models import Case
from casework.selectors import record_identity_read
from core.errors import PermissionDenied
from core.pages import get_or_404, local_name, paginate, submit
from shelters import permissions, selectors, services
from shelters.forms import AdmitForm, DischargeForm, OutageForm, TransferForm
from shelters.models import Bed, BedOutage, Shelter, Stay

SOON = timedelta(days=7)  # "planned discharges soon" on the board
BOARD_PAGE = 60  # beds per page of the board: a whole shelter for all but the largest (most have 12 to 50)


def _count(queryset: QuerySet[Any], key: str = "shelter") -> Coalesce:
    """A correlated COUNT(*) per shelter (each served by an index), instead of joining beds and
    stays and counting distinct rows."""
    return Coalesce(Subquery(queryset.values(key).annotate(n=Count("*")).values("n"), output_field=IntegerField()), 0)


@require_safe
def shelter_list(request: HttpRequest) -> HttpResponse:
    """The shelters the user works in or manages, with today's beds in service, residents and
    beds out of service. Nobody's identity: counts only."""
    user = request.user
    today = timezone.localdate()
    shelters = (
        Shelter.objects.filter(permissions.work_shelter.filter(user) | permissions.manage_beds.filter(user))
        .select_related("province", "operator")
        .annotate(
            beds_in_service=_count(Bed.objects.filter(shelter=OuterRef("pk"), in_service__contains=today)),
            residents=_count(Stay.objects.filter(shelter=OuterRef("pk"), during__contains=today)),
            out_of_service=_count(
                BedOutage.objects.filter(bed__shelter=OuterRef("pk"), during__contains=today), "bed__shelter"
            ),
        )
        .order_by("name_en", "code")
    )
    may_create = permissions.operate_for.scope(user).exists()  # a new manager starts here
    if not may_create and not shelters.exists():
        raise PermissionDenied(_("You do not work in or manage any shelter."))
    page = paginate(request, shelters)
    workable = {shelter.pk for shelter in page if permissions.work_shelter.allows(user, shelter)}
    manageable = {shelter.pk for shelter in page if permissions.manage_beds.allows(user, shelter)}
    importable = {shelter.pk for shelter in page if permissions.import_register.allows(user, shelter)}
    reportable = run_reports_any(user)
    context = {"page": page, "workable": workable, "manageable": manageable, "may_create": may_create}
    context |= {"importable": importable, "reportable": reportable, "today": today}
    return render(request, "shelters/shelter_list.html", context)


def run_reports_any(user: Any) -> bool:
    return permissions.run_reports.scope(user).exists()


def workable_shelter(request: HttpRequest, code: str, refusal: str = "") -> Shelter:
    shelter = get_object_or_404(Shelter.objects.select_related("operator", "province"), code=code)
    if not permissions.work_shelter.allows(request.user, shelter):
        raise PermissionDenied(refusal or _("Only the shelter's staff and its operator see who lives there."))
    return shelter


@require_safe
def bed_board(request: HttpRequest, code: str) -> HttpResponse:
    """Every bed in service today: who is in it (and until when it is planned), free, or out of
    service and why; residents without a bed; planned discharges in the coming week."""
    shelter = workable_shelter(request, code)
    today = timezone.localdate()
    counts = selectors.board_counts(shelter=shelter, on=today)
    page = Paginator(range(counts.beds), BOARD_PAGE).get_page(request.GET.get("page"))
    offset = page.start_index() - 1 if counts.beds else 0
    context: dict[str, Any] = {
        "shelter": shelter,
        "today": today,
        "counts": counts,
        "page": page,
        "rows": selectors.bed_board(user=request.user, shelter=shelter, on=today, offset=offset, limit=BOARD_PAGE),
        "unbedded": selectors.unbedded_stays(shelter=shelter, on=today) if counts.unbedded else [],
        "soon": selectors.planned_discharges(shelter=shelter, on=today, until=today + SOON),
        "can_manage_beds": permissions.manage_beds.allows(request.user, shelter),
        "can_see_address": permissions.view_shelter_address.allows(request.user, shelter),
        "waiting_requests": selectors.waiting_requests_count(shelter=shelter),
    }
    # The lists below the beds name people too: one more access-log INSERT for them together.
    listed = {stay.person_id: stay.person for stay in [*context["unbedded"], *context["soon"]]}
    record_identity_read(user=request.user, objects=list(listed.values()))
    return render(request, "shelters/bed_board.html", context)


def case_for_code(user: Any, shelter: Shelter, code: str) -> Case | None:
    """The person's open case (the newest), else their newest case, so that the service can say
    why a closed one cannot be admitted; among the cases the user may admit here only
    (permissions.admissible_here): any other code is "no case", exactly like a code nobody has."""
    cases = (
        Case.objects.filter(permissions.admissible_here(user, shelter), person__case_code=code)
        .select_related("person")
        .order_by("-created_at", "id")
    )
    return cases.exclude(status=CaseStatus.CLOSED).first() or cases.first()


@require_http_methods(["GET", "POST"])
def admit(request: HttpRequest, code: str) -> HttpResponse:
    refusal = _(
        "Only the shelter's staff and its operator admit residents here. To ask for a place for "
        "your client, open the case, go to its Stays tab and choose “Ask a shelter to admit”."
    )
    shelter = workable_shelter(request, code, refusal)
    today = timezone.localdate()
    beds = selectors.free_beds(shelters=[shelter], on=today)
    status = 200
    if request.method == "POST":
        form = AdmitForm(request.POST, beds=beds)
        if form.is_valid():
            case = case_for_code(request.user, shelter, form.cleaned_data["case_code"])
            if case is None:
                form.add_error("case_code", _("No case you may admit to this shelter has this code."))
                status = 400
            else:
                stay, status = submit(
                    form,
                    services.stay_admit,
                    rename={"case": "case_code", "shelter": "case_code"},
                    actor=request.user,
                    shelter=shelter,
                    case=case,
                    admitted_on=form.cleaned_data["admitted_on"],
                    bed=form.chosen_bed(),
                    planned_discharge_on=form.cleaned_data["planned_discharge_on"],
                )
                if stay is not None:
                    messages.success(request, _("%(code)s admitted.") % {"code": case.person.case_code})
                    return redirect("shelters:board", code=shelter.code)
        else:
            status = 400
    else:
        form = AdmitForm(beds=beds, initial={"bed": request.GET.get("bed", "")})
    context = {"shelter": shelter, "form": form, "title": _("Admit a resident"), "button": _("Admit")}
    return render(request, "shelters/shelter_form.html", context, status=status)


def workable_stay(request: HttpRequest, pk: Any) -> Stay:
    """The stay if the user may see it (else 404) and works its shelter (else 403); its
    resident's identity is shown on the form, so the read is logged."""
    stay = get_or_404(
        permissions.view_stay,
        request.user,
        Stay.objects.select_related("shelter__operator", "bed__room", "person", "case"),
        pk=pk,
    )
    if not permissions.work_shelter.allows(request.user, stay.shelter):
        raise PermissionDenied(_("You cannot change stays in this shelter."))
    if request.method == "GET":
        record_identity_read(user=request.user, objects=[stay.person], action="view")
    return stay


@require_http_methods(["GET", "POST"])
def discharge(request: HttpRequest, pk: Any) -> HttpResponse:
    stay = workable_stay(request, pk)
    status = 200
    if request.method == "POST":
        form = DischargeForm(request.POST)
        if form.is_valid():
            done, status = submit(
                form,
                services.stay_discharge,
                actor=request.user,
                stay=stay,
                discharged_on=form.cleaned_data["discharged_on"],
                destination=form.cleaned_data["destination"],
                reason=form.cleaned_data["reason"],
            )
            if done is not None:
                messages.success(request, _("%(code)s discharged.") % {"code": stay.person.case_code})
                return redirect("shelters:board", code=stay.shelter.code)
        else:
            status = 400
    else:
        form = DischargeForm()
    return render(request, "shelters/stay_form.html", stay_context(stay, form, _("Discharge")), status=status)


@require_http_methods(["GET", "POST"])
def transfer(request: HttpRequest, pk: Any) -> HttpResponse:
    stay = workable_stay(request, pk)
    targets = selectors.transfer_targets(user=request.user, stay=stay)
    workable_targets = [shelter for shelter in targets if permissions.work_shelter.allows(request.user, shelter)]
    beds = selectors.free_beds(shelters=workable_targets, on=timezone.localdate())
    status = 200
    if request.method == "POST":
        form = TransferForm(request.POST, shelters=targets, beds=beds)
        if form.is_valid():
            following, status = submit(
                form,
                services.stay_transfer,
                rename={"bed": "to_bed", "case": "to_shelter", "shelter": "to_shelter", "admitted_on": "on"},
                actor=request.user,
                stay=stay,
                to_shelter=form.chosen_shelter(),
                on=form.cleaned_data["on"],
                to_bed=form.chosen_bed(),
                reason=form.cleaned_data["reason"],
            )
            if following is not None:
                messages.success(
                    request,
                    _("%(code)s transferred to %(shelter)s.")
                    % {"code": stay.person.case_code, "shelter": local_name(following.shelter)},
                )
                return redirect("shelters:board", code=stay.shelter.code)
        else:
            status = 400
    else:
        form = TransferForm(shelters=targets, beds=beds)
    return render(request, "shelters/stay_form.html", stay_context(stay, form, _("Transfer")), status=status)


def stay_context(stay: Stay, form: Any, title: str) -> dict[str, Any]:
    return {"stay": stay, "shelter": stay.shelter, "form": form, "title": title}


@require_http_methods(["GET", "POST"])
def bed_out_of_service(request: HttpRequest, pk: Any) -> HttpResponse:
    bed = get_or_404(permissions.view_bed, request.user, Bed.objects.select_related("shelter", "room"), pk=pk)
    return _outage_page(
        request,
        bed,
        OutageForm,
        lambda data: services.bed_outage_start(actor=signed_in(request), bed=bed, **data),
        _("Bed %(bed)s is out of service."),
    )


def _outage_page(request: HttpRequest, bed: Bed, form_class: Any, call: Any, done: str) -> HttpResponse:
    """A bed's outage form: only those who manage the shelter's beds; the service checks the
    dates against the bed's stays and other outages."""
    if not permissions.manage_beds.allows(request.user, bed.shelter):
        raise PermissionDenied(_("You cannot manage the beds of this shelter."))
    status = 200
    form = form_class(request.POST if request.method == "POST" else None)
    if form.is_bound:
        status = 400
        if form.is_valid():
            changed, status = submit(form, call, form.cleaned_data)
            if changed is not None:
                messages.success(request, done % {"bed": bed.label})
                if permissions.work_shelter.allows(request.user, bed.shelter):
                    return redirect("shelters:board", code=bed.shelter.code)
                return redirect("shelters:list")
    context = {"bed": bed, "shelter": bed.shelter, "form": form}
    return render(request, "shelters/outage_form.html", context, status=status)
