import pytest

from accounts import permissions
from accounts.models import AuditAction, AuditEvent, Organisation, User
from accounts.services import audit_record
from tests.permission_checks import assert_predicate_matches_filter

pytestmark = pytest.mark.django_db


def test_it_agrees_on_users_for_every_persona(people):
    assert_predicate_matches_filter(permissions.view_user, people.all, User.objects.all())
    assert_predicate_matches_filter(permissions.change_user, people.all, User.objects.all())


def test_it_agrees_on_organisations_for_every_persona(people):
    assert_predicate_matches_filter(permissions.view_organisation, people.all, Organisation.objects.all())
    assert_predicate_matches_filter(permissions.change_organisation, people.all, Organisation.objects.all())


def test_it_agrees_on_audit_events_for_every_persona(people):
    for persona in (people.social_worker, people.outsider, people.police):
        audit_record(actor=persona, action=AuditAction.VIEW, obj=persona)
    assert_predicate_matches_filter(permissions.view_auditevent, people.all, AuditEvent.objects.all())


def test_a_social_worker_sees_only_themselves(people):
    assert list(permissions.view_user.scope(people.social_worker)) == [people.social_worker]


def test_a_manager_sees_their_organisation_but_not_another(people):
    visible = set(permissions.view_user.scope(people.manager))
    assert people.social_worker in visible
    assert people.outsider not in visible


def test_an_admin_sees_every_account(people):
    assert permissions.view_user.scope(people.admin).count() == User.objects.count()


def test_anonymous_and_deactivated_users_see_nothing(people):
    assert not permissions.view_organisation.scope(people.anonymous).exists()
    people.manager.is_active = False
    assert not permissions.view_user.scope(people.manager).exists()
    assert not permissions.view_user.allows(people.manager, people.manager)


def test_django_rules_asks_the_same_question(people):
    assert people.admin.has_perm("accounts.change_user", people.social_worker)
    assert not people.manager.has_perm("accounts.change_user", people.social_worker)
    assert people.manager.has_perm("accounts.view_user", people.social_worker)
    assert not people.manager.has_perm("accounts.view_user", people.outsider)


def test_everything_survives_being_combined_with_another_filter(people):
    from django.db.models import Q

    from core.permissions import EVERYTHING

    assert User.objects.filter(Q(username="nobody") | EVERYTHING).count() == User.objects.count()
