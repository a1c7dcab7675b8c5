"""Setting a shelter up, in the product (issue 18): a new shelter, its set-up page (description,
rooms, beds with their in-service dates, outages, staff postings) and one small form page per
change, each calling its service.

Who: the shelter's operator's managers and administrators describe the shelter and post its
staff (permissions.manage_shelter); whoever manages its beds (permissions.manage_beds: posted
staff too) adds rooms and beds, retires beds and ends outages. A shelter outside that scope is
the same 404 as one that does not exist. Nothing here shows a resident.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.actors import signed_in
from accounts.models import Role, User
from accounts.permissions import view_user
from casework.choices import CaseCategory, Sex
from core.errors import PermissionDenied
from core.pages import get_or_404, local_name, submit
from shelters import permissions, selectors, services
from shelters.models import Bed, BedOutage, Shelter
from shelters.setup_forms import BedsForm, NewShelterForm, OutageEndForm, PostingForm, RetireForm, RoomForm, ShelterForm

FORM_PAGE = "shelters/setup_form.html"


def _shelter(request: HttpRequest, code: str, permission: Any) -> Shelter:
    queryset = Shelter.objects.select_related("operator", "province")
    return get_or_404(permission, request.user, queryset, code=code)


def _form_page(
    request: HttpRequest,
    form: forms.Form,
    save: Callable[[], tuple[Any, int]],
    done: Callable[[Any], HttpResponse],
    context: dict[str, Any],
) -> HttpResponse:
    """GET shows `form`; POST validates it, calls the service through `save` (core.pages.submit)
    and answers `done(result)`, or the form again with the field errors (400, nothing saved)."""
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            result, status = save()
            if result is not None:
                return done(result)
    return render(request, FORM_PAGE, {"form": form, **context}, status=status)


def _data(request: HttpRequest) -> Any:
    """What a form is bound to: the POST, or nothing on a GET (an empty POST still shows errors)."""
    return request.POST if request.method == "POST" else None


def _back(request: HttpRequest, shelter: Shelter, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("shelters:setup", code=shelter.code)


@require_http_methods(["GET", "POST"])
def shelter_new(request: HttpRequest) -> HttpResponse:
    operators = permissions.operate_for.scope(request.user).order_by("name_en")
    if not operators.exists():
        raise PermissionDenied(_("Only managers and administrators set up shelters."))
    form = NewShelterForm(_data(request), operators=operators)
    return _form_page(
        request,
        form,
        lambda: submit(
            form,
            services.shelter_create,
            actor=signed_in(request),
            code=form.cleaned_data["code"],
            operator=form.cleaned_data["operator"],
            **form.description(),
        ),
        lambda shelter: _back(request, shelter, _("Shelter %(name)s created.") % {"name": local_name(shelter)}),
        {"title": _("New shelter"), "button": _("Create the shelter")},
    )


@require_safe
def setup(request: HttpRequest, code: str) -> HttpResponse:
    shelter = _shelter(request, code, permissions.manage_beds)
    today = timezone.localdate()
    may_manage = permissions.manage_shelter.allows(request.user, shelter)
    beds = selectors.setup_beds(shelter=shelter, on=today)
    context = {
        "shelter": shelter,
        "today": today,
        "rooms": shelter.rooms.annotate(beds_in_service=Count("beds", filter=Q(beds__in_service__contains=today))),
        "beds": beds,
        "in_service": sum(1 for bed in beds if today in bed.in_service),
        "postings": selectors.postings(shelter=shelter) if may_manage else None,
        "accepts": [Sex(value).label for value in shelter.accepts_sexes],
        "categories": [CaseCategory(value).label for value in shelter.accepts_categories],
        "may_manage": may_manage,
        "may_work": permissions.work_shelter.allows(request.user, shelter),
    }
    return render(request, "shelters/setup.html", context)


def _context(shelter: Shelter, title: str, button: str) -> dict[str, Any]:
    return {"shelter": shelter, "title": title, "button": button}


@require_http_methods(["GET", "POST"])
def shelter_edit(request: HttpRequest, code: str) -> HttpResponse:
    shelter = _shelter(request, code, permissions.manage_shelter)
    initial = {name: getattr(shelter, name) for name in ShelterForm.base_fields}
    form = ShelterForm(_data(request), initial=initial)
    return _form_page(
        request,
        form,
        lambda: submit(form, services.shelter_update, actor=signed_in(request), shelter=shelter, **form.description()),
        lambda done: _back(request, done, _("Saved.")),
        _context(shelter, _("Describe the shelter"), _("Save")),
    )


@require_http_methods(["GET", "POST"])
def room_add(request: HttpRequest, code: str) -> HttpResponse:
    shelter = _shelter(request, code, permissions.manage_beds)
    form = RoomForm(_data(request))
    return _form_page(
        request,
        form,
        lambda: submit(
            form, services.room_add, actor=signed_in(request), shelter=shelter, name=form.cleaned_data["name"]
        ),
        lambda room: _back(request, shelter, _("Room %(name)s added.") % {"name": room.name}),
        _context(shelter, _("Add a room"), _("Add the room")),
    )


@require_http_methods(["GET", "POST"])
def beds_add(request: HttpRequest, code: str) -> HttpResponse:
    shelter = _shelter(request, code, permissions.manage_beds)
    form = BedsForm(_data(request), rooms=list(shelter.rooms.all()), initial={"room": request.GET.get("room")})
    return _form_page(
        request,
        form,
        lambda: submit(
            form,
            services.beds_add,
            rename={"label": "labels", "in_service": "in_service_from"},
            actor=signed_in(request),
            shelter=shelter,
            labels=form.cleaned_data["labels"],
            in_service_from=form.cleaned_data["in_service_from"],
            room=form.chosen_room(),
        ),
        lambda beds: _back(request, shelter, _("%(count)s beds added.") % {"count": len(beds)}),
        _context(shelter, _("Add beds"), _("Add the beds")),
    )


def _require_beds_managed(request: HttpRequest, shelter: Shelter) -> None:
    """After a bed or outage the user sees (else it was a 404): 403 unless they manage the beds."""
    if not permissions.manage_beds.allows(request.user, shelter):
        raise PermissionDenied(_("You cannot manage the beds of this shelter."))


@require_http_methods(["GET", "POST"])
def bed_retire(request: HttpRequest, pk: Any) -> HttpResponse:
    bed = get_or_404(permissions.view_bed, request.user, Bed.objects.select_related("shelter"), pk=pk)
    _require_beds_managed(request, bed.shelter)
    form = RetireForm(_data(request))
    return _form_page(
        request,
        form,
        lambda: submit(form, services.bed_retire, actor=signed_in(request), bed=bed, on=form.cleaned_data["on"]),
        lambda done: _back(request, bed.shelter, _("Bed %(bed)s retired.") % {"bed": bed.label}),
        _context(bed.shelter, _("Retire bed %(bed)s") % {"bed": bed.label}, _("Retire the bed")),
    )


@require_http_methods(["GET", "POST"])
def outage_end(request: HttpRequest, pk: Any) -> HttpResponse:
    outage = get_or_404(
        permissions.view_bed_outage, request.user, BedOutage.objects.select_related("bed__shelter"), pk=pk
    )
    shelter = outage.bed.shelter
    _require_beds_managed(request, shelter)
    form = OutageEndForm(_data(request), initial={"end": timezone.localdate()})
    return _form_page(
        request,
        form,
        lambda: submit(
            form, services.bed_outage_end, actor=signed_in(request), outage=outage, end=form.cleaned_data["end"]
        ),
        lambda done: _back(request, shelter, _("Bed %(bed)s is back in service.") % {"bed": outage.bed.label}),
        _context(shelter, _("Bed %(bed)s back in service") % {"bed": outage.bed.label}, _("Save")),
    )


def _postable(request: HttpRequest, shelter: Shelter) -> Any:
    """Active shelter staff the user sees (their organisation's; an administrator: all), not yet
    posted here."""
    return (
        view_user.scope(request.user)
        .filter(is_active=True, roles__contains=[Role.SHELTER_STAFF])
        .exclude(shelter_posts__shelter=shelter)
        .order_by("username")
    )


@require_http_methods(["GET", "POST"])
def staff_post(request: HttpRequest, code: str) -> HttpResponse:
    shelter = _shelter(request, code, permissions.manage_shelter)
    form = PostingForm(_data(request), users=_postable(request, shelter))
    return _form_page(
        request,
        form,
        lambda: submit(
            form, services.staff_post, actor=signed_in(request), shelter=shelter, user=form.cleaned_data["user"]
        ),
        lambda posting: _back(request, shelter, _("%(user)s now works here.") % {"user": posting.user.username}),
        _context(shelter, _("Post a staff member"), _("Post")),
    )


@require_POST
def staff_unpost(request: HttpRequest, code: str, user: Any) -> HttpResponse:
    shelter = _shelter(request, code, permissions.manage_shelter)
    staff = get_or_404(view_user, request.user, User.objects.all(), pk=user)
    services.staff_unpost(actor=signed_in(request), shelter=shelter, user=staff)
    return _back(request, shelter, _("%(user)s no longer works here.") % {"user": staff.username})
