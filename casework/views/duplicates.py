"""Possible duplicates of a registered person, two records side by side, and their merge.

A worker is led here from the Person tab ("Possible duplicates"). Comparing needs what the
duplicate search needs (casework.duplicates: staff who register or manage cases) and both
people in sight; merging is person_merge's rule (a manager of both people's cases), so a
social worker compares and asks, a manager merges after seeing the preview of what is kept."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.actors import signed_in
from accounts.models import AuditAction
from casework import permissions, selectors
from casework.ages import age_on
from casework.duplicates import find_duplicates, may_search
from casework.models import PERSON_IDENTITY_FIELDS, Person
from casework.person_forms import MergeForm, PersonForm
from casework.services.merge import can_merge, merge_preview, person_merge
from casework.views.people import PERSON_RELATED, person_case, person_tab
from core.errors import PermissionDenied
from core.pages import local_name, submit

# The fields compared, in the order of the person form; tier-2 ones only for who may see them.
COMPARED = [name for _legend, names in PersonForm.GROUPS for name in names]


@require_safe
def person_duplicates(request: HttpRequest, case_id: Any) -> HttpResponse:
    case = person_case(request, case_id, change=False)
    person = case.person
    # An estimate is compared as the age it makes today (it was dated when made).
    estimate = None if person.date_of_birth else age_on(person, timezone.localdate())
    report = find_duplicates(  # 403 for roles that may not search
        user=request.user,
        given_name_latin=person.given_name_latin,
        family_name_latin=person.family_name_latin,
        given_name_lo=person.given_name_lo,
        family_name_lo=person.family_name_lo,
        origin_district=person.origin_district_id,
        date_of_birth=person.date_of_birth,
        estimated_age=estimate,
        exclude=person,
    )
    return render(request, "casework/person_duplicates.html", {"case": case, "person": person, "report": report})


def _pair(request: HttpRequest, case_id: Any, person_id: Any) -> tuple[Any, Person]:
    """The case (and its person) and the other record: 404 when either is out of sight."""
    case = person_case(request, case_id, change=False)
    if not may_search(request.user):
        raise PermissionDenied(_("Only staff who register or manage cases can compare records."))
    related = [name.removeprefix("person__") for name in PERSON_RELATED]
    queryset = Person.objects.filter(merged_into__isnull=True).select_related(*related)
    other = permissions.view_person.get(request.user, queryset, pk=person_id)
    selectors.record_identity_read(user=request.user, objects=[other], action=AuditAction.VIEW)
    return case, other


@require_safe
def person_compare(request: HttpRequest, case_id: Any, person_id: Any) -> HttpResponse:
    case, other = _pair(request, case_id, person_id)
    keep = other if request.GET.get("keep") == str(other.pk) else case.person
    return _compare_page(request, case, other, keep, MergeForm(initial={"keep": keep.pk}))


@require_POST
def person_merge_page(request: HttpRequest, case_id: Any, person_id: Any) -> HttpResponse:
    case, other = _pair(request, case_id, person_id)
    if not can_merge(signed_in(request), case.person, other):  # 403 before any form check
        raise PermissionDenied(_("Only a manager of both people's cases can merge their records."))
    form = MergeForm(request.POST)
    status = 400
    keep = case.person
    if form.is_valid():
        chosen = {str(p.pk): p for p in (case.person, other)}.get(str(form.cleaned_data["keep"]))
        if chosen is None:
            form.add_error(None, _("Choose one of the two records to keep."))
        else:
            keep = chosen
            merge = other if keep is case.person else case.person
            kept, status = submit(
                form, person_merge, actor=signed_in(request), keep=keep, merge=merge, reason=form.cleaned_data["reason"]
            )
            if kept is not None:
                messages.success(request, _("The records were merged."))
                return redirect(person_tab(case))
    return _compare_page(request, case, other, keep, form, status=status)


def _compare_page(
    request: HttpRequest, case: Any, other: Person, keep: Person, form: MergeForm, *, status: int = 200
) -> HttpResponse:
    user = request.user
    this = case.person
    merge = other if keep is this else this
    result, filled = merge_preview(keep=keep, merge=merge)
    identity = permissions.view_identity(user, this) and permissions.view_identity(user, other)
    rows = [
        {
            "label": PersonForm.base_fields[name].label,
            "this": _shown(this, name),
            "other": _shown(other, name),
            "result": _shown(result, name),
            "filled": name in filled,
        }
        for name in COMPARED
        if identity or name not in PERSON_IDENTITY_FIELDS
    ]
    visible = permissions.view_case.scope(user)
    moving = list(visible.filter(person=merge).order_by("created_at"))
    context = {
        "case": case,
        "this": this,
        "other": other,
        "keep": keep,
        "merge": merge,
        "identity": identity,
        "rows": rows,
        "moving": moving,
        "moving_unseen": merge.cases.count() - len(moving),
        "family_moving": merge.family.count(),
        "can_merge": can_merge(signed_in(request), keep, merge),
        "form": form,
    }
    return render(request, "casework/person_compare.html", context, status=status)


def _shown(person: Person, name: str) -> str:
    """A field's value as the page shows it."""
    value = getattr(person, name)
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, date):
        return date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, list):
        return ", ".join(value)
    if name == "sex":
        return person.get_sex_display()
    if hasattr(value, "name_en"):
        return local_name(value)
    return str(value)
