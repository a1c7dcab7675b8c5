import pytest

from accounts.models import AuditEvent
from casework import permissions
from casework.models import Case, CaseEvent, Person
from casework.services import cases as services
from core.errors import ApplicationError, Conflict, NotFound, PermissionDenied
from tests.factories import make_user, open_case
from tests.permission_checks import assert_predicate_matches_filter

pytestmark = pytest.mark.django_db


def test_intake_registers_a_person_with_a_case_code_and_assigns_the_worker(people, case):
    assert case.person.case_code == "VT-2026-00001"
    assert case.owner == people.social_worker.organisation
    assert case.assigned_worker == people.social_worker
    assert case.status == "active"
    assert case.child_at_identification is True  # born 2008, identified March 2026
    assert CaseEvent.objects.filter(case=case, kind="case_opened").exists()
    assert AuditEvent.objects.filter(
        object_type="casework.person", object_id=str(case.person.pk), action="create"
    ).exists()


def test_a_failed_intake_saves_nothing_and_returns_the_number(people):
    with pytest.raises(ApplicationError):
        open_case(people.social_worker, category="not-a-category")
    assert not Person.objects.exists()
    assert open_case(people.social_worker).person.case_code == "VT-2026-00001"


def test_statistician_partner_and_admin_cannot_open_cases(people):
    for persona in (people.statistician, people.partner, people.admin, people.manager):
        with pytest.raises(PermissionDenied):
            open_case(persona)


def test_visibility_follows_ownership_assignment_sharing_and_management(people, orgs, case):
    assert permissions.view_case.allows(people.social_worker, case)
    assert permissions.view_case.allows(people.manager, case)
    assert not permissions.view_case.allows(people.outsider, case)
    assert not permissions.view_case.allows(people.police, case)
    assert not permissions.view_case.allows(people.national_manager, case)  # t-mlsw is not t-mlsw-vt's parent
    services.case_share(actor=people.social_worker, case=case, organisation=orgs.police, purpose="investigation")
    assert permissions.view_case.allows(people.police, case)
    for persona in (people.statistician, people.partner, people.admin):
        assert not permissions.view_case.allows(persona, case)


def test_predicates_and_filters_agree_for_every_persona(people, orgs, case):
    other = open_case(people.outsider, registration_province=None)
    shared = open_case(people.counsellor)
    services.case_share(actor=people.counsellor, case=shared, organisation=orgs.police, purpose="investigation")
    cases = Case.objects.filter(pk__in=[case.pk, other.pk, shared.pk])
    for permission in (
        permissions.view_case,
        permissions.change_case,
        permissions.record_screening,
        permissions.manage_case,
        permissions.view_sensitive,
        permissions.view_health,
    ):
        assert_predicate_matches_filter(permission, people.all, cases)
    assert_predicate_matches_filter(permissions.view_person, people.all, Person.objects.all())


def test_a_manager_assigns_within_the_owning_organisation(people, orgs, case):
    colleague = make_user("sw2", orgs.mlsw_vt, "social_worker")
    services.case_assign(actor=people.manager, case=case, worker=colleague)
    case.refresh_from_db()
    assert case.assigned_worker == colleague
    with pytest.raises(ApplicationError):
        services.case_assign(actor=people.manager, case=case, worker=people.outsider)
    with pytest.raises(PermissionDenied):
        services.case_assign(actor=people.social_worker, case=case, worker=colleague)
    with pytest.raises(NotFound):
        services.case_assign(actor=people.outsider, case=case, worker=colleague)


def test_a_transfer_moves_ownership_only_when_accepted(people, orgs, case):
    receiver = make_user("lwu-mgr", orgs.lwu, "manager")
    transfer = services.case_transfer_request(
        actor=people.social_worker, case=case, to_organisation=orgs.lwu, reason="needs counselling"
    )
    case.refresh_from_db()
    assert case.owner == orgs.mlsw_vt
    with pytest.raises(Conflict):
        services.case_transfer_request(actor=people.social_worker, case=case, to_organisation=orgs.lwu, reason="again")
    with pytest.raises(NotFound):
        services.case_transfer_accept(actor=people.outsider, transfer=transfer)
    services.case_transfer_accept(actor=receiver, transfer=transfer, assign_to=people.counsellor)
    case.refresh_from_db()
    assert (case.owner, case.assigned_worker) == (orgs.lwu, people.counsellor)
    assert not permissions.view_case.allows(people.social_worker, case)
    with pytest.raises(ApplicationError):
        services.case_transfer_decline(actor=receiver, transfer=transfer, reason="too late")


def test_a_declined_transfer_keeps_the_case_and_records_why(people, orgs, case):
    receiver = make_user("lwu-sw", orgs.lwu, "social_worker")
    transfer = services.case_transfer_request(
        actor=people.social_worker, case=case, to_organisation=orgs.lwu, reason="needs counselling"
    )
    with pytest.raises(ApplicationError):
        services.case_transfer_decline(actor=receiver, transfer=transfer, reason=" ")
    services.case_transfer_decline(actor=receiver, transfer=transfer, reason="no places")
    transfer.refresh_from_db()
    case.refresh_from_db()
    assert (transfer.status, transfer.decline_reason, case.owner) == ("declined", "no places", orgs.mlsw_vt)


def test_closure_needs_a_reason_and_another_persons_approval(people, orgs, case):
    with pytest.raises(ApplicationError):
        services.case_closure_request(actor=people.social_worker, case=case, reason="")
    with pytest.raises(ApplicationError):
        services.case_closure_approve(actor=people.manager, case=case)
    services.case_closure_request(actor=people.social_worker, case=case, reason="reintegrated")
    with pytest.raises(PermissionDenied):
        services.case_closure_approve(actor=people.social_worker, case=case)
    services.case_closure_approve(actor=people.manager, case=case)
    case.refresh_from_db()
    assert (case.status, case.closure_approved_by) == ("closed", people.manager)
    assert not permissions.change_case.allows(people.social_worker, case)
    services.case_reopen(actor=people.manager, case=case, reason="returned to the shelter")
    case.refresh_from_db()
    assert case.status == "active"


def test_a_manager_cannot_approve_their_own_closure_request(people, orgs):
    both = make_user("sw-mgr", orgs.mlsw_vt, "social_worker", "manager")
    case = open_case(both)
    services.case_closure_request(actor=both, case=case, reason="declined")
    with pytest.raises(PermissionDenied):
        services.case_closure_approve(actor=both, case=case)
    services.case_closure_approve(actor=people.manager, case=case)


def test_a_rejected_closure_leaves_the_case_open(people, case):
    services.case_closure_request(actor=people.social_worker, case=case, reason="lost_contact")
    services.case_closure_reject(actor=people.manager, case=case, note="family found")
    case.refresh_from_db()
    assert case.status == "active"
    assert not case.closure_pending
