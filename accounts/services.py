"""Writes for organisations, users and the audit log. Every interface calls these."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.actors import Actor, Staff, staff
from accounts.models import AuditAction, AuditEvent, Language, Organisation, OrganisationKind, Province, Role, User
from core.actors import PartnerSystem
from core.constraints import field_errors
from core.context import current as current_request
from core.errors import ApplicationError, PermissionDenied


def _object_ref(obj: models.Model) -> tuple[str, str]:
    return obj._meta.label_lower, str(obj.pk)


def audit_text(value: str) -> str:
    """What a client sent, made storable: PostgreSQL text cannot hold NUL, and an audit row
    that cannot be written loses the record of the call (a refused one included)."""
    return value.replace("\x00", "\\x00")


def _audit_row(
    *, actor: Actor | None, action: str, object_type: str, object_id: str, fields: Iterable[str], reason: str
) -> AuditEvent:
    """A user acting is named with their organisation and roles; a partner system by its
    organisation and its token's prefix (in the reason); Pathway itself (SYSTEM) by nothing."""
    context = current_request()
    user = staff(actor)
    organisation_id = user.organisation_id if user else None
    if user is None and isinstance(actor, PartnerSystem):
        organisation_id = actor.organisation_id
        reason = f"partner token {actor.prefix}" + (f": {reason}" if reason else "")
    return AuditEvent(
        actor=user,
        actor_username=user.get_username() if user else "",
        organisation_id=organisation_id,
        roles=list(user.roles) if user else [],
        action=action,
        object_type=object_type,
        object_id=audit_text(object_id),
        fields=sorted(set(fields)),
        ip_address=context.ip_address,
        request_id=context.request_id,
        reason=audit_text(reason),
    )


def audit_record(
    *,
    actor: Actor | None,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    fields: Iterable[str] = (),
    reason: str = "",
) -> AuditEvent:
    """Write one audit row in the caller's transaction: if the read or change it records is
    rolled back, so is the row, and if the row cannot be written, neither is the change."""
    if obj is not None:
        object_type, object_id = _object_ref(obj)
    row = _audit_row(
        actor=actor, action=action, object_type=object_type, object_id=object_id, fields=fields, reason=reason
    )
    row.save(force_insert=True)
    return row


def audit_record_many(
    *,
    actor: Actor | None,
    action: str,
    objects: Sequence[models.Model] = (),
    object_type: str = "",
    object_ids: Iterable[str] = (),
    fields: Iterable[str] = (),
    fields_by: Mapping[Any, Iterable[str]] | None = None,
    reason: str = "",
    reasons: Mapping[Any, str] | None = None,
) -> list[AuditEvent]:
    """One INSERT for a whole page of a list that shows personal data (or a batch of changes):
    the `objects`, or the `object_ids` of `object_type` (a refused or empty partner call). Every
    row carries `fields` and `reason`, unless `fields_by` / `reasons` give its object (by pk) its
    own, e.g. the categories of one disclosure, the emergency grant it was read through."""
    fields, fields_by, reasons = list(fields), fields_by or {}, reasons or {}
    refs = [(obj._meta.label_lower, obj.pk) for obj in objects] + [(object_type, pk) for pk in object_ids]
    rows = []
    for kind, pk in refs:
        reason_of = reasons.get(pk, reason)
        row = _audit_row(
            actor=actor, action=action, object_type=kind, object_id=str(pk), fields=fields, reason=reason_of
        )
        if pk in fields_by:
            row.fields = list(fields_by[pk])  # in the order they were shown (a disclosure's categories)
        rows.append(row)
    return AuditEvent.objects.bulk_create(rows)


@transaction.atomic
def organisation_create(
    *,
    actor: Staff,
    code: str,
    name_en: str,
    kind: str,
    name_lo: str = "",
    province: Province | None = None,
    parent: Organisation | None = None,
) -> Organisation:
    if actor is not None and not permissions.change_organisation.allows(actor, None):
        raise PermissionDenied(_("Only an administrator can add organisations."))
    if kind not in OrganisationKind.values:
        raise ApplicationError(_("Unknown organisation kind."), fields={"kind": [_("Choose a valid kind.")]})
    organisation = Organisation(
        code=code, name_en=name_en, name_lo=name_lo, kind=kind, province=province, parent=parent
    )
    _validate(organisation)
    organisation.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=organisation)
    return organisation


@transaction.atomic
def organisation_update(*, actor: Staff, organisation: Organisation, fields: Iterable[str]) -> Organisation:
    """Save an administrator's changes to an organisation (the admin's form), e.g. switching
    `two_factor_required` on: from the members' next request on, pages ask for their code."""
    if not permissions.change_organisation.allows(actor, organisation):
        raise PermissionDenied(_("Only an administrator can change organisations."))
    fields = sorted(set(fields))
    _validate(organisation)
    organisation.save(update_fields=fields or None)
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=organisation, fields=fields)
    return organisation


@transaction.atomic
def user_create(
    *,
    actor: Staff | None,
    username: str,
    organisation: Organisation,
    roles: Iterable[str],
    password: str | None = None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    language: str = "lo",
    validate_password_strength: bool = True,
) -> User:
    """Create a staff account. `actor` None means the system (seeds, set-up commands)."""
    if actor is not None and not permissions.change_user.allows(actor, None):
        raise PermissionDenied(_("Only an administrator can add users."))
    roles = sorted(set(roles))
    check_roles(roles, organisation)
    user = User(
        username=username,
        organisation=organisation,
        roles=roles,
        first_name=first_name,
        last_name=last_name,
        email=email,
        language=language,
    )
    if password is None:
        user.set_unusable_password()
    else:
        if validate_password_strength:
            try:
                validate_password(password, user)
            except ValidationError as error:
                raise ApplicationError(_("The password is too weak."), fields={"password": error.messages}) from error
        user.set_password(password)
    _validate(user)
    user.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=user, fields=["roles", "organisation"])
    return user


@transaction.atomic
def user_set_roles(*, actor: Staff, user: User, roles: Iterable[str]) -> User:
    if not permissions.change_user.allows(actor, user):
        raise PermissionDenied(_("Only an administrator can change roles."))
    roles = sorted(set(roles))
    check_roles(roles, user.organisation)
    user.roles = roles
    user.save(update_fields=["roles"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=user, fields=["roles"])
    return user


@transaction.atomic
def user_set_language(*, actor: Staff, language: str) -> Any:
    """A user's own choice of page language (Language), kept for their next login."""
    if language not in Language.values:
        raise ApplicationError(_("Unknown language."), fields={"language": [_("Choose Lao or English.")]})
    if actor.language != language:
        actor.language = language
        actor.save(update_fields=["language"])
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=actor, fields=["language"])
    return actor


def check_roles(roles: Sequence[str], organisation: Organisation | None) -> None:
    """Roles an account may hold in its organisation (the admin's user form checks them too)."""
    unknown = [role for role in roles if role not in Role.values]
    if unknown:
        raise ApplicationError(
            _("Unknown role."), fields={"roles": [_("Unknown role: %(role)s") % {"role": r} for r in unknown]}
        )
    # Police must never hold a role that opens counselling notes, and a partner is an API
    # client of an NGO only: these combinations would quietly defeat docs/design/access.md's tiers.
    if Role.POLICE in roles and Role.COUNSELLOR in roles:
        raise ApplicationError(
            _("A police account cannot also be a counsellor."), fields={"roles": [_("Choose one of the two.")]}
        )
    if Role.POLICE in roles and organisation is not None and organisation.kind != OrganisationKind.POLICE:
        raise ApplicationError(
            _("Only police organisations can have police accounts."),
            fields={"roles": [_("The organisation is not a police unit.")]},
        )
    if Role.PARTNER in roles and organisation is not None and organisation.kind != OrganisationKind.NGO:
        raise ApplicationError(
            _("Only partner NGOs have partner accounts."), fields={"roles": [_("The organisation is not an NGO.")]}
        )


def _validate(instance: models.Model) -> None:
    try:
        instance.full_clean()
    except ValidationError as error:
        raise ApplicationError(_("Please correct the errors below."), fields=field_errors(instance, error)) from error
