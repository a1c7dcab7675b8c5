"""The person pages, reached from the case page's Person tab: correct the record (identity,
origin, languages, contacts, an estimated age and its date), add, correct or remove a relative or
guardian, and open a new case for someone already registered (also from intake's duplicate
warning). Each calls the service the staff API calls, so the rule and its messages are the same."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.actors import signed_in
from accounts.models import AuditAction
from casework import permissions, selectors
from casework.forms import CaseFieldsForm
from casework.models import Case, Person
from casework.person_forms import FamilyMemberForm, PersonForm
from casework.services import cases, people
from core.errors import PermissionDenied
from core.pages import submit

PERSON_RELATED = ("person__nationality", "person__ethnicity", "person__origin_province", "person__origin_district")


def person_case(request: HttpRequest, case_id: Any, *, change: bool) -> Case:
    """The case (404 outside scope, as for a missing one) with its person, whose identity the
    page shows: the read is logged. `change`: 403 unless the user may change the person's record
    (people.changeable_case, the service's own rule)."""
    queryset = Case.objects.select_related("person", *PERSON_RELATED)
    case = permissions.view_case.get(request.user, queryset, pk=case_id)
    if change:
        people.changeable_case(signed_in(request), case.person)
    selectors.record_identity_read(user=request.user, objects=[case.person], action=AuditAction.VIEW)
    return case


def posted(request: HttpRequest) -> Any:
    """The form's data on a POST, even an empty one (an empty form is refused with its errors)."""
    return request.POST if request.method == "POST" else None


def person_tab(case: Case) -> str:
    return reverse("casework:case-detail", args=[case.pk]) + "?tab=person"


def _form_page(
    request: HttpRequest,
    case: Case,
    form: django_forms.Form,
    *,
    title: str,
    save: Callable[[], Any],
    done: str,
    rows: Any = None,
    remove_url: str = "",
) -> HttpResponse:
    """GET: the form. POST: the service through `save`; back to the Person tab, or the form
    again with the messages next to its fields (400; nothing was saved)."""
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            _result, status = submit(form, save)
            if status == 200:
                messages.success(request, done)
                return redirect(person_tab(case))
    context = {"case": case, "person": case.person, "form": form, "title": title, "rows": rows}
    return render(request, "casework/person_form.html", {**context, "remove_url": remove_url}, status=status)


@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, case_id: Any) -> HttpResponse:
    case = person_case(request, case_id, change=True)
    form = PersonForm.for_person(case.person, posted(request))

    def save() -> Any:
        changes = form.changes(case.person)
        return people.person_update(actor=signed_in(request), person=case.person, **changes) if changes else None

    title = _("Correct the person's record")
    return _form_page(request, case, form, title=title, save=save, done=_("Record saved."), rows=form.rows())


@require_http_methods(["GET", "POST"])
def family_add(request: HttpRequest, case_id: Any) -> HttpResponse:
    case = person_case(request, case_id, change=True)
    form = FamilyMemberForm.for_member(None, posted(request))
    return _form_page(
        request,
        case,
        form,
        title=_("Add a relative or guardian"),
        save=lambda: people.family_member_add(actor=signed_in(request), person=case.person, **form.cleaned_data),
        done=_("Family member added."),
    )


@require_http_methods(["GET", "POST"])
def family_edit(request: HttpRequest, case_id: Any, member_id: Any) -> HttpResponse:
    case = person_case(request, case_id, change=True)
    member = selectors.family_member(person=case.person, member_id=member_id)
    form = FamilyMemberForm.for_member(member, posted(request))
    return _form_page(
        request,
        case,
        form,
        title=_("Correct a family member"),
        save=lambda: people.family_member_update(actor=signed_in(request), member=member, **form.cleaned_data),
        done=_("Family member saved."),
        remove_url=reverse("casework:family-remove", args=[case.pk, member.pk]),
    )


@require_POST
def family_remove(request: HttpRequest, case_id: Any, member_id: Any) -> HttpResponse:
    case = person_case(request, case_id, change=True)
    people.family_member_remove(
        actor=signed_in(request), member=selectors.family_member(person=case.person, member_id=member_id)
    )
    messages.success(request, _("Family member removed."))
    return redirect(person_tab(case))


@require_http_methods(["GET", "POST"])
def case_open_for_person(request: HttpRequest, person_id: Any) -> HttpResponse:
    """A new case for a person already registered: from the Person tab, or straight from
    intake's duplicate warning, whose form posts its case fields here (then the case opens at
    once; on a refusal this page shows them with the messages)."""
    user = signed_in(request)
    if not permissions.can_open_case(user):
        raise PermissionDenied(_("Your role cannot open cases."))
    person = permissions.view_person.get(user, Person.objects.filter(merged_into__isnull=True), pk=person_id)
    selectors.record_identity_read(user=user, objects=[person], action=AuditAction.VIEW)
    form = CaseFieldsForm(posted(request))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            case, status = submit(form, cases.case_open, actor=user, person=person, **form.case_values())
            if case is not None:
                messages.success(request, _("A new case was opened for this person."))
                return redirect(person_tab(case))
    existing = permissions.view_case.scope(user).filter(person=person).order_by("-created_at")
    context = {"person": person, "form": form, "cases": list(existing)}
    return render(request, "casework/case_open.html", context, status=status)
