"""Documents pages, mounted under /cases/ (config/urls.py) beside the case page."""

from django.urls import path

from documents import views

app_name = "documents"

urlpatterns = [
    path("<uuid:case_id>/documents/", views.case_documents, name="case-documents"),
    path("<uuid:case_id>/documents/summary/", views.case_summary_print, name="case-summary-print"),
    path("<uuid:case_id>/documents/summary.pdf", views.case_summary_pdf, name="case-summary-pdf"),
    path(
        "<uuid:case_id>/documents/referrals/<uuid:referral_id>.pdf",
        views.referral_letter_pdf,
        name="referral-letter-pdf",
    ),
    path(
        "<uuid:case_id>/documents/repatriations/<uuid:repatriation_id>.pdf",
        views.repatriation_file_pdf,
        name="repatriation-file-pdf",
    ),
    path(
        "<uuid:case_id>/documents/repatriations/<uuid:repatriation_id>/sign/",
        views.sign_handover,
        name="sign-handover",
    ),
    path("<uuid:case_id>/documents/consents/<uuid:consent_id>.pdf", views.consent_form_pdf, name="consent-form-pdf"),
    path("<uuid:case_id>/documents/consents/<uuid:consent_id>/sign/", views.sign_consent, name="sign-consent"),
]
