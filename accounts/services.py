"""Writes for organisations, users and the audit log. Every interface calls these."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.actors import Actor, Staff, staff
from accounts.invitations import send_password_link
from accounts.models import AuditAction, AuditEvent, Language, Organisation, OrganisationKind, Province, Role, User
from core import batch
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


@dataclass(frozen=True)
class _Who:
    """Who acted, as the audit row names them: the same for every row of a batch, so worked
    out once (telling a partner's system from Pathway is a Protocol check, slow per row)."""

    user: Staff | None
    organisation_id: Any
    reason_prefix: str  # a partner system's token prefix

    @classmethod
    def of(cls, actor: Actor | None) -> _Who:
        """A user acting is named with their organisation and roles; a partner system by its
        organisation and its token's prefix (in the reason); Pathway itself (SYSTEM) by nothing."""
        user = staff(actor)
        if user is not None:
            return cls(user, user.organisation_id, "")
        if isinstance(actor, PartnerSystem):
            return cls(None, actor.organisation_id, f"partner token {actor.prefix}")
        return cls(None, None, "")


def _audit_row(
    *, who: _Who, context: Any, action: str, object_type: str, object_id: str, fields: Iterable[str], reason: str
) -> AuditEvent:
    if who.reason_prefix:
        reason = who.reason_prefix + (f": {reason}" if reason else "")
    return AuditEvent(
        actor=who.user,
        actor_username=who.user.get_username() if who.user else "",
        organisation_id=who.organisation_id,
        roles=list(who.user.roles) if who.user else [],
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
        who=_Who.of(actor),
        context=current_request(),
        action=action,
        object_type=object_type,
        object_id=object_id,
        fields=fields,
        reason=reason,
    )
    if not batch.defer(row):  # in a batch, written with the batch's other rows
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
    # What every row of the batch shares, worked out once.
    row_of = partial(_audit_row, who=_Who.of(actor), context=current_request(), action=action, fields=fields)
    rows = []
    for kind, pk in refs:
        row = row_of(object_type=kind, object_id=str(pk), reason=reasons.get(pk, reason))
        if pk in fields_by:
            row.fields = list(fields_by[pk])  # in the order they were shown (a disclosure's categories)
        rows.append(row)
    return _insert_rows(rows)


# Each column and the SQL type of its values; an array column's values travel as text (an
# array literal a row), as unnest would flatten an array of arrays.
_AUDIT_COLUMNS = {
    "actor_id": "uuid",
    "actor_username": "text",
    "organisation_id": "uuid",
    "roles": "varchar[]",
    "action": "text",
    "object_type": "text",
    "object_id": "text",
    "fields": "varchar[]",
    "ip_address": "inet",
    "request_id": "text",
    "reason": "text",
}
_ARRAY_COLUMNS = {name for name, sql_type in _AUDIT_COLUMNS.items() if sql_type.endswith("[]")}
_INSERT_AUDIT_ROWS = (
    'INSERT INTO "{table}" (at, {names}) SELECT %s, {values} FROM unnest({arrays}) AS r({names}) RETURNING id'.format(  # noqa: S608 - constants only
        table=AuditEvent._meta.db_table,
        names=", ".join(_AUDIT_COLUMNS),
        values=", ".join(f"{name}::{t}" if name in _ARRAY_COLUMNS else name for name, t in _AUDIT_COLUMNS.items()),
        arrays=", ".join(
            "%s::text[]" if name in _ARRAY_COLUMNS else f"%s::{t}[]" for name, t in _AUDIT_COLUMNS.items()
        ),
    )
)


def _insert_rows(rows: list[AuditEvent]) -> list[AuditEvent]:
    """One INSERT of the rows from one array a column (`unnest`): twelve parameters however many
    rows. Django's bulk_create sends eleven a row, and for a partner's page of 100 referrals
    building and binding those 1,100 values took longer than the INSERT (docs/performance.md)."""
    if not rows:
        return []
    at = timezone.now()
    arrays = [
        [_array_literal(getattr(row, name)) if name in _ARRAY_COLUMNS else getattr(row, name) for row in rows]
        for name in _AUDIT_COLUMNS
    ]
    with connection.cursor() as cursor:
        cursor.execute(_INSERT_AUDIT_ROWS, [at, *arrays])
        ids = [found for (found,) in cursor.fetchall()]
    for row, pk in zip(rows, ids, strict=True):
        row.pk, row.at = pk, at
        row._state.adding = False
    return rows


def _array_literal(values: Iterable[str]) -> str:
    """PostgreSQL's text form of an array of strings, every element quoted."""
    quoted = ('"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"' for value in values)
    return "{" + ",".join(quoted) + "}"


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
    invite: bool = False,
) -> User:
    """Create a staff account. `actor` None means the system (seeds, set-up commands). With
    `invite`, the person is e-mailed a one-time link to choose their password."""
    if actor is not None:
        _require_administration(actor, None, organisation)
    roles = sorted(set(roles))
    check_roles(roles, organisation)
    if actor is not None:
        _check_grantable(actor, roles)
    if invite and not email.strip():
        raise ApplicationError(
            _("An invitation needs an e-mail address."), fields={"email": [_("Give the e-mail address to invite.")]}
        )
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
    if invite:
        send_password_link(user, "invitation")
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=user, fields=["invitation"])
    return user


@transaction.atomic
def user_set_roles(*, actor: Staff, user: User, roles: Iterable[str]) -> User:
    _require_administration(actor, user)
    roles = sorted(set(roles))
    check_roles(roles, user.organisation)
    _check_grantable(actor, roles)
    user.roles = roles
    user.save(update_fields=["roles"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=user, fields=["roles"])
    return user


@transaction.atomic
def user_update(
    *, actor: Staff, user: User, first_name: str, last_name: str, email: str, language: str, roles: Iterable[str]
) -> User:
    """Change an account's names, e-mail, language and roles; the audit row names the fields
    that changed (never their values: names and addresses stay out of the log)."""
    _require_administration(actor, user)
    roles = sorted(set(roles))
    check_roles(roles, user.organisation)
    _check_grantable(actor, roles)
    values = {"first_name": first_name, "last_name": last_name, "email": email, "language": language, "roles": roles}
    changed = [name for name, value in values.items() if getattr(user, name) != value]
    for name in changed:
        setattr(user, name, values[name])
    _validate(user)
    if changed:
        user.save(update_fields=changed)
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=user, fields=changed)
    return user


@transaction.atomic
def user_set_active(*, actor: Staff, user: User, active: bool, reason: str) -> User:
    """Deactivate an account (it can no longer log in, and its open sessions stop at their next
    request) or reactivate it, with a reason. Nobody deactivates their own account."""
    _require_administration(actor, user)
    reason = reason.strip()
    if not reason:
        raise ApplicationError(_("Give a reason."), fields={"reason": [_("Say why.")]})
    if user.pk == actor.pk and not active:
        raise ApplicationError(
            _("You cannot deactivate your own account."), fields={"reason": [_("Ask another manager.")]}
        )
    if user.is_active != active:
        User.objects.filter(pk=user.pk).update(is_active=active)
        user.is_active = active
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=user, fields=["is_active"], reason=reason)
    return user


@transaction.atomic
def user_send_password_link(*, actor: Staff, user: User, reason: str, invitation: bool = False) -> User:
    """E-mail the person a one-time link to choose a password. A reset (`invitation` False) also
    stops the old password at once (a leaked one, a person who left) and needs a reason."""
    _require_administration(actor, user)
    reason = reason.strip()
    if not user.email:
        raise ApplicationError(
            _("This account has no e-mail address."), fields={"email": [_("Add an e-mail address first.")]}
        )
    if not invitation and not reason:
        raise ApplicationError(_("Give a reason."), fields={"reason": [_("Say why the password is reset.")]})
    if not invitation:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    send_password_link(user, "invitation" if invitation else "reset")
    fields = ["invitation"] if invitation else ["password"]
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=user, fields=fields, reason=reason)
    return user


@transaction.atomic
def password_forgotten(*, email: str) -> None:
    """A person who forgot their password asks for a link at their e-mail address. The answer is
    the same whether or not an account has it (nobody learns who has an account); each active
    account with the address is sent a link, and the request is audited on it."""
    email = email.strip()
    if not email:
        return
    for user in User.objects.filter(email__iexact=email, is_active=True):
        send_password_link(user, "reset")
        audit_record(actor=None, action=AuditAction.UPDATE, obj=user, fields=["password_link"], reason="forgotten")


def _require_administration(actor: Staff, user: User | None, organisation: Organisation | None = None) -> None:
    if not permissions.administer_user.allows(actor, user):
        raise PermissionDenied(_("Only an administrator, or a manager for their own organisation, manages accounts."))
    if organisation is not None and not permissions.administered_organisations(actor).filter(pk=organisation.pk):
        raise PermissionDenied(_("You can add accounts to your own organisation only."))


def _check_grantable(actor: Staff, roles: Sequence[str]) -> None:
    refused = sorted(set(roles) - set(permissions.grantable_roles(actor)))
    if refused:
        raise ApplicationError(
            _("Only an administrator can give this role."),
            fields={"roles": [_("You cannot give the role: %(role)s") % {"role": Role(r).label} for r in refused]},
        )


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
