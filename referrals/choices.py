"""Enumerations of referrals and consent (docs/design/domain.md: Referrals; docs/design/access.md: Consent)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ConsentGivenBy(models.TextChoices):
    PERSON = "person", _("The person")
    GUARDIAN = "guardian", _("A parent or guardian")
    BEST_INTEREST = "best_interest", _("A best-interest decision (child)")


class DataCategory(models.TextChoices):
    """What a disclosure may contain; a referral shares a subset, the consent must cover it."""

    IDENTITY = "identity", _("Name, sex and age")
    CONTACT = "contact", _("Phone and contact details")
    ORIGIN = "origin", _("Province, district and village of origin")
    LANGUAGE = "language", _("Languages and interpreter needs")
    CASE_SUMMARY = "case_summary", _("Category and form of exploitation")
    SCREENING = "screening", _("Screening outcome")
    HEALTH = "health", _("Health needs")
    # Not a referral's: the de-identified record of the HTCDS export (national_statistics.htcds).
    HTCDS = "htcds", _("De-identified case record for IOM (HTCDS data standard)")


class Urgency(models.TextChoices):
    EMERGENCY = "emergency", _("Emergency (within 24 hours)")
    HIGH = "high", _("High")
    ROUTINE = "routine", _("Routine")


class ReferralStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    CLOSED_WITHOUT_SERVICE = "closed_without_service", _("Closed without service")
    WITHDRAWN = "withdrawn", _("Withdrawn")
