"""Cases: one episode of assistance for one person, owned by one organisation; with the ways a
case moves (assignment, transfer, sharing) and its readable timeline."""

from __future__ import annotations

import uuid

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from casework.choices import CaseCategory, CaseStatus, ClosureReason, IdentificationRoute, TransferStatus
from casework.models.history import tracked
from casework.models.people import EARLIEST_BIRTH_SQL, FIRST_CASE_DATE_SQL

# When the case last had a note, or was opened if it has none.
QUIET_SINCE_SQL = (
    "COALESCE((SELECT max(n.written_at) FROM casework_casenote n WHERE n.case_id = {case}.id), {case}.created_at)"
)
# Columns the database keeps for its own queries (the triggers below): not part of the case's
# history, nor of the record a subject access request hands out.
DATABASE_KEPT = ["quiet_since"]


@pgtrigger.register(
    # The last line behind casework.services.dates: nothing in a case happens before the birth.
    pgtrigger.Trigger(
        name="case_dates_after_birth",
        when=pgtrigger.Before,
        operation=pgtrigger.Insert
        | pgtrigger.UpdateOf("person_id", "identified_on", "exploitation_started_on", "exploitation_ended_on"),
        func=f"""
        IF {FIRST_CASE_DATE_SQL.format(row="NEW")} < (
            SELECT {EARLIEST_BIRTH_SQL.format(row="p")} FROM casework_person p WHERE p.id = NEW.person_id
        ) THEN
            RAISE EXCEPTION 'case %: a date is before the person''s birth', NEW.id
                USING ERRCODE = 'check_violation', CONSTRAINT = 'case_dates_after_birth';
        END IF;
        RETURN NEW;
        """,  # noqa: S608 - constants only
    ),
    # quiet_since is the database's own copy: recomputed on every write of the case, so a save
    # of a stale instance cannot put back an old value (the notes' trigger is in assistance.py).
    pgtrigger.Trigger(
        name="case_quiet_since",
        when=pgtrigger.Before,
        operation=pgtrigger.Insert | pgtrigger.Update,
        func=f"NEW.quiet_since := {QUIET_SINCE_SQL.format(case='NEW')}; RETURN NEW;",
    ),
)
@tracked("CaseHistory", exclude=DATABASE_KEPT)
class Case(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey("casework.Person", on_delete=models.PROTECT, related_name="cases")
    owner = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="cases")
    assigned_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="assigned_cases"
    )
    category = models.CharField(max_length=30, choices=CaseCategory.choices)
    exploitation_forms = models.ManyToManyField("casework.ExploitationForm", blank=True, related_name="+")
    exploitation_country = models.ForeignKey(
        "accounts.Country", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    exploitation_province = models.ForeignKey(
        "accounts.Province",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Where in Lao PDR, when exploited within the country"),
    )
    exploitation_started_on = models.DateField(null=True, blank=True)
    exploitation_ended_on = models.DateField(null=True, blank=True)
    identification_route = models.CharField(max_length=30, choices=IdentificationRoute.choices)
    identified_on = models.DateField()
    # Stored at opening (age on the identification date) so lists and statistics can filter on it.
    child_at_identification = models.BooleanField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN)

    closure_reason = models.CharField(max_length=20, choices=ClosureReason.choices, blank=True)
    closure_note = models.TextField(blank=True)
    closure_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closure_requested_at = models.DateTimeField(null=True, blank=True)
    closure_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    # A worker's request to reopen a closed case, until a manager decides (four eyes).
    reopen_reason = models.TextField(blank=True)
    reopen_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reopen_requested_at = models.DateTimeField(null=True, blank=True)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Where the "no note for 30 days" reminder counts from (QUIET_SINCE_SQL), kept by triggers
    # whatever writes the case or its notes; None only in memory until the instance is re-read.
    quiet_since = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(category__in=CaseCategory.values), name="case_category_valid"),
            models.CheckConstraint(condition=Q(status__in=CaseStatus.values), name="case_status_valid"),
            models.CheckConstraint(
                condition=~Q(status=CaseStatus.CLOSED) | (~Q(closure_reason="") & Q(closure_approved_by__isnull=False)),
                name="case_closed_with_reason_and_approval",
            ),
            models.CheckConstraint(
                condition=Q(exploitation_ended_on__isnull=True)
                | Q(exploitation_started_on__isnull=True)
                | Q(exploitation_started_on__lte=F("exploitation_ended_on")),
                name="case_exploitation_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(exploitation_started_on__isnull=True) | Q(exploitation_started_on__lte=F("identified_on")),
                name="case_exploitation_starts_by_identification",
            ),
        ]
        indexes = [
            models.Index(fields=["-created_at", "id"], name="case_newest_first_idx"),
            models.Index(fields=["owner", "status"], name="case_owner_status_idx"),
            models.Index(fields=["assigned_worker", "status"], name="case_worker_status_idx"),
            models.Index(fields=["category", "identified_on"], name="case_category_date_idx"),
            # A manager's open cases counted per worker from the index alone (casework.workload;
            # 175 ms to 9 ms at 1,000,000 people: docs/performance.md).
            models.Index(
                fields=["owner", "assigned_worker"],
                include=["id", "closure_requested_at"],
                condition=~Q(status="closed"),
                name="case_open_owner_worker_idx",
            ),
            # One worker's cases by quiet date, from the index alone (closed ones too, left out on
            # the included status): the "no note" reminder on the notifications page.
            models.Index(
                fields=["assigned_worker", "quiet_since"],
                include=["id", "owner", "person", "status"],
                name="case_worker_quiet_idx",
            ),
            # Everyone's quiet open cases: the engine's scan.
            models.Index(
                fields=["quiet_since"],
                include=["id", "owner", "person", "assigned_worker"],
                condition=~Q(status="closed"),
                name="case_open_quiet_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.case_code} {self.get_category_display()}" if self.person_id else str(self.pk)

    @property
    def closure_pending(self) -> bool:
        return self.status != CaseStatus.CLOSED and self.closure_requested_at is not None

    @property
    def reopen_pending(self) -> bool:
        return self.status == CaseStatus.CLOSED and self.reopen_requested_at is not None


class CaseShare(models.Model):
    """Another organisation's read access to a case (police at identification, a receiving
    organisation through a referral). Revoking ends it at once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="shares")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="shared_cases")
    purpose = models.CharField(max_length=200)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "organisation"], condition=Q(revoked_at__isnull=True), name="one_active_share_per_org"
            ),
        ]


class CaseTransfer(models.Model):
    """Ownership moves to another organisation only when it accepts."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transfers")
    from_organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    to_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="incoming_transfers"
    )
    reason = models.TextField()
    status = models.CharField(max_length=10, choices=TransferStatus.choices, default=TransferStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(status=TransferStatus.PENDING), name="one_pending_transfer_per_case"
            ),
            models.CheckConstraint(
                condition=~Q(from_organisation=F("to_organisation")), name="transfer_to_another_org"
            ),
        ]


class CaseEvent(models.Model):
    """The case's readable timeline, written by services. `data` holds codes and ids, never
    names: the timeline is shown to everyone who may see the case."""

    id = models.BigAutoField(primary_key=True)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=50)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["case", "-at"], name="case_event_case_idx")]


@pgtrigger.register(
    # A grant is evidence: like the audit log, it is never rewritten or removed.
    pgtrigger.Protect(name="break_glass_append_only", operation=pgtrigger.Update | pgtrigger.Delete),
)
class BreakGlassGrant(models.Model):
    """Emergency access (docs/design/access.md: break-glass): a manager or administrator reads one case
    outside their scope (tiers 1-2, never tier 3, never a change) for a stated reason, from
    `starts_at` until `expires_at`. Every read in that time is audited with the reason, and
    the owning organisation's managers are alerted when it opens."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="break_glass_grants")
    reason = models.TextField()
    starts_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="break_glass_reasoned"),
            models.CheckConstraint(condition=Q(expires_at__gt=F("starts_at")), name="break_glass_expires_after_start"),
        ]
        indexes = [models.Index(fields=["user", "case", "-expires_at"], name="break_glass_user_case_idx")]

    def __str__(self) -> str:
        return f"break-glass {self.pk} on {self.case_id} until {self.expires_at:%Y-%m-%d %H:%M}"
