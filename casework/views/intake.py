"""Guided intake: a new person and their first case on one page of fieldsets. Before saving,
the worker is shown the likely duplicates (casework.duplicates) and confirms it is someone new."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.actors import signed_in
from casework import forms, permissions
from casework.duplicates import find_duplicates
from casework.services.cases import case_open
from core.errors import ApplicationError, PermissionDenied
from core.pages import show_error

DUPLICATE_KEYS = (
    "given_name_latin",
    "family_name_latin",
    "given_name_lo",
    "family_name_lo",
    "date_of_birth",
    "estimated_age",
    "origin_district",
)


@require_http_methods(["GET", "POST"])
def intake(request: HttpRequest) -> HttpResponse:
    if not permissions.can_open_case(request.user):
        raise PermissionDenied(_("Your role cannot open cases."))
    form = forms.IntakeForm(request.POST or None)
    duplicates = None
    if request.method == "POST" and form.is_valid():
        values = form.person_values()
        duplicates = find_duplicates(user=request.user, **{k: values[k] for k in DUPLICATE_KEYS if k in values})
        if duplicates and not form.cleaned_data["not_a_duplicate"]:
            form.add_error(
                "not_a_duplicate",
                _("Similar records exist. Open one of them, or tick this box if this is a different person."),
            )
        else:
            try:
                with transaction.atomic():
                    case = case_open(actor=signed_in(request), person_values=values, **form.case_values())
            except ApplicationError as error:
                show_error(form, error)
            else:
                messages.success(request, _("Case registered: %(code)s.") % {"code": case.person.case_code})
                if duplicates:  # registered anyway: say where the records can be compared later
                    messages.info(request, _("Similar records exist: compare them under Possible duplicates."))
                return redirect(reverse("casework:case-detail", args=[case.pk]) + "?tab=person")
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "casework/intake.html", {"form": form, "duplicates": duplicates}, status=status)
