"""Pages of things waiting for someone's decision (closures and reopenings for a manager,
transfers for the receiving organisation): a list, one card per item, and on each card one
small form per decision. Deciding posts to its own URL; a refusal shows the list again with
the card's form as the user filled it and the message on it (or at the top when the item is on
another page of the list)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from core.pages import paginate, submit

# The forms of one card, by decision (the URL's last part): {"approve": form, "return": form}.
Forms = dict[str, forms.Form]


@dataclass(frozen=True)
class Queue:
    template: str
    url_name: str  # the decision's route: (item pk, decision)
    items: Callable[[HttpRequest], QuerySet[Any]]
    forms: Callable[[HttpRequest, Any, Any], Forms]  # (request, item, POST data or None)
    label: Callable[[Any], str]  # the item's case code: in messages and in the card's ids
    # decision -> (the service call with the form's cleaned data, the message once done, where to go next)
    decisions: dict[str, tuple[Callable[[HttpRequest, Any, dict[str, Any]], Any], Any, Callable[[Any], str]]]


def show(
    request: HttpRequest, queue: Queue, failed: tuple[Any, Forms] | None = None, status: int = 200
) -> HttpResponse:
    page = paginate(request, queue.items(request))
    shown = {item.pk for item in page}
    rows = [
        (item, failed[1] if failed and failed[0] == item.pk else queue.forms(request, item, None), queue.label(item))
        for item in page
    ]
    refused = []
    if failed and failed[0] not in shown:
        refused = [error for form in failed[1].values() for error in form.non_field_errors()]
    return render(
        request,
        queue.template,
        {"page": page, "rows": rows, "refused": refused, "decide": queue.url_name},
        status=status,
    )


def decide(request: HttpRequest, queue: Queue, item: Model, decision: str) -> HttpResponse:
    """Run one decision on `item` (already fetched through its permission: 404 outside scope)."""
    if decision not in queue.decisions:
        raise Http404
    call, done, next_url = queue.decisions[decision]
    card = queue.forms(request, item, None)
    card[decision] = queue.forms(request, item, request.POST)[decision]
    form = card[decision]
    if not form.is_valid():
        return show(request, queue, (item.pk, card), 400)
    result, status = submit(form, call, request, item, form.cleaned_data)
    if status != 200:
        return show(request, queue, (item.pk, card), status)
    messages.success(request, done % {"code": queue.label(item)})
    return redirect(next_url(result))
