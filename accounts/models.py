"""Organisations, users with roles, reference geography, and the append-only audit log.

This app is the ground floor: it knows nothing of cases, shelters or referrals.
"""

from __future__ import annotations

import uuid

import pgtrigger
from django.contrib.auth.models import AbstractUser
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import BrinIndex
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.pages import local_name


class Province(models.Model):
    """A province of Lao PDR (17 and Vientiane Capital); reference data (tier 0)."""

    code = models.CharField(max_length=2, unique=True, help_text=_("ISO 3166-2:LA suffix, e.g. VT"))
    number = models.CharField(max_length=2, unique=True, help_text=_("Lao statistics number, 01-18"))
    name_en = models.CharField(max_length=100)
    name_lo = models.CharField(max_length=100)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return local_name(self)  # in the reader's language

    @property
    def iso_code(self) -> str:
        return f"LA-{self.code}"


class Country(models.Model):
    """ISO 3166-1 alpha-2 countries (plus XX, stateless): nationality, country of exploitation."""

    code = models.CharField(max_length=2, primary_key=True)
    name_en = models.CharField(max_length=100)
    name_lo = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["name_en"]
        verbose_name_plural = "countries"

    def __str__(self) -> str:
        return local_name(self)  # in the reader's language


class District(models.Model):
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="districts")
    code = models.CharField(max_length=4, unique=True, help_text=_("Lao statistics code, e.g. 0101"))
    name_en = models.CharField(max_length=100)
    name_lo = models.CharField(max_length=100)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{local_name(self)} ({local_name(self.province)})"


class OrganisationKind(models.TextChoices):
    MLSW = "mlsw", _("Ministry of Labour and Social Welfare")
    LWU = "lwu", _("Lao Women's Union")
    POLICE = "police", _("Police (Ministry of Public Security)")
    NGO = "ngo", _("Non-governmental organisation")
    OTHER_GOV = "other_gov", _("Other government body")


class Organisation(models.Model):
    """Every user and every case belongs to one organisation; its province scope bounds what
    its managers see (no province = national)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.SlugField(max_length=60, unique=True)
    name_en = models.CharField(max_length=200)
    name_lo = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=20, choices=OrganisationKind.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="units")
    province = models.ForeignKey(
        Province, null=True, blank=True, on_delete=models.PROTECT, help_text=_("Empty for a national organisation")
    )
    is_active = models.BooleanField(default=True)
    two_factor_required = models.BooleanField(
        _("two-factor required"),
        default=False,
        help_text=_("Members must confirm each login with a code from an authenticator app."),
    )

    class Meta:
        ordering = ["name_en"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=OrganisationKind.values), name="organisation_kind_valid"),
        ]

    def __str__(self) -> str:
        return local_name(self)  # in the reader's language

    @property
    def is_national(self) -> bool:
        return self.province_id is None


class Role(models.TextChoices):
    SOCIAL_WORKER = "social_worker", _("Social worker")
    COUNSELLOR = "counsellor", _("Counsellor")
    SHELTER_STAFF = "shelter_staff", _("Shelter staff")
    MANAGER = "manager", _("Manager")
    POLICE = "police", _("Police investigator")
    PARTNER = "partner", _("Partner (API client)")
    STATISTICIAN = "statistician", _("Statistician")
    ADMIN = "admin", _("System administrator")


class Language(models.TextChoices):
    LAO = "lo", "ລາວ"
    ENGLISH = "en", "English"


class User(AbstractUser):
    """A person who logs in. Roles are a set: a counsellor may also be a manager."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    roles = ArrayField(models.CharField(max_length=20, choices=Role.choices), default=list, blank=True)
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.LAO)

    class Meta:
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(condition=Q(roles__contained_by=Role.values), name="user_roles_valid"),
            # Only a superuser may stand outside every organisation.
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | Q(is_superuser=True), name="user_has_organisation"
            ),
        ]
        indexes = [models.Index(fields=["organisation"], name="user_organisation_idx")]

    def has_role(self, *roles: str) -> bool:
        return self.is_active and any(role in self.roles for role in roles)

    @property
    def role_labels(self) -> list[str]:
        return role_labels(self.roles)


def role_labels(codes: list[str]) -> list[str]:
    """Roles as a person reads them, in the page's language."""
    return [str(Role(role).label) for role in codes if role in Role.values]


class AuditAction(models.TextChoices):
    VIEW = "view", _("Viewed")
    LIST = "list", _("Listed")
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")
    EXPORT = "export", _("Exported")
    LOGIN = "login", _("Logged in")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOGOUT = "logout", _("Logged out")
    BREAK_GLASS = "break_glass", _("Emergency access")
    ANONYMISE = "anonymise", _("Anonymised")


@pgtrigger.register(
    # Append-only, enforced by the database itself: not even a bug or a raw SQL session of the
    # application's role can rewrite history. (TRUNCATE is a privilege the production role does
    # not get; see docs/deployment.md. Test runs need it to reset the database.)
    pgtrigger.Protect(name="audit_append_only", operation=pgtrigger.Update | pgtrigger.Delete),
)
class AuditEvent(models.Model):
    """Who did what to which record, when and from where. Never names or contact details:
    the object is named by type and id, the fields by name only.

    Partitioned by month of `at` (migration 0007, docs/audit.md): the table's primary key is
    (at, id), which also serves every newest-first list; ids stay unique (one sequence)."""

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False)
    actor_username = models.CharField(max_length=150, blank=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    roles = ArrayField(models.CharField(max_length=20), default=list, blank=True)
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(max_length=100, blank=True, help_text=_("app_label.model"))
    object_id = models.CharField(max_length=64, blank=True)
    fields = ArrayField(models.CharField(max_length=100), default=list, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "-at"], name="audit_object_idx"),
            models.Index(fields=["actor", "-at"], name="audit_actor_idx"),
            models.Index(fields=["organisation", "-at"], name="audit_organisation_idx"),
            BrinIndex(fields=["id"], name="audit_id_brin"),  # a row by id: tiny, ids grow with time
            # The admin's filter by action: the rare ones (changes, exports, logins, emergency
            # access) would otherwise be looked for through every row; views and lists, most
            # rows, are found in the newest ones and stay out of it (docs/audit.md).
            models.Index(
                fields=["action", "-at"],
                name="audit_action_idx",
                condition=~models.Q(action__in=["view", "list"]),
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.at:%Y-%m-%d %H:%M} {self.actor_username or '-'} {self.action} {self.object_type}:{self.object_id}"
        )

    @property
    def role_labels(self) -> list[str]:
        """The actor's roles at the time, as a person reads them."""
        return role_labels(self.roles)


class WorkerHeartbeat(models.Model):
    """One row per Celery worker host, touched by the heartbeat task; /readyz can show when the
    workers last proved they are alive."""

    hostname = models.CharField(max_length=200, primary_key=True)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.hostname} @ {self.seen_at:%Y-%m-%d %H:%M:%S}"


# --- Follow-up reminders (the engine is notifications/; the rules live in each app) --------
# These four tables belong to notifications/ but their models stay here, in accounts' migration
# history (accounts 0004), so that existing databases need no table move; notifications imports
# them from accounts.models (docs/development.md, "where code lives").
class ReminderSetting(models.Model):
    """One organisation's choice for one rule; a rule without a row uses its defaults in code."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="reminder_settings")
    rule = models.CharField(max_length=40)
    enabled = models.BooleanField(default=True)
    days = models.PositiveSmallIntegerField(help_text=_("Days after the event at which the reminder falls due"))
    escalate_after_days = models.PositiveSmallIntegerField(
        help_text=_("Days a reminder may stay open before the organisation's managers are told too")
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "rule"], name="reminder_setting_unique"),
            models.CheckConstraint(condition=Q(days__lte=3650), name="reminder_setting_days_bounded"),
            models.CheckConstraint(
                condition=Q(escalate_after_days__gte=1, escalate_after_days__lte=365),
                name="reminder_setting_escalation_bounded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.rule}"


class ReminderWatermark(models.Model):
    """How far one rule has been scanned: the next scan looks only at due times after it."""

    rule = models.CharField(max_length=40, primary_key=True)
    scanned_until = models.DateTimeField()
    ticked_at = models.DateTimeField(help_text=_("Wall-clock time of the last scan (the beat's pulse)"))

    def __str__(self) -> str:
        return f"{self.rule} until {self.scanned_until:%Y-%m-%d %H:%M}"


class ReminderOccurrence(models.Model):
    """One reminder that fell due: a rule, an object and a due time, stored once (the natural
    key is unique, so a second scan, beat or worker inserts nothing). Codes and ids only."""

    id = models.BigAutoField(primary_key=True)
    rule = models.CharField(max_length=40)
    object_id = models.UUIDField()
    due_at = models.DateTimeField()
    case_id = models.UUIDField()
    case_code = models.CharField(max_length=40)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-due_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "object_id", "due_at"], name="reminder_occurrence_natural_key"),
        ]
        indexes = [
            models.Index(fields=["rule", "due_at"], condition=Q(resolved_at__isnull=True), name="occurrence_open_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.case_code} @ {self.due_at:%Y-%m-%d}"


class EmailState(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    NONE = "none", _("No e-mail address")


class Notification(models.Model):
    """What one user is told about one occurrence: the in-app row (read or not) and the state of
    its e-mail. Unique per occurrence and user, so nobody is told the same thing twice."""

    id = models.BigAutoField(primary_key=True)
    occurrence = models.ForeignKey(ReminderOccurrence, on_delete=models.CASCADE, related_name="notifications")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    escalation = models.BooleanField(default=False, help_text=_("Sent to a manager because nobody acted"))
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    email_state = models.CharField(max_length=10, choices=EmailState.choices, default=EmailState.PENDING)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["occurrence", "user"], name="notification_once_per_user"),
            models.CheckConstraint(condition=Q(email_state__in=EmailState.values), name="notification_email_state"),
        ]
        indexes = [
            models.Index(fields=["user", "-created_at", "-id"], name="notification_user_idx"),
            models.Index(fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread_idx"),
            models.Index(fields=["id"], condition=Q(email_state="pending"), name="notification_email_pending_idx"),
        ]

    def __str__(self) -> str:
        return f"notification {self.pk} for {self.user_id}"
