"""The staff API of documents: each printable document of a case as a PDF download, checked
against the caller's permissions at that moment and audited in the same transaction, like the
pages' downloads (documents.views). Mounted under /api/v1/."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.views import APIView

from accounts.actors import signed_in
from documents import selectors, services
from documents.views import pdf_response

PDF = OpenApiResponse(
    response=OpenApiTypes.BINARY,
    description="The PDF (A4, Lao or English as the request's language), as an attachment.",
)
DENIED = {404: OpenApiResponse(description="Missing, or not yours (the two are indistinguishable).")}


class DocumentView(APIView):
    kind = ""
    summary = ""

    def download(self, request: Request, case_id: Any, object_id: Any = None) -> HttpResponse:
        user = signed_in(request)
        case = selectors.case_for(user=user, case_id=case_id)
        build = selectors.builder(self.kind, user=user, case=case, object_id=object_id)
        document, data = services.document_issue(actor=user, case=case, build=build)
        return pdf_response(document, data)


def schema(summary: str) -> Any:
    return extend_schema(tags=["documents"], summary=summary, responses={(200, "application/pdf"): PDF, **DENIED})


class CaseSummaryPdf(DocumentView):
    kind = "case_summary"

    @schema("The case summary, with what the caller may see of it")
    def get(self, request: Request, case_id: Any) -> HttpResponse:
        return self.download(request, case_id)


class ReferralLetterPdf(DocumentView):
    kind = "referral_letter"

    @schema("A referral letter for a partner without Pathway")
    def get(self, request: Request, case_id: Any, referral_id: Any) -> HttpResponse:
        return self.download(request, case_id, referral_id)


class RepatriationFilePdf(DocumentView):
    kind = "repatriation_file"

    @schema("The repatriation file of a return (person, verification, family assessment, handover)")
    def get(self, request: Request, case_id: Any, repatriation_id: Any) -> HttpResponse:
        return self.download(request, case_id, repatriation_id)


class ConsentFormPdf(DocumentView):
    kind = "consent_form"

    @schema("A consent form pre-filled for signature, with its signature and seal when signed")
    def get(self, request: Request, case_id: Any, consent_id: Any) -> HttpResponse:
        return self.download(request, case_id, consent_id)


urlpatterns = [
    path("cases/<uuid:case_id>/documents/summary.pdf", CaseSummaryPdf.as_view(), name="document-case-summary"),
    path(
        "cases/<uuid:case_id>/documents/referrals/<uuid:referral_id>.pdf",
        ReferralLetterPdf.as_view(),
        name="document-referral-letter",
    ),
    path(
        "cases/<uuid:case_id>/documents/repatriations/<uuid:repatriation_id>.pdf",
        RepatriationFilePdf.as_view(),
        name="document-repatriation-file",
    ),
    path(
        "cases/<uuid:case_id>/documents/consents/<uuid:consent_id>.pdf",
        ConsentFormPdf.as_view(),
        name="document-consent-form",
    ),
]
