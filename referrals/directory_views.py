"""The directory of services: the list every member of staff reads (filtered by service and
province), the page where a manager keeps their organisation's entry ("Our services"; an admin
any organisation's), and the narrowing of the referral form's recipient list by it."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from accounts.actors import signed_in
from accounts.models import Organisation, Role
from casework.models import Case
from core.errors import NotFound, PermissionDenied
from core.pages import get_or_404, paginate, query_without_page, submit
from core.permissions import has_role
from referrals import partner_directories, permissions, selectors, services
from referrals.forms import FIND, DirectoryEntryForm, DirectoryFilter, ProviderFinder
from referrals.models import DirectoryEntry
from referrals.partner_directories import HERE


# --- The referral form's recipients -------------------------------------------------------------------
def provider_options(request: HttpRequest, case: Case) -> dict[str, Any]:
    """The referral form's recipient list: after "Find providers", the directory's providers of
    the chosen services in the chosen province; otherwise (and to check what is sent or saved)
    every active organisation, so a recipient chosen from the full list is never refused."""
    user = request.user
    finding = request.method == "POST" and request.POST.get("action") == FIND
    narrowed = ProviderFinder(request.POST).narrowed() if finding else None
    providers = None
    if narrowed is not None:
        services_, province = narrowed
        providers = selectors.providers(
            user=user,
            service_types=services_,
            province=province,
            exclude=user.organisation_id,  # type: ignore[union-attr]
        )
    return {"organisation_id": user.organisation_id, "providers": providers}  # type: ignore[union-attr]


def finder_links(request: HttpRequest, form: Any, *, narrowed: bool) -> dict[str, Any]:
    """Whether the list was narrowed, and the link that lists every organisation again with the
    choices kept."""
    chosen = form.cleaned_data if form.is_bound and hasattr(form, "cleaned_data") else form.initial
    query = {
        "show_all": "1",
        "service_types": [getattr(s, "pk", s) for s in chosen.get("service_types") or []],
        "province": getattr(chosen.get("province"), "pk", chosen.get("province")) or "",
    }
    empty = narrowed and not form.fields["to_organisation"].queryset.exists()
    return {"narrowed": narrowed, "empty": empty, "show_all_url": f"{request.path}?{urlencode(query, doseq=True)}"}


# --- The directory ---------------------------------------------------------------------------------------
def _require_reader(request: HttpRequest) -> None:
    if not has_role(request.user, *permissions.DIRECTORY_READERS):
        raise PermissionDenied(_("The directory of services is for staff."))


@require_safe
def directory(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    sources = partner_directories.sources()
    countries = [country for source in sources for country in source.countries(request.user)]
    country = request.GET.get("country", "") if countries else ""
    areas = [
        area
        for source in sources
        if countries
        for area in source.areas(request.user, "" if country == HERE else country)
    ]
    filters = DirectoryFilter(request.GET, countries=countries, areas=areas)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    service, country = chosen.get("service"), chosen.get("country", "")
    entries = selectors.directory(
        user=request.user, service_types=[service] if service else [], province=chosen.get("province")
    )
    page = paginate(request, entries if country in ("", HERE) else entries.none())
    code, area = (service.code if service else ""), chosen.get("area", "")
    partners = [
        {"template": source.template, "groups": source.groups(request.user, country, code, area)}
        for source in sources
        if country != HERE and countries
    ]
    kept = permissions.change_directory_entry.scope(request.user, Organisation.objects.filter(is_active=True))
    context = {
        "filters": filters,
        "page": page,
        "partners": partners,
        "show_local": country in ("", HERE),
        "query": query_without_page(request),
        "editable": set(kept.values_list("pk", flat=True)),
        "without_entry": kept.filter(directory_entry__isnull=True).order_by("name_en")
        if has_role(request.user, Role.ADMIN)
        else [],
        "ours": has_role(request.user, Role.MANAGER) and request.user.organisation_id,  # type: ignore[union-attr]
    }
    return render(request, "referrals/directory.html", context)


@require_safe
def our_services(request: HttpRequest) -> HttpResponse:
    """A manager's own organisation's entry."""
    if not has_role(request.user, Role.MANAGER, Role.ADMIN) or request.user.organisation_id is None:  # type: ignore[union-attr]
        raise PermissionDenied(_("Only managers keep their organisation's entry."))
    return redirect("referrals:directory-edit", pk=request.user.organisation_id)  # type: ignore[union-attr]


@require_http_methods(["GET", "POST"])
def directory_edit(request: HttpRequest, pk: Any) -> HttpResponse:
    """Keep one organisation's entry: the services, the provinces, the capacity, whether it
    accepts referrals now and the office contact."""
    organisation = get_or_404(permissions.change_directory_entry, request.user, Organisation.objects.all(), pk=pk)
    if not organisation.is_active:
        raise NotFound(_("Not found."))
    entry = DirectoryEntry.objects.filter(organisation=organisation).first()
    status = 200
    if request.method == "POST":
        form = DirectoryEntryForm(request.POST)
        status = 400
        if form.is_valid():
            saved, status = submit(
                form,
                services.directory_entry_save,
                actor=signed_in(request),
                organisation=organisation,
                **form.cleaned_data,
            )
            if saved is not None:
                messages.success(request, _("The directory entry is saved."))
                return redirect("referrals:directory-edit", pk=organisation.pk)
    elif entry is None:
        form = DirectoryEntryForm(initial={"accepting": True})
    else:
        form = DirectoryEntryForm(
            initial={
                "service_types": list(entry.service_types.all()),
                "provinces": list(entry.provinces.all()),
                "capacity": entry.capacity,
                "accepting": entry.accepting,
                "phone": entry.phone,
                "email": entry.email,
                "note": entry.note,
            }
        )
    context = {"organisation": organisation, "entry": entry, "form": form}
    return render(request, "referrals/directory_edit.html", context, status=status)
