"""Casework pages, mounted under /cases/ (config/urls.py); the dashboard is the site's home."""

from django.urls import path

from casework.views import audit, cases, intake, plan, records, screening, subject_access

app_name = "casework"

urlpatterns = [
    path("", cases.case_list, name="case-list"),
    path("new/", intake.intake, name="intake"),
    path("<uuid:case_id>/", cases.case_detail, name="case-detail"),
    path("<uuid:case_id>/screening/", screening.screening_new, name="screening-new"),
    path("<uuid:case_id>/screening/evaluate/", screening.screening_evaluate, name="screening-evaluate"),
    path("<uuid:case_id>/notes/", records.note_add, name="note-add"),
    path("<uuid:case_id>/services/", records.service_add, name="service-add"),
    path("<uuid:case_id>/services/<uuid:service_id>/status/", records.service_status, name="service-status"),
    path("<uuid:case_id>/plan/", plan.plan_save, name="plan-save"),
    path("<uuid:case_id>/plan/submit/", plan.plan_submit, name="plan-submit"),
    path("<uuid:case_id>/plan/<slug:decision>/", plan.plan_decide, name="plan-decide"),
    path("<uuid:case_id>/follow-ups/<uuid:visit_id>/", records.follow_up_record, name="follow-up-record"),
    path(
        "<uuid:case_id>/follow-ups/<uuid:visit_id>/reschedule/",
        records.follow_up_reschedule,
        name="follow-up-reschedule",
    ),
    path("<uuid:case_id>/closure/", records.closure_request, name="closure-request"),
    path("<uuid:case_id>/steps/<uuid:step_id>/", records.step_update, name="step-update"),
    path("<uuid:case_id>/audit/", audit.case_audit, name="case-audit"),
    path("<uuid:case_id>/subject-access/", subject_access.subject_access, name="subject-access"),
]
