"""The documents pages of a case (mounted under /cases/<id>/documents/): the list of what can be
printed, the case summary's print page, the PDF downloads and the on-screen signature of a
consent or a handover. Every request asks the permissions again and audits what it shows."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from accounts.actors import signed_in
from casework import permissions
from casework.models import Case, RepatriationStep
from core.errors import PermissionDenied
from core.pages import submit
from documents import selectors, services
from documents.content import Document
from documents.models import SignatureMethod, SignerRole
from documents.seal import is_sealed, signatures_of
from referrals.models import Consent


def pdf_response(document: Document, data: bytes) -> HttpResponse:
    """A PDF to save, never to show inline: attachment, no sniffing, no caching, no scripts."""
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{document.filename()}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def download(request: HttpRequest, case_id: Any, kind: str, object_id: Any = None) -> HttpResponse:
    user = signed_in(request)
    case = selectors.case_for(user=user, case_id=case_id)
    build = selectors.builder(kind, user=user, case=case, object_id=object_id)
    document, data = services.document_issue(actor=user, case=case, build=build)
    return pdf_response(document, data)


@require_safe
def case_summary_pdf(request: HttpRequest, case_id: Any) -> HttpResponse:
    return download(request, case_id, "case_summary")


@require_safe
def referral_letter_pdf(request: HttpRequest, case_id: Any, referral_id: Any) -> HttpResponse:
    return download(request, case_id, "referral_letter", referral_id)


@require_safe
def repatriation_file_pdf(request: HttpRequest, case_id: Any, repatriation_id: Any) -> HttpResponse:
    return download(request, case_id, "repatriation_file", repatriation_id)


@require_safe
def consent_form_pdf(request: HttpRequest, case_id: Any, consent_id: Any) -> HttpResponse:
    return download(request, case_id, "consent_form", consent_id)


@require_safe
def case_documents(request: HttpRequest, case_id: Any) -> HttpResponse:
    """What can be printed or signed for this case (links only: each download is audited)."""
    user = signed_in(request)
    case = selectors.case_for(user=user, case_id=case_id)
    context = {"case": case, **selectors.case_documents(user=user, case=case)}
    return render(request, "documents/case_documents.html", context)


@require_safe
def case_summary_print(request: HttpRequest, case_id: Any) -> HttpResponse:
    """The case summary as a page made for printing on A4 (static/css/print.css): no menu, the
    same sections as the PDF, the same reader's tiers, the same audit row."""
    user = signed_in(request)
    case = selectors.case_for(user=user, case_id=case_id)
    document, _data = services.document_issue(
        actor=user, case=case, build=selectors.builder("case_summary", user=user, case=case), as_pdf=False
    )
    return render(request, "documents/case_summary_print.html", {"case": case, "document": document})


class SignatureForm(forms.Form):
    signer_name = forms.CharField(label=gettext_lazy("Name of the person who signs"), max_length=200)
    signer_role = forms.ChoiceField(label=gettext_lazy("Who signs"), choices=SignerRole.choices)
    image = forms.CharField(widget=forms.HiddenInput, required=False)


class PaperSignatureForm(forms.Form):
    """The second way to sign: the scan of the printed form, signed on paper."""

    signer_name = forms.CharField(label=gettext_lazy("Name of the person who signs"), max_length=200)
    signer_role = forms.ChoiceField(label=gettext_lazy("Who signs"), choices=SignerRole.choices)
    file = forms.FileField(
        label=gettext_lazy("Scan of the signed form"),
        help_text=gettext_lazy("PDF, JPEG, PNG or HEIC. Kept encrypted with the case's files."),
        allow_empty_file=True,  # the attachments service says why an empty file is refused
    )

    prefix = "paper"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".pdf,.jpg,.jpeg,.png,.heic,image/*"


def _sign(request: HttpRequest, case: Case, record: Consent | RepatriationStep, title: str, back: str) -> HttpResponse:
    user = signed_in(request)
    if not permissions.change_case.allows(user, case):
        raise PermissionDenied(_("Only the case's workers record a signature."))
    on_paper = request.method == "POST" and request.POST.get("method") == SignatureMethod.PAPER
    form = SignatureForm(request.POST if request.method == "POST" and not on_paper else None)
    paper_form = PaperSignatureForm(request.POST if on_paper else None, request.FILES if on_paper else None)
    status = 200
    if request.method == "POST":
        status = 400
        chosen = paper_form if on_paper else form
        if chosen.is_valid():
            data = chosen.cleaned_data
            signature, status = submit(
                chosen,
                services.signature_record,
                actor=user,
                record=record,
                signer_name=data["signer_name"],
                signer_role=data["signer_role"],
                image=data.get("image", ""),
                method=SignatureMethod.PAPER if on_paper else SignatureMethod.DRAWN,
                file=data.get("file"),
            )
            if signature is not None:
                messages.success(request, _("Signed. The record is sealed with its signature."))
                return redirect(back)
    signatures = signatures_of(record)
    latest = signatures[0] if signatures else None
    context = {
        "case": case,
        "form": form,
        "paper_form": paper_form,
        "title": title,
        "back": back,
        "latest": latest,
        "sealed": latest is not None and is_sealed(latest, record),
    }
    return render(request, "documents/sign.html", context, status=status)


def documents_url(case: Case) -> str:
    return reverse("documents:case-documents", args=[case.pk])


@require_http_methods(["GET", "POST"])
def sign_consent(request: HttpRequest, case_id: Any, consent_id: Any) -> HttpResponse:
    user = signed_in(request)
    case = selectors.case_for(user=user, case_id=case_id)
    consent = selectors.consent_for(user=user, case=case, consent_id=consent_id)
    return _sign(request, case, consent, _("Sign the consent"), documents_url(case))


@require_http_methods(["GET", "POST"])
def sign_handover(request: HttpRequest, case_id: Any, repatriation_id: Any) -> HttpResponse:
    user = signed_in(request)
    case = selectors.case_for(user=user, case_id=case_id)
    trip = selectors.repatriation_for(user=user, case=case, repatriation_id=repatriation_id)
    return _sign(request, case, selectors.handover_of(trip), _("Sign the handover"), documents_url(case))
