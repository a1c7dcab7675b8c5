"""The casework pages through the Django test client: what each page shows to whom, the audit
rows that reading identity and tier-3 notes leaves, form errors next to their fields with the
input kept, and bounded query counts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditAction, AuditEvent, Role
from casework.models import Case, CaseNote, Screening, Service, ServiceType
from casework.names import name_filter
from casework.services import assistance, cases, repatriation
from tests.factories import make_user, open_case

pytestmark = pytest.mark.django_db

SECRET = "Synthetic counselling detail QX81."
HEALTH_NOTE = "Synthetic clinic visit 55B."


def detail(case, tab="person"):
    return reverse("casework:case-detail", args=[case.pk]) + f"?tab={tab}"


@pytest.fixture
def counselled(people, orgs):
    """An LWU case of the counsellor's, shared with police: one tier-3 note, one general note,
    one health service."""
    counsellor = people.counsellor
    lwu_case = open_case(counsellor)
    cases.case_share(actor=counsellor, case=lwu_case, organisation=orgs.police, purpose="investigation")
    assistance.note_add(actor=counsellor, case=lwu_case, kind="counselling", text=SECRET)
    assistance.note_add(actor=counsellor, case=lwu_case, text="Met at the border office.")
    health = ServiceType.objects.filter(health=True, active=True).first()
    assistance.service_add(actor=counsellor, case=lwu_case, service_type=health, notes=HEALTH_NOTE)
    return lwu_case


def audit_rows(user, action, object_type):
    return AuditEvent.objects.filter(actor=user, action=action, object_type=object_type)


# --- Case list ---------------------------------------------------------------------------------
def test_the_case_list_filters_and_logs_the_identities_it_shows(client, people, case, django_assert_max_num_queries):
    other = open_case(people.social_worker, category="rape")
    client.force_login(people.social_worker)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("casework:case-list"), {"category": "rape"})
    html = page.content.decode()
    assert page.status_code == 200
    assert other.person.case_code in html and case.person.case_code not in html
    listed = audit_rows(people.social_worker, AuditAction.LIST, "casework.person")
    assert list(listed.values_list("object_id", flat=True)) == [str(other.person_id)]


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ({"status": "active"}, True),
        ({"status": "closed"}, False),
        ({"assigned_worker": "sw"}, True),
        ({"category": "trafficking", "status": "open"}, False),
        ({"province": "VT"}, True),
        ({"province": "SV"}, False),
    ],
)
def test_the_case_list_filters(client, people, case, query, shown):
    client.force_login(people.social_worker)
    html = client.get(reverse("casework:case-list"), query).content.decode()
    assert (case.person.case_code in html) is shown


def test_a_name_search_is_logged_without_the_name(client, people, case):
    client.force_login(people.social_worker)
    html = client.get(reverse("casework:case-list"), {"search": "Synthetic"}).content.decode()
    assert case.person.case_code in html
    row = audit_rows(people.social_worker, AuditAction.LIST, "casework.person").get(fields=["name_search"])
    assert "Synth" not in row.reason
    client.get(reverse("casework:case-list"), {"search": case.person.case_code})
    assert (
        audit_rows(people.social_worker, AuditAction.LIST, "casework.person").filter(fields=["name_search"]).count()
        == 1
    )


def test_the_case_list_pages_25_at_a_time(client, people):
    for _ in range(26):
        open_case(people.social_worker)
    client.force_login(people.social_worker)
    first = client.get(reverse("casework:case-list")).content.decode()
    assert first.count('class="card"') == 25 and "Page 1 of 2" in first
    second = client.get(reverse("casework:case-list"), {"page": 2}).content.decode()
    assert second.count('class="card"') == 1


def test_other_provinces_cases_are_not_listed(client, people, case):
    client.force_login(people.outsider)
    assert case.person.case_code not in client.get(reverse("casework:case-list")).content.decode()


# --- Case page ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "tab", ["person", "screening", "services", "notes", "stays", "referrals", "repatriation", "history"]
)
def test_every_tab_renders_in_bounded_queries(client, people, case, tab, django_assert_max_num_queries):
    client.force_login(people.social_worker)
    with django_assert_max_num_queries(25):
        response = client.get(detail(case, tab))
    assert response.status_code == 200
    assert f'href="?tab={tab}" aria-current="page"' in response.content.decode()


def test_reading_the_case_page_logs_the_identity_read(client, people, case):
    client.force_login(people.social_worker)
    html = client.get(detail(case)).content.decode()
    assert "Noy" in html
    assert (
        audit_rows(people.social_worker, AuditAction.VIEW, "casework.person")
        .filter(object_id=str(case.person_id))
        .exists()
    )


def test_a_case_out_of_scope_is_404(client, people, case):
    client.force_login(people.outsider)
    assert client.get(detail(case)).status_code == 404
    assert client.get(reverse("casework:screening-new", args=[case.pk])).status_code == 404


def test_police_never_get_counselling_notes_or_health_services(client, people, counselled):
    client.force_login(people.police)
    notes = client.get(detail(counselled, "notes")).content.decode()
    assert "Met at the border office." in notes
    assert SECRET not in notes
    services = client.get(detail(counselled, "services")).content.decode()
    assert HEALTH_NOTE not in services and Service.objects.filter(case=counselled).count() == 1
    assert not audit_rows(people.police, AuditAction.VIEW, "casework.casenote").exists()


def test_the_assigned_counsellor_reads_tier_3_and_it_is_logged(client, people, counselled):
    client.force_login(people.counsellor)
    assert SECRET in client.get(detail(counselled, "notes")).content.decode()
    note = CaseNote.objects.get(case=counselled, kind="counselling")
    assert audit_rows(people.counsellor, AuditAction.VIEW, "casework.casenote").get(object_id=str(note.pk)).fields == [
        "text"
    ]


# --- Intake ------------------------------------------------------------------------------------
INTAKE = {
    "given_name_latin": "Kham",
    "family_name_latin": "Testperson",
    "sex": "female",
    "date_of_birth": "2010-01-05",
    "category": "trafficking",
    "identification_route": "police",
    "identified_on": "2026-03-01",
}


def test_intake_registers_a_person_and_opens_an_assigned_case(client, people):
    client.force_login(people.social_worker)
    response = client.post(reverse("casework:intake"), INTAKE)
    case = Case.objects.get(name_filter("Testperson", "person__"))
    assert response.status_code == 302 and response["Location"].startswith(f"/cases/{case.pk}/")
    assert case.assigned_worker == people.social_worker and case.child_at_identification


def test_intake_keeps_the_input_and_puts_errors_next_to_fields(client, people):
    client.force_login(people.social_worker)
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = client.post(reverse("casework:intake"), {**INTAKE, "sex": "", "identified_on": future})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'value="Testperson"' in html
    assert 'id="id_sex_error"' in html
    # The service's rule (a date in the future), shown beside the field it concerns.
    response = client.post(reverse("casework:intake"), {**INTAKE, "identified_on": future})
    assert 'id="id_identified_on_error"' in response.content.decode()
    assert "This date is in the future." in response.content.decode()
    assert not Case.objects.exists()


def test_intake_needs_a_name(client, people):
    client.force_login(people.social_worker)
    values = {**INTAKE, "given_name_latin": "", "family_name_latin": ""}
    response = client.post(reverse("casework:intake"), values)
    assert "Give at least one name" in response.content.decode()


def test_intake_shows_likely_duplicates_and_waits_for_confirmation(client, people):
    client.force_login(people.social_worker)
    client.post(reverse("casework:intake"), INTAKE)
    again = client.post(reverse("casework:intake"), INTAKE)
    html = again.content.decode()
    assert again.status_code == 400 and "Similar records" in html
    assert Case.objects.count() == 1
    confirmed = client.post(reverse("casework:intake"), {**INTAKE, "not_a_duplicate": "on"})
    assert confirmed.status_code == 302 and Case.objects.count() == 2


def test_roles_that_cannot_open_cases_get_403(client, people):
    client.force_login(people.manager)
    assert client.get(reverse("casework:intake")).status_code == 403


# --- Screening ---------------------------------------------------------------------------------
def test_the_evaluate_endpoint_applies_the_rule_for_a_child(client, people, case):
    client.force_login(people.social_worker)
    url = reverse("casework:screening-evaluate", args=[case.pk])
    act_only = client.post(url, {"indicators": ["act-recruited-by-third-party"]}).json()
    assert (act_only["suggested"], act_only["child"]) == ("needs_further_assessment", True)
    both = client.post(url, {"indicators": ["act-recruited-by-third-party", "purpose-child-hazardous-work"]}).json()
    assert both["suggested"] == "possible_victim" and not both["means"]


def test_the_evaluate_endpoint_refuses_a_tampered_indicator_list(client, people, case):
    client.force_login(people.social_worker)
    url = reverse("casework:screening-evaluate", args=[case.pk])
    response = client.post(url, {"indicators": ["act-recruited-by-third-party", "no-such-indicator"]})
    assert response.status_code == 400
    assert response.json()["errors"]["indicators"] == ["Unknown or inactive indicator: no-such-indicator."]


def test_the_screening_form_reports_the_services_errors_next_to_fields(client, people, case):
    client.force_login(people.social_worker)
    url = reverse("casework:screening-new", args=[case.pk])
    values = {
        "place": "shelter",
        "screened_on": "2026-03-02",
        "indicators": ["act-recruited-by-third-party"],
        "outcome": "possible_victim",  # differs from the suggestion, without a reason
        "guardian_or_social_worker_present": "unknown",  # a child: must be answered
    }
    response = client.post(url, values)
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_override_reason_error"' in html and 'id="id_guardian_or_social_worker_present_error"' in html
    assert 'value="act-recruited-by-third-party" id="ind-act-recruited-by-third-party" checked' in html
    assert not Screening.objects.exists()
    fixed = {**values, "override_reason": "Confirmed by the border office", "guardian_or_social_worker_present": "true"}
    assert client.post(url, fixed).status_code == 302
    assert Screening.objects.get().outcome == "possible_victim"


def test_managers_read_but_do_not_screen(client, people, case):
    client.force_login(people.manager)
    assert client.get(reverse("casework:screening-new", args=[case.pk])).status_code == 403


# --- Notes, services, closure, steps -----------------------------------------------------------
def test_an_empty_note_is_refused_beside_the_field(client, people, case):
    client.force_login(people.social_worker)
    response = client.post(reverse("casework:note-add", args=[case.pk]), {"kind": "general", "text": "   "})
    assert response.status_code == 400 and 'id="id_text_error"' in response.content.decode()
    ok = client.post(reverse("casework:note-add", args=[case.pk]), {"kind": "general", "text": "Visited"})
    assert ok.status_code == 302 and CaseNote.objects.get(case=case).text == "Visited"


def test_only_the_assigned_counsellor_is_offered_counselling_notes(client, people, case):
    client.force_login(people.social_worker)
    response = client.post(reverse("casework:note-add", args=[case.pk]), {"kind": "counselling", "text": "x"})
    assert response.status_code == 400 and 'id="id_kind_error"' in response.content.decode()
    assert not CaseNote.objects.exists()


def test_readers_who_may_not_change_the_case_get_403(client, people, case):
    cases.case_share(actor=people.social_worker, case=case, organisation=people.police.organisation, purpose="x")
    client.force_login(people.police)
    assert client.post(reverse("casework:note-add", args=[case.pk]), {"text": "x"}).status_code == 403


def test_a_service_ending_before_it_starts_is_refused(client, people, case):
    client.force_login(people.social_worker)
    values = {"service_type": "legal_aid", "status": "done", "started_on": "2026-03-05", "ended_on": "2026-03-01"}
    response = client.post(reverse("casework:service-add", args=[case.pk]), values)
    html = response.content.decode()
    assert response.status_code == 400 and 'id="id_ended_on_error"' in html and 'value="2026-03-05"' in html
    assert (
        client.post(reverse("casework:service-add", args=[case.pk]), {**values, "ended_on": "2026-03-06"}).status_code
        == 302
    )


def test_closure_for_an_other_reason_needs_an_explanation(client, people, case):
    client.force_login(people.social_worker)
    url = reverse("casework:closure-request", args=[case.pk])
    response = client.post(url, {"reason": "other", "note": ""})
    assert response.status_code == 400 and 'id="id_note_error"' in response.content.decode()
    assert client.post(url, {"reason": "reintegrated"}).status_code == 302
    case.refresh_from_db()
    assert case.closure_pending


def test_repatriation_steps_change_through_the_checklist(client, people, case):
    from accounts.models import Country

    trip = repatriation.repatriation_start(
        actor=people.social_worker, case=case, flow="thailand_mou", from_country=Country.objects.get(code="TH")
    )
    step = trip.steps.order_by("position").first()
    client.force_login(people.social_worker)
    url = reverse("casework:step-update", args=[case.pk, step.pk])
    refused = client.post(url, {"action": "skip", "reason": ""})
    assert refused.status_code == 400 and f'id="step-{step.pk}-reason_error"' in refused.content.decode()
    assert client.post(url, {"action": "start"}).status_code == 302
    step.refresh_from_db()
    assert step.status == "in_progress"
    page = client.get(detail(case, "repatriation")).content.decode()
    assert "Case interview and documentation" in page and "In progress" in page
    history = client.get(detail(case, "history")).content.decode()
    assert "Case opened" in history and "Repatriation step started" in history


# --- Audit trail, dashboard, language ----------------------------------------------------------
def test_managers_see_the_audit_trail_and_workers_do_not(client, people, case):
    client.force_login(people.social_worker)
    client.get(detail(case))
    assert client.get(reverse("casework:case-audit", args=[case.pk])).status_code == 403
    client.force_login(people.manager)
    html = client.get(reverse("casework:case-audit", args=[case.pk])).content.decode()
    assert "sw" in html and "Viewed" in html


def test_the_dashboard_lists_my_open_cases(client, people, case):
    client.force_login(people.social_worker)
    html = client.get(reverse("home")).content.decode()
    assert case.person.case_code in html
    client.force_login(people.manager)
    assert case.person.case_code not in client.get(reverse("home")).content.decode()


def test_the_language_choice_is_stored_and_applied_at_the_next_login(client, people, settings):
    worker = make_user("lang-test", people.social_worker.organisation, Role.SOCIAL_WORKER, password="pw-long-enough-1")
    client.force_login(worker)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    worker.refresh_from_db()
    assert worker.language == "en"
    client.post(reverse("set_language"), {"language": "lo", "next": "/"})
    worker.refresh_from_db()
    assert worker.language == "lo"
    client.logout()
    client.cookies.clear()
    response = client.post(reverse("login"), {"username": "lang-test", "password": "pw-long-enough-1"})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "lo"
    assert 'lang="lo"' in client.get(reverse("home")).content.decode()


def test_dates_read_day_month_year(client, people, case):
    client.force_login(people.social_worker)
    Case.objects.filter(pk=case.pk).update(identified_on=date(2026, 3, 1))
    assert "01/03/2026" in client.get(detail(case)).content.decode()


def test_a_name_search_pages_without_counting(client, people, case):
    for _ in range(25):
        open_case(people.social_worker)
    client.force_login(people.social_worker)
    with CaptureQueriesContext(connection) as queries:
        first = client.get(reverse("casework:case-list"), {"search": "Synthetic"}).content.decode()
    assert not [
        query for query in queries.captured_queries if "COUNT(" in query["sql"] and "casework_case" in query["sql"]
    ]
    assert first.count('class="card"') == 25 and "Page 1" in first and "Page 1 of" not in first
    assert 'class="count"' not in first and 'rel="next"' in first
    second = client.get(reverse("casework:case-list"), {"search": "Synthetic", "page": 2}).content.decode()
    assert second.count('class="card"') == 1 and 'rel="next"' not in second and 'rel="prev"' in second
    counted = client.get(reverse("casework:case-list")).content.decode()  # no search: counted as before
    assert "Page 1 of 2" in counted and 'class="count"' in counted
