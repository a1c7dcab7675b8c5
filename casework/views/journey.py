"""The Journey tab of the case page and its forms: add a step of the trafficking journey (one
page per stage, with that stage's fields), correct it, remove it. Each calls the service the
staff API calls (casework.services.journey)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.actors import signed_in
from casework import extensions, permissions, selectors
from casework.choices import JourneyStage
from casework.journey_forms import JourneyEventForm
from casework.models import Case
from casework.services import journey
from core.pages import submit

TAB = "journey"


def journey_tab(request: HttpRequest, case: Case) -> dict[str, Any]:
    """The steps in order, each with its facts in the reader's language (tier 2: whoever sees
    the case sees them; the case page has already logged the identity read)."""
    user = request.user
    return {
        "steps": selectors.journey_shown(user=user, case=case),
        "may_change": permissions.change_journey.allows(user, case),
        "stages": JourneyStage.choices,
    }


def _tab_url(case: Case) -> str:
    return reverse("casework:case-detail", args=[case.pk]) + f"?tab={TAB}"


def _page(
    request: HttpRequest, case: Case, form: JourneyEventForm, save: Any, *, title: str, remove_url: str = ""
) -> HttpResponse:
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            _result, status = submit(form, save)
            if status == 200:
                messages.success(request, _("Journey saved."))
                return redirect(_tab_url(case))
    context = {"case": case, "person": case.person, "form": form, "title": title, "remove_url": remove_url}
    return render(request, "casework/journey_form.html", context, status=status)


def _changeable_case(request: HttpRequest, case_id: Any) -> Case:
    case = permissions.view_case.get(request.user, Case.objects.select_related("person"), pk=case_id)
    permissions.change_journey.require(request.user, case, _("You cannot record this case's journey."))
    return case


@require_http_methods(["GET", "POST"])
def journey_add(request: HttpRequest, case_id: Any, stage: str) -> HttpResponse:
    if stage not in JourneyStage.values:
        raise Http404
    case = _changeable_case(request, case_id)
    form = JourneyEventForm.for_event(stage, None, request.POST if request.method == "POST" else None)
    title = _("Record a step of the journey: %(stage)s") % {"stage": JourneyStage(stage).label}

    def save() -> Any:
        return journey.journey_event_add(actor=signed_in(request), case=case, stage=stage, **form.values())

    return _page(request, case, form, save, title=title)


@require_http_methods(["GET", "POST"])
def journey_edit(request: HttpRequest, case_id: Any, event_id: Any) -> HttpResponse:
    case = _changeable_case(request, case_id)
    event = selectors.journey_event(user=request.user, case=case, event_id=event_id)
    form = JourneyEventForm.for_event(event.stage, event, request.POST if request.method == "POST" else None)
    title = _("Correct a step of the journey: %(stage)s") % {"stage": JourneyStage(event.stage).label}

    def save() -> Any:
        return journey.journey_event_update(actor=signed_in(request), event=event, **form.values())

    remove_url = reverse("casework:journey-remove", args=[case.pk, event.pk])
    return _page(request, case, form, save, title=title, remove_url=remove_url)


@require_POST
def journey_remove(request: HttpRequest, case_id: Any, event_id: Any) -> HttpResponse:
    case = _changeable_case(request, case_id)
    event = selectors.journey_event(user=request.user, case=case, event_id=event_id)
    journey.journey_event_remove(actor=signed_in(request), event=event)
    messages.success(request, _("Step removed from the journey."))
    return redirect(_tab_url(case))


def register() -> None:
    """The Journey tab, just after Screening (called from the app's ready())."""
    extensions.register_case_tab(
        extensions.CaseTab(
            key=TAB,
            label=gettext_lazy("Journey"),
            template="casework/tabs/journey.html",
            context=journey_tab,
            position=2,
        )
    )
