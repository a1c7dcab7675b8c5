"""Enumerations the casework workflow depends on (code enums, per domain.md).

Lists an administrator should extend without a migration (exploitation forms, services,
indicators, border points) are reference tables in models.py instead. Values follow IOM's
HTCDS v2.0 where it has them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    # HTCDS prs_Gender maps Feminine/Masculine/NonSpecifiedUnknown onto these.
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other / unknown")


class CaseCategory(models.TextChoices):
    """The shelters' own counting categories (their annual tables)."""

    TRAFFICKING = "trafficking", _("Human trafficking")
    RISK_GROUP = "risk_group", _("Risk group")
    RAPE = "rape", _("Rape")
    DOMESTIC_VIOLENCE = "domestic_violence", _("Domestic violence")
    CHILD_LABOUR = "child_labour", _("Child labour")
    SEXUAL_EXPLOITATION = "sexual_exploitation", _("Sexual exploitation")
    VULNERABLE = "vulnerable", _("Vulnerable / street child")
