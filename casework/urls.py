"""Casework pages, mounted under /cases/ (config/urls.py); the dashboard is the site's home."""

from django.urls import path

from casework.views import audit, cases, intake, records, screening, subject_access

app_name = "casework"

urlpatterns = [
    path("", cases.case_list, name="case-list"),
    path("new/", intake.intake, name="intake"),
    path("<uuid:case_id>/", cases.case_detail, name="case-detail"),
    path("<uuid:case_id>/screening/", screening.screening_new, name="screening-new"),
    path("<uuid:case_id>/screening/evaluate/", screening.screening_evaluate, name="screening-evaluate"),
    path(
        "<uuid:case_id>/screenings/<uuid:screening_id>/confirm/", screening.screening_confirm, name="screening-confirm"
    ),
    path("<uuid:case_id>/screenings/<uuid:screening_id>/opt-in/", screening.screening_opt_in, name="screening-opt-in"),
    path("<uuid:case_id>/notes/", records.note_add, name="note-add"),
    path("<uuid:case_id>/services/", records.service_add, name="service-add"),
    path("<uuid:case_id>/closure/", records.closure_request, name="closure-request"),
    path("<uuid:case_id>/steps/<uuid:step_id>/", records.step_update, name="step-update"),
    path("<uuid:case_id>/audit/", audit.case_audit, name="case-audit"),
    path("<uuid:case_id>/subject-access/", subject_access.subject_access, name="subject-access"),
]
