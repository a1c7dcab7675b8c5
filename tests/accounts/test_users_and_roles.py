import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from accounts import services
from accounts.models import AuditEvent, OrganisationKind, Role, User
from core.errors import ApplicationError, PermissionDenied

pytestmark = pytest.mark.django_db


def test_a_user_holds_several_roles(orgs):
    user = services.user_create(
        actor=None,
        username="both",
        organisation=orgs.lwu,
        roles=[Role.COUNSELLOR, Role.MANAGER],
        password="a long enough passphrase",
    )
    assert user.has_role(Role.MANAGER)
    assert user.has_role(Role.COUNSELLOR)
    assert not user.has_role(Role.POLICE)


def test_passwords_are_hashed_with_argon2(orgs, settings):
    assert settings.PASSWORD_HASHERS[0].endswith("MD5PasswordHasher")  # the tests' fast hasher
    settings.PASSWORD_HASHERS = settings.PASSWORD_HASHERS[1:]  # what production hashes with
    user = services.user_create(
        actor=None,
        username="hashed",
        organisation=orgs.lwu,
        roles=[Role.SOCIAL_WORKER],
        password="a long enough passphrase",
    )
    assert user.password.startswith("argon2")
    assert user.check_password("a long enough passphrase")


def test_it_rejects_a_weak_password_with_a_field_message(orgs):
    with pytest.raises(ApplicationError) as error:
        services.user_create(actor=None, username="weak", organisation=orgs.lwu, roles=[], password="12345")
    assert "password" in error.value.fields
    assert not User.objects.filter(username="weak").exists()


def test_it_rejects_an_unknown_role(orgs):
    with pytest.raises(ApplicationError) as error:
        services.user_create(actor=None, username="x", organisation=orgs.lwu, roles=["wizard"])
    assert "roles" in error.value.fields


@pytest.mark.parametrize(
    ("org_name", "roles"),
    [
        ("mlsw_vt", [Role.POLICE]),  # police accounts only in police units
        ("police", [Role.POLICE, Role.COUNSELLOR]),  # police never read counselling notes
        ("mlsw_vt", [Role.PARTNER]),  # partner API clients belong to NGOs
    ],
)
def test_it_refuses_role_combinations_that_break_the_tiers(orgs, org_name, roles):
    with pytest.raises(ApplicationError):
        services.user_create(actor=None, username="bad", organisation=getattr(orgs, org_name), roles=roles)


def test_the_database_refuses_an_unknown_role_even_past_the_service(orgs):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="raw", organisation=orgs.lwu, roles=["wizard"])


def test_the_database_refuses_a_staff_account_without_organisation(reference):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="orphan", roles=[Role.SOCIAL_WORKER])


def test_admins_and_own_managers_create_users_and_each_creation_is_audited(people, orgs):
    with pytest.raises(PermissionDenied):
        services.user_create(actor=people.manager, username="new", organisation=orgs.mlsw_sv, roles=[])
    with pytest.raises(PermissionDenied):
        services.user_create(actor=people.social_worker, username="new", organisation=orgs.mlsw_vt, roles=[])
    with pytest.raises(ApplicationError):
        services.user_create(actor=people.manager, username="new", organisation=orgs.mlsw_vt, roles=[Role.ADMIN])
    services.user_create(actor=people.manager, username="colleague", organisation=orgs.mlsw_vt, roles=[])
    user = services.user_create(
        actor=people.admin, username="new", organisation=orgs.mlsw_vt, roles=[Role.SOCIAL_WORKER]
    )
    event = AuditEvent.objects.get(object_type="accounts.user", object_id=str(user.pk), action="create")
    assert event.actor == people.admin
    assert event.roles == [Role.ADMIN]


def test_changing_roles_is_audited(people):
    services.user_set_roles(actor=people.admin, user=people.social_worker, roles=[Role.SOCIAL_WORKER, Role.MANAGER])
    people.social_worker.refresh_from_db()
    assert people.social_worker.roles == [Role.MANAGER, Role.SOCIAL_WORKER]
    assert AuditEvent.objects.filter(object_id=str(people.social_worker.pk), action="update", fields=["roles"]).exists()


def test_organisations_have_a_kind_and_a_province_scope(orgs):
    assert orgs.mlsw_national.is_national
    assert not orgs.mlsw_vt.is_national
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO accounts_organisation (id, code, name_en, name_lo, kind, is_active) "
            "VALUES (gen_random_uuid(), 'x', 'x', '', 'church', true)"
        )
    assert {choice for choice, _ in OrganisationKind.choices} == {"mlsw", "lwu", "police", "ngo", "other_gov"}


def test_the_admins_add_user_form_asks_for_the_organisation_and_creates_through_the_service(client, people, orgs):
    """The admin's "Add user" was a 500: its form had no organisation, which the database requires."""
    User.objects.filter(pk=people.admin.pk).update(is_staff=True)
    client.force_login(people.admin)
    add = reverse("admin:accounts_user_add")
    page = client.get(add)
    assert page.status_code == 200
    assert b'name="organisation"' in page.content and b'name="roles"' in page.content
    values = {"username": "new-worker", "usable_password": "true", "language": "en", "roles": "social_worker"}
    values |= {"password1": "a long enough passphrase", "password2": "a long enough passphrase"}
    refusals = {
        "organisation": {**values, "organisation": ""},
        "roles": {**values, "organisation": orgs.lwu.pk, "roles": "police"},
    }
    for field, refused in refusals.items():
        answer = client.post(add, refused)
        assert answer.status_code == 200, field
        assert field in answer.context["adminform"].form.errors
    assert not User.objects.filter(username="new-worker").exists(), "nothing half-saved"

    assert client.post(add, {**values, "organisation": orgs.lwu.pk}).status_code == 302
    user = User.objects.get(username="new-worker")
    assert (user.organisation, user.roles, user.language) == (orgs.lwu, [Role.SOCIAL_WORKER], "en")
    assert user.check_password("a long enough passphrase")
    assert AuditEvent.objects.filter(actor=people.admin, action="create", object_id=str(user.pk)).exists()
