"""Linked cases in pages: the case page's "Linked cases" tab (the groups the case is in, with the
other members the reader sees and nothing of the others), the form to link a case with another,
the list of groups, a group's page (add a case, take one out) and its action page (admit, refer or
complete a repatriation step for the whole group in one go, with each case's result). Each calls
the service the staff API calls (casework.services.links and group_actions)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts.actors import signed_in
from casework import extensions, permissions, selectors
from casework.choices import LinkKind
from casework.link_forms import GroupAddForm, LinkForm, UnlinkForm
from casework.models import Case, CaseGroup
from casework.services import group_actions, links
from core.errors import ApplicationError
from core.pages import form_page, paginate, show_error, submit

TAB = "links"


def links_tab(request: HttpRequest, case: Case) -> dict[str, Any]:
    may_link = permissions.move_case.allows(request.user, case)
    return {"groups": selectors.case_groups(user=request.user, case=case), "may_link": may_link, "form": LinkForm()}


def _group(request: HttpRequest, group_id: Any) -> CaseGroup:
    return permissions.view_case_group.get(request.user, CaseGroup.objects.select_related("created_by"), pk=group_id)


def _group_url(group: CaseGroup) -> str:
    return reverse("casework:group-detail", args=[group.pk])


@require_http_methods(["GET", "POST"])
def case_link(request: HttpRequest, case_id: Any) -> HttpResponse:
    case = permissions.view_case.get(request.user, Case.objects.select_related("person"), pk=case_id)
    permissions.move_case.require(request.user, case, _("You cannot link this case."))
    form = LinkForm(request.POST if request.method == "POST" else None)

    def save(data: dict[str, Any]) -> tuple[Any, int]:
        def create() -> CaseGroup:
            other = selectors.link_candidate(user=request.user, code=data["case_code"])
            return links.case_group_create(
                actor=signed_in(request), kind=data["kind"], reason=data["reason"], cases=[case, other]
            )

        return submit(form, create, rename={"cases": "case_code"})

    def saved(group: CaseGroup) -> HttpResponse:
        messages.success(request, _("Cases linked."))
        return redirect(reverse("casework:case-detail", args=[case.pk]) + f"?tab={TAB}")

    context = {"case": case, "person": case.person, "title": _("Link this case with another")}
    return form_page(request, form, save=save, saved=saved, template="casework/link_form.html", context=context)


def group_list(request: HttpRequest) -> HttpResponse:
    groups = permissions.view_case_group.scope(request.user, CaseGroup.objects.all()).order_by("-created_at", "id")
    kind = request.GET.get("kind", "")
    if kind:
        groups = groups.filter(kind=kind)
    page = paginate(request, groups)
    shown = [{"group": group, "members": selectors.group_members(user=request.user, group=group)} for group in page]
    context = {"page": page, "groups": shown, "kind": kind, "kinds": LinkKind.choices}
    return render(request, "casework/group_list.html", context)


def _detail_context(request: HttpRequest, group: CaseGroup) -> dict[str, Any]:
    members = selectors.group_members(user=request.user, group=group)
    return {
        "group": group,
        "members": members,
        "may_change": any(permissions.move_case.allows(request.user, case) for case in members),
        "actions": extensions.group_actions(request.user),
    }


@require_http_methods(["GET", "POST"])
def group_detail(request: HttpRequest, group_id: Any) -> HttpResponse:
    """The group, its members the reader sees; POST adds a case by its code."""
    group = _group(request, group_id)
    form = GroupAddForm(request.POST if request.method == "POST" else None)

    def save(data: dict[str, Any]) -> tuple[Any, int]:
        def add() -> Any:
            other = selectors.link_candidate(user=request.user, code=data["case_code"])
            return links.case_group_add(actor=signed_in(request), group=group, case=other)

        return submit(form, add, rename={"case": "case_code"})

    def saved(_member: Any) -> HttpResponse:
        messages.success(request, _("Case added to the group."))
        return redirect(_group_url(group))

    context = _detail_context(request, group)
    return form_page(request, form, save=save, saved=saved, template="casework/group_detail.html", context=context)


@require_http_methods(["GET", "POST"])
def group_remove(request: HttpRequest, group_id: Any, case_id: Any) -> HttpResponse:
    group = _group(request, group_id)
    case = permissions.view_case.get(
        request.user, Case.objects.select_related("person").filter(group_memberships__group=group), pk=case_id
    )
    form = UnlinkForm(request.POST if request.method == "POST" else None)

    def save(data: dict[str, Any]) -> tuple[Any, int]:
        def remove() -> bool:  # the service answers None, which form_page would take for a refusal
            links.case_group_remove(actor=signed_in(request), group=group, case=case, **data)
            return True

        return submit(form, remove)

    def saved(_result: Any) -> HttpResponse:
        messages.success(request, _("Case taken out of the group."))
        # to the case: the group may be gone from the user's view (fewer than two cases seen)
        return redirect(reverse("casework:case-detail", args=[case.pk]) + f"?tab={TAB}")

    context = {"group": group, "case": case, "title": _("Take a case out of the group")}
    return form_page(request, form, save=save, saved=saved, template="casework/group_remove.html", context=context)


@require_http_methods(["GET", "POST"])
def group_act(request: HttpRequest, group_id: Any) -> HttpResponse:
    """Choose an action (?action=), fill in its fields, tick the cases: one transaction for all;
    the page then lists each case's result, or each refusal with nothing saved."""
    group = _group(request, group_id)
    offered = {action.key: action for action in extensions.group_actions(request.user)}
    chosen = offered.get(request.POST.get("action") or request.GET.get("action") or "")
    members = group_actions.group_cases(request.user, group)  # in the actor's own scope
    form = chosen.form(request.user, request.POST if request.method == "POST" else None) if chosen else None
    context: dict[str, Any] = {"group": group, "offered": offered.values(), "chosen": chosen, "form": form}
    context.update(members=members, ticked={str(case.pk) for case in members}, results=None, refused=None)
    status = 200
    if request.method == "POST" and chosen is not None and form is not None:
        ticked = request.POST.getlist("cases")
        context["ticked"] = set(ticked)
        status = 400
        if form.is_valid():
            try:
                context["results"] = group_actions.case_group_act(
                    actor=signed_in(request), group=group, action=chosen.key, data=form.cleaned_data, case_ids=ticked
                )
                status = 200
            except group_actions.GroupRefused as refusal:
                context["refused"] = refusal.results
            except ApplicationError as error:
                status = show_error(form, error)
    return render(request, "casework/group_act.html", context, status=status)


def register() -> None:
    """The Linked cases tab (called from the app's ready())."""
    extensions.register_case_tab(
        extensions.CaseTab(
            key=TAB,
            label=gettext_lazy("Linked cases"),
            template="casework/tabs/links.html",
            context=links_tab,
            position=6,
        )
    )
