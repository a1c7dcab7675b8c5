"""The screening form, and the small JSON endpoint it calls as indicators are ticked so that the
COMMIT rule's suggestion shows before the form is sent. The same service applies the same rule
again when the form is saved."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.actors import signed_in
from casework import forms, permissions, selectors
from casework.choices import AppliesTo, Element, ScreeningOutcome
from casework.models import Case, Indicator
from casework.screening_forms import InterviewOptInForm, ScreeningDecisionForm
from casework.screening_rule import age_at_exploitation, is_child
from casework.services import screening as service
from casework.views.cases import render_case
from core.errors import ApplicationError, PermissionDenied
from core.pages import show_error


def _screenable_case(request: HttpRequest, case_id: Any) -> Case:
    """The case, if the user may screen on it: 404 when they cannot see it, 403 when they only
    read it (the page shows the case code, never a name, so it writes no identity read)."""
    case = permissions.view_case.get(request.user, Case.objects.select_related("person"), pk=case_id)
    if not permissions.record_screening.allows(request.user, case):
        raise PermissionDenied(_("You cannot record a screening on this case."))
    return case


def _indicators_for(case: Case) -> list[Indicator]:
    """Active indicators of the person's age group when exploited (both lists when unknown)."""
    age = age_at_exploitation(case.person, case)
    indicators = Indicator.objects.filter(active=True)
    if age is not None:
        indicators = indicators.exclude(applies_to=AppliesTo.ADULT if is_child(age) else AppliesTo.CHILD)
    order = {value: position for position, value in enumerate(Element.values)}
    return sorted(indicators, key=lambda i: (order[i.element], i.dimension, i.code))


def suggested_label(result: Any, indicators: list[Any]) -> str:
    """The suggestion box's words: with nothing ticked the rule's answer ("not a victim") is
    not a finding yet, so the box says so."""
    return str(result.suggested.label) if indicators else str(_("No indicator ticked yet"))


@require_http_methods(["GET", "POST"])
def screening_new(request: HttpRequest, case_id: Any) -> HttpResponse:
    case = _screenable_case(request, case_id)
    indicators = _indicators_for(case)
    form = forms.ScreeningForm(request.POST or None, indicators=indicators)
    if request.method == "POST" and form.is_valid():
        try:
            service.screening_record(actor=signed_in(request), case=case, **form.service_values())
        except ApplicationError as error:
            show_error(form, error)
        else:
            return redirect(reverse("casework:case-detail", args=[case.pk]) + "?tab=screening")
    ticked = set(form["indicators"].value() or [])
    chosen = [i for i in indicators if i.code in ticked]
    result = service.screening_evaluate(case=case, indicators=chosen)
    groups = [
        (Element(element).label, [(i, i.code in ticked) for i in items])
        for element, items in groupby(indicators, key=lambda i: i.element)
    ]
    return render(
        request,
        "casework/screening_form.html",
        {
            "case": case,
            "form": form,
            "groups": groups,
            "result": result,
            "suggested_label": suggested_label(result, chosen),
            "outcomes": dict(ScreeningOutcome.choices),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@require_POST
def screening_evaluate(request: HttpRequest, case_id: Any) -> JsonResponse:
    """What the rule suggests for the ticked indicators; nothing is saved."""
    case = _screenable_case(request, case_id)
    codes = request.POST.getlist("indicators")
    try:
        result = service.screening_evaluate(case=case, indicators=codes)
    except ApplicationError as error:  # only a tampered form gets here: the page offers valid choices
        return JsonResponse({"detail": error.message, "errors": error.fields}, status=400)
    return JsonResponse(
        {
            "act": result.act,
            "means": result.means,
            "purpose": result.purpose,
            "age": result.age,
            "child": result.child,
            "indicative": result.indicative,
            "suggested": str(result.suggested),
            "suggested_label": suggested_label(result, codes),
        }
    )


def _card_write(
    request: HttpRequest, case_id: Any, screening_id: Any, form_class: type[Any], call: Any, done: str
) -> HttpResponse:
    """A form of one screening's card on the Screening tab: 404 for a case or screening the user
    cannot see, 403 when they may not record screenings on it; the service's refusal shows on
    the card (400) with what was typed."""
    case = selectors.case_detail(user=request.user, case_id=case_id)
    screening = permissions.view_screening.get(request.user, pk=screening_id, case=case)
    if not permissions.record_screening.allows(request.user, case):
        raise PermissionDenied(_("You cannot decide on this screening."))
    form = form_class(request.POST, screening_id=screening.pk)
    status = 400
    if form.is_valid():
        try:
            call(screening, form.cleaned_data)
        except ApplicationError as error:
            status = show_error(form, error)
        else:
            messages.success(request, done)
            return redirect(reverse("casework:case-detail", args=[case.pk]) + "?tab=screening")
    return render_case(request, case, "screening", forms_sent={"sent_form": form}, status=status)


@require_POST
def screening_confirm(request: HttpRequest, case_id: Any, screening_id: Any) -> HttpResponse:
    """The deciding body's decision on a screening (the API's `POST /screenings/<id>/confirm/`)."""
    return _card_write(
        request,
        case_id,
        screening_id,
        ScreeningDecisionForm,
        lambda screening, data: service.screening_confirm(actor=signed_in(request), screening=screening, **data),
        _("Decision recorded."),
    )


@require_POST
def screening_opt_in(request: HttpRequest, case_id: Any, screening_id: Any) -> HttpResponse:
    """The person's choice to be interviewed before the reflection period ends (the API's
    `POST /screenings/<id>/opt-in/`)."""
    return _card_write(
        request,
        case_id,
        screening_id,
        InterviewOptInForm,
        lambda screening, data: service.screening_opt_in(
            actor=signed_in(request), screening=screening, on=data["opted_in_to_interview_on"]
        ),
        _("The person's choice was recorded."),
    )
