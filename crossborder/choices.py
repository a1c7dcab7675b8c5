"""Enumerations of cross-border transfers (docs/cross-border.md): what a transfer is for, where
it stands, the message kinds of the protocol and the shared repatriation steps."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Purpose(models.TextChoices):
    REPATRIATION = "repatriation", _("Repatriation")
    REINTEGRATION = "reintegration", _("Reintegration")


class Role(models.TextChoices):
    """Which end of a transfer this instance is."""

    ORIGIN = "origin", _("We referred")
    DESTINATION = "destination", _("Referred to us")


class TransferStatus(models.TextChoices):
    SENT = "sent", _("Waiting for an answer")
    INFO_REQUESTED = "info_requested", _("More information asked")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    COMPLETED = "completed", _("Reintegration reached")


class Kind(models.TextChoices):
    """Message kinds: the `kind` field of the envelope."""

    REFERRAL = "referral", _("Referral")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    INFO_REQUESTED = "info_requested", _("More information asked")
    INFO_PROVIDED = "info_provided", _("Information given")
    STEP_DONE = "step_done", _("Step done")


# Kinds each end may send: the origin refers and answers, the destination decides; both do steps.
SENT_BY = {
    Role.ORIGIN: {Kind.REFERRAL, Kind.INFO_PROVIDED, Kind.STEP_DONE},
    Role.DESTINATION: {Kind.ACCEPTED, Kind.DECLINED, Kind.INFO_REQUESTED, Kind.STEP_DONE},
}


class OutboxState(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    DELIVERED = "delivered", _("Delivered")
    HELD = "held", _("Held: refused by the partner")


class InboxState(models.TextChoices):
    WAITING = "waiting", _("Waiting for an earlier message")
    APPLIED = "applied", _("Applied")
    HELD = "held", _("Held: could not be applied")
    SET_ASIDE = "set_aside", _("Set aside by a person")


@dataclass(frozen=True)
class Step:
    code: str
    label: Any  # a lazy translation
    by: Role  # the end that does it (both see it)
    carries_date: bool = False


# The steps both instances keep, in order: each needs the one before it. `by` is which end does
# the step; the other end sees it when its message is applied.
STEPS: tuple[Step, ...] = (
    Step("nationality_verified", _("Nationality verified"), Role.DESTINATION),
    Step("handover_date_agreed", _("Handover date agreed"), Role.ORIGIN, carries_date=True),
    Step("handover_done", _("Handover done"), Role.ORIGIN),
    Step("reception", _("Reception"), Role.DESTINATION),
    Step("follow_up", _("Reintegration follow-up"), Role.DESTINATION),
)
REINTEGRATION_STEPS = ("reception", "follow_up")
LAST_STEP = "follow_up"


def steps_for(purpose: str) -> tuple[Step, ...]:
    """A repatriation walks every step; a reintegration (the person is home) only the last two."""
    if purpose == Purpose.REINTEGRATION:
        return tuple(step for step in STEPS if step.code in REINTEGRATION_STEPS)
    return STEPS


def step_named(code: str) -> Step | None:
    return next((step for step in STEPS if step.code == code), None)
