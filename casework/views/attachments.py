"""The case page's Files tab: the files of the case and of its person the user may read, the
upload form, each file's download link and its deletion with a reason. The download is served
by the application after the permission check of that moment (casework.services.attachments)."""

from __future__ import annotations

from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.actors import signed_in
from casework import extensions, selectors
from casework.attachment_forms import AttachmentDeleteForm, AttachmentForm, owner_choices
from casework.attachment_permissions import delete_attachment, view_attachment
from casework.services import attachments
from casework.views.cases import render_case, row_form
from core import uploads
from core.errors import ApplicationError, PermissionDenied
from core.pages import show_error

TAB = "attachments"
# A downloaded file is never rendered by the browser as a page of ours: no script, no plugin,
# no frame, no type guessing.
DOWNLOAD_CSP = "default-src 'none'; sandbox; frame-ancestors 'none'; form-action 'none'; base-uri 'none'"


def tab_context(request: HttpRequest, case: Any, sent: django_forms.Form | None = None) -> dict[str, Any]:
    user = request.user
    files = list(
        view_attachment.scope(user)
        .filter(Q(case=case) | Q(case__isnull=True, person=case.person))
        .select_related("added_by")
    )
    labels = {owner.key: owner.label for owner in extensions.attachment_owners()}
    owners = owner_choices(user, case)
    return {
        "attachments": [
            (
                attachment,
                labels.get(attachment.owner_type, ""),
                row_form(AttachmentDeleteForm, f"delete-{attachment.pk}", sent)
                if delete_attachment.allows(user, attachment)
                else None,
            )
            for attachment in files
        ],
        "attachment_form": AttachmentForm(owners=owners) if owners else None,
    }


@require_POST
def attachment_upload(request: HttpRequest, case_id: Any) -> HttpResponse:
    case = selectors.case_detail(user=request.user, case_id=case_id)  # 404 outside scope
    owners = owner_choices(request.user, case)
    if not owners:  # seen, but nothing on it the user may add to: 403 before any form check
        raise PermissionDenied(_("You cannot add files to this case."))
    form = AttachmentForm(request.POST, request.FILES, owners=owners)
    status = 400
    if form.is_valid():
        key, pk = form.owner_parts()
        try:
            attachments.attachment_add(
                actor=signed_in(request),
                owner_type=key,
                owner_id=pk,
                kind=form.cleaned_data["kind"],
                description=form.cleaned_data["description"],
                file=form.cleaned_data["file"],
            )
        except ApplicationError as error:
            status = show_error(form, error, rename={"owner_type": "owner"})
        else:
            messages.success(request, _("File attached."))
            return redirect(reverse("casework:case-detail", args=[case.pk]) + f"?tab={TAB}")
    return render_case(request, case, TAB, forms_sent={"attachment_form": form}, status=status)


@require_POST
def attachment_delete(request: HttpRequest, attachment_id: Any) -> HttpResponse:
    attachment = view_attachment.get(request.user, pk=attachment_id)  # 404 when not readable
    delete_attachment.require(request.user, attachment, _("You cannot delete this file."))
    form = AttachmentDeleteForm(request.POST, prefix=f"delete-{attachment.pk}")
    case = attachment.case or attachment.person.cases.order_by("-identified_on", "pk").first()
    assert case is not None  # a person is registered with their first case
    status = 400
    if form.is_valid():
        try:
            attachments.attachment_delete(
                actor=signed_in(request), attachment_id=attachment.pk, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as error:
            status = show_error(form, error)
        else:
            messages.success(request, _("File deleted."))
            return redirect(reverse("casework:case-detail", args=[case.pk]) + f"?tab={TAB}")
    case = selectors.case_detail(user=request.user, case_id=case.pk)
    return render_case(request, case, TAB, forms_sent={"sent_row": form}, status=status)


@require_safe
def attachment_download(request: HttpRequest, attachment_id: Any) -> HttpResponse:
    attachment, content = attachments.attachment_read(actor=signed_in(request), attachment_id=attachment_id)
    return file_response(attachment, content)


def file_response(attachment: Any, content: bytes) -> HttpResponse:
    """The file as a download: never shown inline, never sniffed, never cached, no active content."""
    response = HttpResponse(content, content_type=attachment.content_type)
    day = timezone.localdate(attachment.added_at).isoformat()
    extension = uploads.EXTENSIONS.get(attachment.content_type, "bin")
    response["Content-Disposition"] = f'attachment; filename="{attachment.kind}-{day}.{extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = DOWNLOAD_CSP
    response["Cache-Control"] = "no-store"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response._csp_exempt = True  # type: ignore[attr-defined]  # django-csp: keep DOWNLOAD_CSP as it is
    return response
