"""Casework pages, mounted under /cases/ (config/urls.py); the dashboard is the site's home."""

from django.urls import path

from casework.views import (
    attachments,
    audit,
    case_admin,
    cases,
    duplicates,
    flags,
    intake,
    journey,
    links,
    people,
    plan,
    records,
    repatriation,
    screening,
    subject_access,
    transfers,
)

app_name = "casework"

urlpatterns = [
    path("", cases.case_list, name="case-list"),
    path("new/", intake.intake, name="intake"),
    path("transfers/", transfers.transfer_inbox, name="transfers"),
    path("transfers/<uuid:transfer_id>/<slug:decision>/", transfers.transfer_decide, name="transfer-decide"),
    path("<uuid:case_id>/", cases.case_detail, name="case-detail"),
    path("<uuid:case_id>/edit/", case_admin.case_edit, name="case-edit"),
    path("<uuid:case_id>/assign/", case_admin.case_assign, name="case-assign"),
    path("<uuid:case_id>/shares/", case_admin.case_shares, name="case-shares"),
    path("<uuid:case_id>/shares/<uuid:share_id>/revoke/", case_admin.share_revoke, name="share-revoke"),
    path("<uuid:case_id>/transfer/", transfers.case_transfer, name="case-transfer"),
    path("<uuid:case_id>/transfer/<uuid:transfer_id>/cancel/", transfers.transfer_cancel, name="transfer-cancel"),
    path("<uuid:case_id>/reopen/", case_admin.reopen_request, name="reopen-request"),
    path("<uuid:case_id>/screening/", screening.screening_new, name="screening-new"),
    path("<uuid:case_id>/screening/evaluate/", screening.screening_evaluate, name="screening-evaluate"),
    path(
        "<uuid:case_id>/screenings/<uuid:screening_id>/confirm/", screening.screening_confirm, name="screening-confirm"
    ),
    path("<uuid:case_id>/screenings/<uuid:screening_id>/opt-in/", screening.screening_opt_in, name="screening-opt-in"),
    path("<uuid:case_id>/notes/", records.note_add, name="note-add"),
    path("<uuid:case_id>/attachments/", attachments.attachment_upload, name="attachment-upload"),
    path("attachments/<uuid:attachment_id>/", attachments.attachment_download, name="attachment-download"),
    path("attachments/<uuid:attachment_id>/delete/", attachments.attachment_delete, name="attachment-delete"),
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
    path("<uuid:case_id>/steps/<uuid:step_id>/", repatriation.step_update, name="step-update"),
    path("<uuid:case_id>/repatriations/", repatriation.repatriation_start, name="repatriation-start"),
    *[
        path(f"<uuid:case_id>/repatriations/<uuid:repatriation_id>/{slug}/", view, name=f"repatriation-{slug}")
        for slug, view in (
            ("family-assessment", repatriation.family_assessment),
            ("return-decision", repatriation.return_decision),
            ("await-legal-proceedings", repatriation.await_legal_proceedings),
            ("resume", repatriation.resume),
            ("cancel", repatriation.cancel),
        )
    ],
    path("<uuid:case_id>/flags/new/", flags.flag_raise, name="flag-raise"),
    path("<uuid:case_id>/flags/<uuid:flag_id>/clear/", flags.flag_clear, name="flag-clear"),
    path("flags/many/", flags.flag_many, name="flag-many"),
    path("<uuid:case_id>/links/new/", links.case_link, name="case-link"),
    path("groups/", links.group_list, name="group-list"),
    path("groups/<uuid:group_id>/", links.group_detail, name="group-detail"),
    path("groups/<uuid:group_id>/act/", links.group_act, name="group-act"),
    path("groups/<uuid:group_id>/remove/<uuid:case_id>/", links.group_remove, name="group-remove"),
    path("<uuid:case_id>/journey/new/<slug:stage>/", journey.journey_add, name="journey-add"),
    path("<uuid:case_id>/journey/<uuid:event_id>/", journey.journey_edit, name="journey-edit"),
    path("<uuid:case_id>/journey/<uuid:event_id>/remove/", journey.journey_remove, name="journey-remove"),
    path("<uuid:case_id>/audit/", audit.case_audit, name="case-audit"),
    path("<uuid:case_id>/subject-access/", subject_access.subject_access, name="subject-access"),
    path("<uuid:case_id>/subject-access.zip", subject_access.subject_access_zip, name="subject-access-zip"),
    # The person and their family (the Person tab's links), a second case, duplicates
    path("<uuid:case_id>/person/", people.person_edit, name="person-edit"),
    path("<uuid:case_id>/family/", people.family_add, name="family-add"),
    path("<uuid:case_id>/family/<uuid:member_id>/", people.family_edit, name="family-edit"),
    path("<uuid:case_id>/family/<uuid:member_id>/remove/", people.family_remove, name="family-remove"),
    path("people/<uuid:person_id>/new-case/", people.case_open_for_person, name="person-case-open"),
    path("<uuid:case_id>/duplicates/", duplicates.person_duplicates, name="person-duplicates"),
    path("<uuid:case_id>/duplicates/<uuid:person_id>/", duplicates.person_compare, name="person-compare"),
    path("<uuid:case_id>/duplicates/<uuid:person_id>/merge/", duplicates.person_merge_page, name="person-merge"),
]
