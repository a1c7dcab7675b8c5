"""Consent per disclosure, referrals between organisations with their event log, partner API
tokens, idempotency records and webhooks."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casework.models.history import tracked
from referrals.choices import ConsentGivenBy, DataCategory, ReferralStatus, Urgency


@tracked("ConsentHistory")
class Consent(models.Model):
    """One disclosure the person (or for a child a guardian, or a best-interest decision) agreed
    to: which organisation may receive which categories of data, for which services, from when
    until it is withdrawn or expires (GBVIMS: consent per referral service)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey("casework.Person", on_delete=models.PROTECT, related_name="consents")
    case = models.ForeignKey("casework.Case", on_delete=models.PROTECT, related_name="consents")
    recipient = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    data_categories = ArrayField(models.CharField(max_length=20, choices=DataCategory.choices))
    service_types = models.ManyToManyField("casework.ServiceType", related_name="+")
    purpose = models.CharField(max_length=300)
    given_by = models.CharField(max_length=20, choices=ConsentGivenBy.choices)
    guardian = models.ForeignKey(
        "casework.FamilyMember", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    best_interest_reason = models.TextField(blank=True)
    given_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawal_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-given_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(data_categories__contained_by=DataCategory.values), name="consent_categories_valid"
            ),
            models.CheckConstraint(
                condition=~Q(given_by=ConsentGivenBy.GUARDIAN) | Q(guardian__isnull=False),
                name="consent_guardian_named",
            ),
            models.CheckConstraint(
                condition=~Q(given_by=ConsentGivenBy.BEST_INTEREST) | ~Q(best_interest_reason=""),
                name="consent_best_interest_reasoned",
            ),
        ]


@tracked("ReferralHistory")
class Referral(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("casework.Case", on_delete=models.PROTECT, related_name="referrals")
    from_organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    from_worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    to_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="referrals_received"
    )
    service_types = models.ManyToManyField("casework.ServiceType", related_name="+")
    urgency = models.CharField(max_length=20, choices=Urgency.choices, default=Urgency.ROUTINE)
    reason = models.TextField()
    shared_categories = ArrayField(models.CharField(max_length=20, choices=DataCategory.choices), default=list)
    consent = models.ForeignKey(Consent, null=True, blank=True, on_delete=models.PROTECT, related_name="referrals")
    consent_override = models.BooleanField(
        default=False, help_text=_("Shared without consent to protect a life (needs a second person's approval)")
    )
    status = models.CharField(max_length=30, choices=ReferralStatus.choices, default=ReferralStatus.DRAFT)
    acknowledge_due_at = models.DateTimeField(null=True, blank=True)
    answer_due_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)
    outcome = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Position in the stream of changes partners pull (see referrals.changes).
    change_seq = models.BigIntegerField(default=0, db_index=True)

    class Meta:
        ordering = ["-created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ReferralStatus.values), name="referral_status_valid"),
            models.CheckConstraint(
                condition=Q(shared_categories__contained_by=DataCategory.values), name="referral_categories_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=ReferralStatus.DRAFT) | Q(consent__isnull=False) | Q(consent_override=True),
                name="referral_sent_with_consent",
            ),
            models.CheckConstraint(
                condition=~Q(status=ReferralStatus.DECLINED) | ~Q(decline_reason=""), name="referral_decline_reasoned"
            ),
        ]
        indexes = [
            models.Index(fields=["to_organisation", "change_seq"], name="referral_partner_changes"),
            # A first pull by time (`updated_since`) finds where it starts in the stream here,
            # from the index alone (referrals.selectors.partner_referrals).
            models.Index(
                fields=["to_organisation", "updated_at"],
                include=["change_seq", "status"],
                name="referral_partner_updated",
            ),
            models.Index(fields=["case", "-created_at"], name="referral_case_idx"),
            # For the reminders (referrals/reminders.py): referrals waiting for an answer, by sending time.
            models.Index(
                fields=["sent_at"], condition=Q(status__in=["sent", "acknowledged"]), name="referral_waiting_sent_idx"
            ),
        ]


class ConsentOverride(models.Model):
    """A request to send a referral without (covering) consent to protect a life: the requester
    gives the reason; a manager of the sending organisation other than the requester approves
    or rejects it (four eyes, enforced by the database too). Only an approved request sets the
    referral's `consent_override`, and only then can it be sent."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="consent_overrides")
    reason = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["pending", "approved", "rejected"]), name="override_status"),
            models.CheckConstraint(condition=~Q(reason=""), name="override_reasoned"),
            models.UniqueConstraint(
                fields=["referral"], condition=Q(status__in=["pending", "approved"]), name="override_one_open"
            ),
            # Decided exactly when not pending, and never by the person who asked.
            models.CheckConstraint(
                condition=Q(status="pending", decided_by__isnull=True, decided_at__isnull=True)
                | (
                    ~Q(status="pending")
                    & Q(decided_by__isnull=False, decided_at__isnull=False)
                    & ~Q(decided_by=models.F("requested_by"))
                ),
                name="override_four_eyes",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(decision_note=""), name="override_rejection_reasoned"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-requested_at"], condition=Q(status="pending"), name="override_pending_idx")
        ]


class ReferralEvent(models.Model):
    """Every status change and note, with who (staff or a partner token), when and a sequence
    number from one database sequence: the stream partners pull incrementally."""

    id = models.BigAutoField(primary_key=True)
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    seq = models.BigIntegerField(unique=True)
    # The writing transaction's id: a reader returns only events of transactions that had all
    # finished when its snapshot was taken, so a slow transaction can never be skipped.
    txid = models.BigIntegerField(db_index=True)
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    token = models.ForeignKey(
        "referrals.PartnerToken", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=30)
    from_status = models.CharField(max_length=30, blank=True)
    to_status = models.CharField(max_length=30, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["seq"]


class PartnerToken(models.Model):
    """An API token of a partner organisation. Only a SHA-256 hash is stored; the token is shown
    once. Several may be active at once (rotation); revoking takes effect on the next request."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, db_index=True, help_text=_("The first characters, to tell tokens apart"))
    digest = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"


class IdempotencyRecord(models.Model):
    """The answer to a state-changing partner call with an Idempotency-Key: a retry gets the
    same answer instead of applying the change twice."""

    id = models.BigAutoField(primary_key=True)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    request_digest = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "key"], name="idempotency_key_once")]


class Webhook(models.Model):
    """A partner's HTTPS endpoint, told (HMAC-signed, no personal data) when a referral is sent
    to it or changes."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(max_length=500)
    secret = models.CharField(max_length=100)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(url__startswith="https://"), name="webhook_https_only")]


class WebhookDelivery(models.Model):
    """One notification to one webhook, retried with backoff until delivered or given up."""

    id = models.BigAutoField(primary_key=True)
    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(ReferralEvent, on_delete=models.CASCADE, related_name="+")
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    gave_up_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["webhook", "event"], name="one_delivery_per_event")]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(delivered_at__isnull=True, gave_up_at__isnull=True),
                name="webhook_delivery_due",
            ),
        ]


class DirectoryEntry(models.Model):
    """An organisation's entry in the directory of services: which services it provides in which
    provinces, how many it can take and whether it accepts referrals now, and the office contact
    (never a person's own phone or e-mail). The referral form offers providers from it."""

    organisation = models.OneToOneField(
        "accounts.Organisation", primary_key=True, on_delete=models.PROTECT, related_name="directory_entry"
    )
    service_types = models.ManyToManyField("casework.ServiceType", related_name="+", blank=True)
    provinces = models.ManyToManyField("accounts.Province", related_name="+", blank=True)
    capacity = models.PositiveIntegerField(
        _("places or cases a month"), null=True, blank=True, help_text=_("Leave empty if not known")
    )
    accepting = models.BooleanField(_("accepting referrals"), default=True)
    phone = models.CharField(_("office phone"), max_length=40, blank=True)
    email = models.EmailField(_("office e-mail"), blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["organisation__name_en"]

    def __str__(self) -> str:
        return str(self.organisation)
