"""The legal proceedings forms of the Legal tab: open proceedings, correct their details, move
them to the next stage, and add, move or remove a hearing. Each calls the service the staff API
calls (casework.services.proceedings)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.actors import signed_in
from casework import legal_permissions, selectors
from casework.legal_forms import HearingForm, ProceedingForm, ProceedingMoveForm, ProceedingOpenForm
from casework.models import Case
from casework.services import proceedings
from casework.views.legal import changeable, legal_page, tab_url


def _case(request: HttpRequest, case_id: Any) -> Case:
    return changeable(
        request, case_id, legal_permissions.change_proceeding, _("You cannot record this case's legal proceedings.")
    )


def _data(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


@require_http_methods(["GET", "POST"])
def proceeding_add(request: HttpRequest, case_id: Any) -> HttpResponse:
    case = _case(request, case_id)

    def save(data: dict[str, Any]) -> Any:
        return proceedings.proceeding_open(actor=signed_in(request), case=case, **data)

    form = ProceedingOpenForm(_data(request))
    return legal_page(request, case, form, save, title=_("Record legal proceedings"), done=_("Proceedings recorded."))


@require_http_methods(["GET", "POST"])
def proceeding_edit(request: HttpRequest, case_id: Any, proceeding_id: Any) -> HttpResponse:
    case = _case(request, case_id)
    proceeding = selectors.proceeding_of(user=request.user, case=case, proceeding_id=proceeding_id)
    initial = {name: getattr(proceeding, name) for name in proceedings.DETAIL_FIELDS}

    def save(data: dict[str, Any]) -> Any:
        return proceedings.proceeding_update(actor=signed_in(request), proceeding=proceeding, **data)

    form = ProceedingForm(_data(request), initial=initial)
    title = _("Legal proceedings: details")
    return legal_page(request, case, form, save, title=title, done=_("Proceedings saved."))


@require_http_methods(["GET", "POST"])
def proceeding_move(request: HttpRequest, case_id: Any, proceeding_id: Any) -> HttpResponse:
    """The tab's small form posts here (prefixed by the proceeding's id); a refusal shows the
    form on a page of its own with the reason beside the field."""
    case = _case(request, case_id)
    proceeding = selectors.proceeding_of(user=request.user, case=case, proceeding_id=proceeding_id)

    def save(data: dict[str, Any]) -> Any:
        return proceedings.proceeding_move(actor=signed_in(request), proceeding=proceeding, **data)

    form = ProceedingMoveForm(_data(request), current=proceeding.stage, prefix=str(proceeding.pk))
    title = _("Move the proceedings to the next stage")
    return legal_page(request, case, form, save, title=title, done=_("Proceedings moved to the next stage."))


@require_http_methods(["GET", "POST"])
def hearing_add(request: HttpRequest, case_id: Any, proceeding_id: Any) -> HttpResponse:
    case = _case(request, case_id)
    proceeding = selectors.proceeding_of(user=request.user, case=case, proceeding_id=proceeding_id)

    def save(data: dict[str, Any]) -> Any:
        return proceedings.hearing_add(actor=signed_in(request), proceeding=proceeding, **data)

    form = HearingForm(_data(request))
    return legal_page(request, case, form, save, title=_("Add a hearing date"), done=_("Hearing saved."))


@require_http_methods(["GET", "POST"])
def hearing_edit(request: HttpRequest, case_id: Any, hearing_id: Any) -> HttpResponse:
    case = _case(request, case_id)
    hearing = selectors.hearing_of(user=request.user, case=case, hearing_id=hearing_id)
    initial = {name: getattr(hearing, name) for name in proceedings.HEARING_FIELDS}

    def save(data: dict[str, Any]) -> Any:
        return proceedings.hearing_update(actor=signed_in(request), hearing=hearing, **data)

    form = HearingForm(_data(request), initial=initial)
    remove_url = reverse("casework:hearing-remove", args=[case.pk, hearing.pk])
    title = _("Change a hearing")
    return legal_page(request, case, form, save, title=title, done=_("Hearing saved."), remove_url=remove_url)


@require_POST
def hearing_remove(request: HttpRequest, case_id: Any, hearing_id: Any) -> HttpResponse:
    case = _case(request, case_id)
    hearing = selectors.hearing_of(user=request.user, case=case, hearing_id=hearing_id)
    proceedings.hearing_remove(actor=signed_in(request), hearing=hearing)
    messages.success(request, _("Hearing removed."))
    return redirect(tab_url(case))
