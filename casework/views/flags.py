"""Risk flags on the case page (the Flags tab), the form to raise one, the form to clear one,
and the bulk form of the case list (the ticked cases flagged at once). Each calls the service
the staff API calls (casework.services.flags)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.actors import signed_in
from casework import extensions, permissions
from casework.flag_forms import FlagClearForm, FlagForm
from casework.models import Case, CaseFlag
from casework.services import flags
from core.errors import PermissionDenied
from core.pages import submit

TAB = "flags"


def flags_tab(request: HttpRequest, case: Case) -> dict[str, Any]:
    user = request.user
    shown = permissions.view_flag.scope(user, CaseFlag.objects.filter(case=case))
    return {
        "open": [flag for flag in shown if flag.cleared_at is None],
        "cleared": [flag for flag in shown if flag.cleared_at is not None],
        "may_change": permissions.raise_flag.allows(user, case),
        "form": FlagForm(),
    }


def _tab_url(case: Case) -> str:
    return reverse("casework:case-detail", args=[case.pk]) + f"?tab={TAB}"


def _flaggable_case(request: HttpRequest, case_id: Any) -> Case:
    case = permissions.view_case.get(request.user, Case.objects.select_related("person"), pk=case_id)
    permissions.raise_flag.require(request.user, case, _("You cannot flag this case."))
    return case


def _page(request: HttpRequest, case: Case, form: Any, save: Any, *, title: str, done: str) -> HttpResponse:
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            _result, status = submit(form, save)
            if status == 200:
                messages.success(request, done)
                return redirect(_tab_url(case))
    context = {"case": case, "person": case.person, "form": form, "title": title}
    return render(request, "casework/flag_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def flag_raise(request: HttpRequest, case_id: Any) -> HttpResponse:
    case = _flaggable_case(request, case_id)
    form = FlagForm(request.POST if request.method == "POST" else None)

    def save() -> Any:
        return flags.case_flag_raise(actor=signed_in(request), case=case, **form.cleaned_data)

    return _page(request, case, form, save, title=_("Raise a risk flag"), done=_("Flag raised."))


@require_http_methods(["GET", "POST"])
def flag_clear(request: HttpRequest, case_id: Any, flag_id: Any) -> HttpResponse:
    case = _flaggable_case(request, case_id)
    flag = permissions.view_flag.get(
        request.user, CaseFlag.objects.filter(case=case, cleared_at__isnull=True), pk=flag_id
    )
    form = FlagClearForm(request.POST if request.method == "POST" else None)

    def save() -> Any:
        return flags.case_flag_clear(actor=signed_in(request), flag=flag, reason=form.cleaned_data["reason"])

    return _page(request, case, form, save, title=_("Clear a risk flag"), done=_("Flag cleared."))


def _errors_to_messages(request: HttpRequest, form: FlagForm) -> None:
    for error in form.non_field_errors():
        messages.error(request, str(error))
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else str(error))


@require_POST
def flag_many(request: HttpRequest) -> HttpResponse:
    """The case list's bulk form: the ticked cases (`cases`), one flag for all, one transaction;
    the cases refused are listed in a message."""
    if not permissions.may_flag_some(request.user):
        raise PermissionDenied(_("You cannot flag cases."))
    form = FlagForm(request.POST)
    back = reverse("casework:case-list")
    result = None
    if form.is_valid():
        result, _status = submit(
            form,
            flags.case_flags_raise_many,
            actor=signed_in(request),
            case_ids=request.POST.getlist("cases"),
            **form.cleaned_data,
        )
    if result is None:
        _errors_to_messages(request, form)
        return redirect(back)
    messages.success(request, _("Cases flagged: %(n)d") % {"n": len(result.flagged)})
    if result.refused:
        codes = ", ".join(result.refused)
        messages.warning(request, _("Not flagged (you may not flag them): %(codes)s") % {"codes": codes})
    if result.not_found:
        messages.warning(request, _("Not flagged (not found): %(n)d") % {"n": result.not_found})
    return redirect(back)


def register() -> None:
    """The Flags tab (called from the app's ready())."""
    extensions.register_case_tab(
        extensions.CaseTab(
            key=TAB,
            label=gettext_lazy("Risk flags"),
            template="casework/tabs/flags.html",
            context=flags_tab,
            position=3,
        )
    )
