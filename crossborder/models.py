"""Partner instances (peers), the transfers between them, and the two message tables that make
the exchange reliable: the outbox (stored with the change, sent later) and the inbox (applied
once, in order per transfer). docs/cross-border.md is the specification."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedTextField
from crossborder.choices import InboxState, Kind, OutboxState, Purpose, Role, TransferStatus
from referrals.choices import DataCategory


class Peer(models.Model):
    """Another Pathway (or any system speaking the protocol) registered by an administrator, with
    the public key exchanged out of band and what each side may send the other. Acts in audit
    rows as a partner system (`as_actor`): its organisation and instance id."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    instance_id = models.SlugField(max_length=60, unique=True, help_text=_("The key id the peer signs with"))
    base_url = models.URLField(max_length=300)
    public_key = models.CharField(max_length=64, help_text=_("Ed25519 public key, base64"))
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The organisation that stands for the peer here: consents name it as recipient"),
    )
    receiving_organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Our organisation that handles what the peer refers to us"),
    )
    may_send = ArrayField(models.CharField(max_length=20, choices=Purpose.choices), default=list, blank=True)
    may_receive = ArrayField(models.CharField(max_length=20, choices=Purpose.choices), default=list, blank=True)
    categories_in = ArrayField(models.CharField(max_length=20, choices=DataCategory.choices), default=list, blank=True)
    categories_out = ArrayField(models.CharField(max_length=20, choices=DataCategory.choices), default=list, blank=True)
    active = models.BooleanField(default=True)
    # Whether the peer may read our directory of services (organisations, services, areas, capacity,
    # office contact: no person). On by default: it is what a partner needs to name a service.
    share_directory = models.BooleanField(_("share our directory of services"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def as_actor(self) -> PeerSystem:
        """The peer as the audit and timeline writers name it (core.actors.PartnerSystem)."""
        return PeerSystem(pk=self.pk, organisation_id=self.organisation_id, prefix=f"instance {self.instance_id}")


@dataclass
class PeerSystem:
    pk: Any
    organisation_id: Any
    prefix: str


class Transfer(models.Model):
    """One person referred across the border, as this instance sees it. `transfer_id` is the
    same on both instances; `role` says which end this one is."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    transfer_id = models.UUIDField()
    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="transfers")
    role = models.CharField(max_length=12, choices=Role.choices)
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    status = models.CharField(max_length=20, choices=TransferStatus.choices, default=TransferStatus.SENT)
    case = models.ForeignKey(
        "casework.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="crossborder_transfers"
    )
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    consent = models.ForeignKey("referrals.Consent", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    categories = ArrayField(models.CharField(max_length=20, choices=DataCategory.choices), default=list)
    reason = models.TextField()
    # What was shared (JSON of the referral's `person` and `case` objects), encrypted at rest.
    shared = EncryptedTextField(blank=True)
    peer_case_code = models.CharField(max_length=40, blank=True)
    question = models.TextField(blank=True)
    answer = models.TextField(blank=True)
    decline_reason = models.TextField(blank=True)
    # The receiving service the referring worker named from the destination's directory (its
    # organisation code and service code there); empty when none was named.
    provider_code = models.CharField(max_length=60, blank=True)
    provider_service = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["peer", "transfer_id", "role"], name="transfer_once_per_end"),
            models.CheckConstraint(condition=Q(status__in=TransferStatus.values), name="transfer_status_valid"),
            models.CheckConstraint(condition=~Q(role=Role.ORIGIN) | Q(case__isnull=False), name="transfer_origin_case"),
        ]


class TransferStep(models.Model):
    """A shared step done by one end or the other (crossborder.choices.STEPS)."""

    id = models.BigAutoField(primary_key=True)
    transfer = models.ForeignKey(Transfer, on_delete=models.CASCADE, related_name="steps")
    code = models.CharField(max_length=40)
    done_by_role = models.CharField(max_length=12, choices=Role.choices)
    done_on = models.DateField()
    agreed_date = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "id"]
        constraints = [models.UniqueConstraint(fields=["transfer", "code"], name="transfer_step_once")]


class OutboxMessage(models.Model):
    """A message to a peer, written in the transaction of the change it tells, sent later by a
    Celery task; retried with backoff from the database until the peer takes it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="outbox")
    transfer = models.ForeignKey(Transfer, on_delete=models.PROTECT, related_name="outbox")
    seq = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    body = EncryptedTextField()  # the exact envelope sent, every time
    state = models.CharField(max_length=12, choices=OutboxState.choices, default=OutboxState.PENDING)
    created_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["created_at", "seq"]
        constraints = [models.UniqueConstraint(fields=["transfer", "seq"], name="outbox_seq_once")]
        indexes = [
            models.Index(fields=["peer", "next_attempt_at"], condition=Q(state="pending"), name="outbox_due"),
        ]


class InboxMessage(models.Model):
    """A message a peer sent, stored before it is applied. Its id is the peer's message id (the
    idempotency key); `seq` orders the messages of one transfer."""

    id = models.UUIDField(primary_key=True)
    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="inbox")
    transfer_id = models.UUIDField()
    seq = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    body = EncryptedTextField()
    state = models.CharField(max_length=12, choices=InboxState.choices, default=InboxState.WAITING)
    received_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    held_reason = models.TextField(blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolution_note = models.TextField(blank=True)

    class Meta:
        ordering = ["received_at"]
        constraints = [
            models.UniqueConstraint(fields=["peer", "transfer_id", "seq"], name="inbox_seq_once"),
            models.CheckConstraint(condition=~Q(state=InboxState.HELD) | ~Q(held_reason=""), name="inbox_held_reason"),
        ]
        indexes = [models.Index(fields=["state"], condition=Q(state="held"), name="inbox_held")]


class SeenNonce(models.Model):
    """A signature nonce already used by a peer: the same request again is a replay (409).
    Kept a little longer than the signature window, then pruned."""

    id = models.BigAutoField(primary_key=True)
    peer = models.ForeignKey(Peer, on_delete=models.CASCADE, related_name="+")
    nonce = models.CharField(max_length=100)
    seen_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["peer", "nonce"], name="nonce_once")]
        indexes = [models.Index(fields=["seen_at"], name="nonce_seen_at")]


class PeerDirectory(models.Model):
    """Our copy of a peer's directory of services: when it was last refreshed, and how the last
    attempt went. A failed attempt leaves the providers in place (stale); a peer that does not
    share its directory with us any more (403) has them removed."""

    peer = models.OneToOneField(Peer, primary_key=True, on_delete=models.CASCADE, related_name="directory")
    refreshed_at = models.DateTimeField(null=True, blank=True)
    attempted_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    shared = models.BooleanField(default=True)


class PartnerProvider(models.Model):
    """An organisation in a peer's directory, as the peer published it (no person: the
    organisation's names, its services and areas with their names, capacity, office contact)."""

    id = models.BigAutoField(primary_key=True)
    peer = models.ForeignKey(Peer, on_delete=models.CASCADE, related_name="providers")
    code = models.CharField(max_length=60)
    name_en = models.CharField(max_length=200)
    name_lo = models.CharField(max_length=200, blank=True)
    services = models.JSONField(default=list)  # [{"code", "name_en", "name_lo"}]
    service_codes = ArrayField(models.CharField(max_length=40), default=list)
    areas = models.JSONField(default=list)  # [{"code", "name_en", "name_lo"}]
    area_codes = ArrayField(models.CharField(max_length=10), default=list)
    capacity = models.PositiveIntegerField(null=True, blank=True)
    accepting = models.BooleanField(default=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.CharField(max_length=254, blank=True)
    note = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)  # when the peer's entry last changed there

    class Meta:
        ordering = ["peer__name", "-accepting", "name_en"]
        constraints = [models.UniqueConstraint(fields=["peer", "code"], name="partner_provider_once")]

    def __str__(self) -> str:
        return self.name_en
