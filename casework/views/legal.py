"""The Legal tab of the case page (the perpetrators linked to the case, for those who may see
them; the legal proceedings and their hearings) and the perpetrator pages: record one, link a
known one, correct one's record or part in this case, take one off the case, and the
perpetrator's own page with the cases linked to them that the reader may see. Each write calls
the service the staff API calls (casework.services.perpetrators); proceedings: views/proceedings.py."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.actors import signed_in
from casework import extensions, legal_permissions, permissions, selectors, transitions
from casework.choices import PerpetratorRole, VictimSupport
from casework.legal_forms import KnownPerpetratorForm, PerpetratorForm, ProceedingMoveForm
from casework.models import Case
from casework.services import perpetrators
from core.pages import form_page, submit

TAB = "legal"


def labels(choices: Any, codes: list[str]) -> list[str]:
    """Codes of a choice list as labels in the page's language (an unknown code as it is)."""
    names = dict(choices)
    return [str(names.get(code, code)) for code in codes]


def legal_tab(request: HttpRequest, case: Case) -> dict[str, Any]:
    """Perpetrators only for their readers (None hides the section); the proceedings for everyone
    who sees the case, each with its move form for those who may change them."""
    user = request.user
    links = selectors.case_perpetrators(user=user, case=case)
    may_change = legal_permissions.change_proceeding.allows(user, case)

    def move_form(proceeding: Any) -> ProceedingMoveForm | None:
        if not (may_change and transitions.PROCEEDING.targets(proceeding.stage)):
            return None
        return ProceedingMoveForm(current=proceeding.stage, prefix=str(proceeding.pk))

    return {
        "perpetrators": None
        if links is None
        else [{"link": link, "roles": labels(PerpetratorRole.choices, link.roles)} for link in links],
        "may_change_perpetrators": legal_permissions.change_perpetrators.allows(user, case),
        "proceedings": [
            {
                "proceeding": proceeding,
                "support": labels(VictimSupport.choices, proceeding.support),
                "move_form": move_form(proceeding),
            }
            for proceeding in selectors.case_proceedings(user=user, case=case)
        ],
        "may_change_proceedings": may_change,
    }


def tab_url(case: Case) -> str:
    return reverse("casework:case-detail", args=[case.pk]) + f"?tab={TAB}"


def changeable(request: HttpRequest, case_id: Any, permission: Any, message: str) -> Case:
    case = permissions.view_case.get(request.user, Case.objects.select_related("person"), pk=case_id)
    permission.require(request.user, case, message)
    return case


def legal_page(
    request: HttpRequest, case: Case, form: Any, save: Any, *, title: str, done: str, remove_url: str = ""
) -> HttpResponse:
    """A form of the Legal tab: the service's refusal beside the fields, back to the tab when saved."""

    def saved(_result: Any) -> HttpResponse:
        messages.success(request, done)
        return redirect(tab_url(case))

    context = {"case": case, "person": case.person, "title": title, "remove_url": remove_url}
    return form_page(
        request,
        form,
        save=lambda data: submit(form, save, data),
        saved=saved,
        template="casework/legal_form.html",
        context=context,
    )


def _perpetrator_case(request: HttpRequest, case_id: Any) -> Case:
    return changeable(
        request, case_id, legal_permissions.change_perpetrators, _("You cannot record this case's perpetrators.")
    )


def _data(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


@require_http_methods(["GET", "POST"])
def perpetrator_add(request: HttpRequest, case_id: Any) -> HttpResponse:
    case = _perpetrator_case(request, case_id)

    def save(data: dict[str, Any]) -> Any:
        return perpetrators.perpetrator_add(actor=signed_in(request), case=case, **data)

    form = PerpetratorForm(_data(request))
    return legal_page(request, case, form, save, title=_("Record a perpetrator"), done=_("Perpetrator recorded."))


@require_http_methods(["GET", "POST"])
def perpetrator_link(request: HttpRequest, case_id: Any) -> HttpResponse:
    case = _perpetrator_case(request, case_id)
    known = selectors.known_perpetrators(user=request.user, case=case)

    def save(data: dict[str, Any]) -> Any:
        perpetrator = legal_permissions.view_perpetrator.get(request.user, pk=data.pop("perpetrator"))
        return perpetrators.perpetrator_link(actor=signed_in(request), case=case, perpetrator=perpetrator, **data)

    form = KnownPerpetratorForm(_data(request), known=known)
    title = _("Link a perpetrator already recorded")
    return legal_page(request, case, form, save, title=title, done=_("Perpetrator linked to this case."))


@require_http_methods(["GET", "POST"])
def perpetrator_edit(request: HttpRequest, case_id: Any, link_id: Any) -> HttpResponse:
    case = _perpetrator_case(request, case_id)
    link = selectors.perpetrator_link(user=request.user, case=case, link_id=link_id)
    perpetrator = link.perpetrator
    initial = {name: getattr(perpetrator, name) for name in perpetrators.RECORD_FIELDS}
    initial.update(nationality=perpetrator.nationality_id, roles=link.roles, relation=link.relation)

    def save(data: dict[str, Any]) -> Any:
        return perpetrators.perpetrator_update(actor=signed_in(request), link=link, **data)

    form = PerpetratorForm(_data(request), initial=initial)
    remove_url = reverse("casework:perpetrator-unlink", args=[case.pk, link.pk])
    title = _("Correct a perpetrator's record")
    return legal_page(request, case, form, save, title=title, done=_("Perpetrator saved."), remove_url=remove_url)


@require_POST
def perpetrator_unlink(request: HttpRequest, case_id: Any, link_id: Any) -> HttpResponse:
    case = _perpetrator_case(request, case_id)
    link = selectors.perpetrator_link(user=request.user, case=case, link_id=link_id)
    perpetrators.perpetrator_unlink(actor=signed_in(request), link=link)
    messages.success(request, _("Perpetrator taken off this case."))
    return redirect(tab_url(case))


@require_GET
def perpetrator_detail(request: HttpRequest, perpetrator_id: Any) -> HttpResponse:
    perpetrator, links = selectors.perpetrator_detail(user=request.user, perpetrator_id=perpetrator_id)
    shown = [{"link": link, "roles": labels(PerpetratorRole.choices, link.roles)} for link in links]
    return render(request, "casework/perpetrator_detail.html", {"perpetrator": perpetrator, "links": shown})


def register() -> None:
    """The Legal tab, after the journey (called from the app's ready())."""
    extensions.register_case_tab(
        extensions.CaseTab(
            key=TAB, label=gettext_lazy("Legal"), template="casework/tabs/legal.html", context=legal_tab, position=3
        )
    )
