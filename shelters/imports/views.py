"""The register import pages, for the operator's managers: upload (with the templates), the
check's result row by row, confirm, progress while a worker runs, and undo.

Shelters are public (tier 0): a shelter the user may not import into is a 403; an import of a
shelter outside their scope is the same 404 as a missing one. A file of up to INLINE_ROWS rows
is checked and imported while the page waits; a larger one by the Celery worker, the page
polling the status URL for its progress bar."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.actors import signed_in
from core.errors import ApplicationError, PermissionDenied
from core.pages import show_error, submit
from shelters import permissions
from shelters.imports import services
from shelters.imports.columns import COLUMNS, LANGUAGES, template
from shelters.imports.models import ImportStatus, RegisterImport
from shelters.models import Shelter

INLINE_ROWS = services.INLINE_ROWS
MAX_UPLOAD = 10 * 1024 * 1024
CONTENT_TYPES = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
TITLES = {column.code: column.title for column in COLUMNS}


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Register file (.xlsx or .csv)"),
        help_text=gettext_lazy("Nothing is written until you have seen the check and confirmed."),
    )


def _importable_shelter(request: HttpRequest, code: str) -> Shelter:
    shelter = get_object_or_404(Shelter.objects.select_related("operator", "province"), code=code)
    if not permissions.import_register.allows(request.user, shelter):
        raise PermissionDenied(_("Only the operator's managers import its registers."))
    return shelter


def _own_import(request: HttpRequest, pk: Any) -> RegisterImport:
    imports = RegisterImport.objects.select_related("shelter", "uploaded_by").defer("content")
    return get_object_or_404(imports.filter(permissions.view_register_import.filter(request.user)), pk=pk)


@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest, code: str) -> HttpResponse:
    shelter = _importable_shelter(request, code)
    status = 200
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        status = 400
        if form.is_valid():
            file = form.cleaned_data["file"]
            if file.size > MAX_UPLOAD:
                form.add_error("file", _("A register file may be at most 10 MB."))
            else:
                register_import, status = submit(
                    form,
                    services.import_upload,
                    actor=signed_in(request),
                    shelter=shelter,
                    filename=file.name,
                    content=file.read(),
                )
                if register_import is not None:
                    services.import_dispatch(register_import)
                    return redirect("shelters:import-detail", pk=register_import.pk)
    recent = shelter.imports.defer("content").select_related("uploaded_by")[:10]
    context = {"shelter": shelter, "form": form, "recent": recent, "languages": LANGUAGES}
    return render(request, "shelters/import_upload.html", context, status=status)


@require_safe
def template_download(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    """The empty register, its titles in the language asked for (?language=lo|en)."""
    _importable_shelter(request, code)
    language = request.GET.get("language", request.LANGUAGE_CODE)
    if language not in LANGUAGES:
        raise Http404
    response = HttpResponse(template(language, fmt), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="register-template-{language}.{fmt}"'
    return response


@require_safe
def detail(request: HttpRequest, pk: Any) -> HttpResponse:
    register_import = _own_import(request, pk)
    return render(request, "shelters/import_detail.html", _detail_context(request, register_import))


def _detail_context(request: HttpRequest, register_import: RegisterImport, **extra: Any) -> dict[str, Any]:
    results = register_import.results
    shown = results if len(results) <= 500 else [row for row in results if row["status"] == "error"][:500]
    for row in shown:
        row["messages"] = [(TITLES.get(column, ""), message) for column, message in row["errors"]]
    return {
        "register_import": register_import,
        "shelter": register_import.shelter,
        "rows": shown,
        "only_errors": len(shown) < len(results),
        "running": register_import.status in services.RUNNING,
        "done": services.progress_of(register_import),
        "can_confirm": register_import.status == ImportStatus.CHECKED
        and not register_import.error_count
        and register_import.skipped_count < register_import.row_count,
        "can_undo": services.undoable(register_import),
        "can_work": permissions.work_shelter.allows(request.user, register_import.shelter),
        "form": UploadForm(),
        **extra,
    }


@require_safe
def status(request: HttpRequest, pk: Any) -> JsonResponse:
    register_import = _own_import(request, pk)
    return JsonResponse(
        {
            "status": register_import.status,
            "done": services.progress_of(register_import),
            "total": register_import.row_count,
        }
    )


@require_POST
def confirm(request: HttpRequest, pk: Any) -> HttpResponse:
    return _act(request, pk, services.import_start, _("Importing the register."), then=services.import_dispatch)


@require_POST
def undo(request: HttpRequest, pk: Any) -> HttpResponse:
    return _act(request, pk, services.import_undo, _("The import was undone."))


def _act(request: HttpRequest, pk: Any, service: Any, done: str, then: Any = None) -> HttpResponse:
    register_import = _own_import(request, pk)
    form = forms.Form(request.POST)
    try:
        register_import = service(actor=signed_in(request), register_import=register_import)
    except ApplicationError as error:
        status = show_error(form, error)
        context = _detail_context(request, register_import, action_form=form)
        return render(request, "shelters/import_detail.html", context, status=status)
    if then is not None:
        then(register_import)
    messages.success(request, done)
    return redirect("shelters:import-detail", pk=register_import.pk)
