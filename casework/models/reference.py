"""Reference tables an administrator extends without a migration (docs/design/domain.md: where a
Lao-specific list is uncertain, seed it as a lookup table)."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casework.cadence import MAX_MONTH, validate_months
from casework.choices import AppliesTo, Dimension, Element, ExploitationKind, Strength
from core.pages import local_name


class Lookup(models.Model):
    code = models.SlugField(max_length=60, primary_key=True)
    name_en = models.CharField(max_length=200)
    name_lo = models.CharField(max_length=200, blank=True)
    active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["position", "name_en"]

    def __str__(self) -> str:
        return local_name(self)  # in the reader's language


class Ethnicity(Lookup):
    family = models.CharField(max_length=20, blank=True)

    class Meta(Lookup.Meta):
        verbose_name_plural = "ethnicities"


class ExploitationForm(Lookup):
    """Forms of exploitation (HTCDS vic_TypeOfExploitation); `htcds` names the HTCDS value."""

    htcds = models.CharField(max_length=60, blank=True)
    kind = models.CharField(max_length=10, choices=ExploitationKind.choices, default=ExploitationKind.BOTH)


class ServiceType(Lookup):
    """The rights of victims under the Anti-Trafficking Law, as services a case receives.
    `health` marks medical and mental-health services, which police never see."""

    health = models.BooleanField(default=False)


class BorderPoint(Lookup):
    """International checkpoints where returnees are handed over (Friendship Bridges, Boten...)."""

    country = models.ForeignKey("accounts.Country", null=True, blank=True, on_delete=models.PROTECT)


class Indicator(models.Model):
    """One screening indicator (ILO/EC 2009 operational indicators, COMMIT, local red flags)."""

    code = models.SlugField(max_length=80, primary_key=True)
    element = models.CharField(max_length=10, choices=Element.choices)
    dimension = models.CharField(max_length=40, choices=Dimension.choices)
    strength = models.CharField(max_length=10, choices=Strength.choices)
    applies_to = models.CharField(max_length=10, choices=AppliesTo.choices, default=AppliesTo.BOTH)
    exploitation_kind = models.CharField(max_length=10, choices=ExploitationKind.choices, default=ExploitationKind.BOTH)
    text_en = models.CharField(max_length=300)
    text_lo = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=40, default="ILO2009")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["element", "dimension", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(element__in=Element.values), name="indicator_element_valid"),
            models.CheckConstraint(condition=Q(strength__in=Strength.values), name="indicator_strength_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.element}: {self.text_en}"


class ElementThreshold(models.Model):
    """When an element counts as present: at least `strong` strong indicators, or at least
    `medium` indicators of medium or strong strength, or (if set) `weak` indicators of any
    strength. Default (docs/design/domain.md): one strong or two medium."""

    element = models.CharField(max_length=10, choices=Element.choices, primary_key=True)
    strong = models.PositiveSmallIntegerField(default=1)
    medium = models.PositiveSmallIntegerField(default=2)
    weak = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("Empty: weak indicators alone never suffice")
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(strong__gte=1) & Q(medium__gte=1) & (Q(weak__isnull=True) | Q(weak__gte=1)),
                name="threshold_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.element}: {self.strong} strong / {self.medium} medium"


class FollowUpPolicy(models.Model):
    """When reintegrated people are visited: `months` after the return home, in calendar months
    (casework.cadence; 1, 3, 6, 12 by default). A policy without an organisation is a shared one a
    case plan may choose (one of them is the default); a policy with one is that organisation's
    own cadence, kept by its managers on the reminder rules page, used when the plan chose none."""

    code = models.SlugField(max_length=60, primary_key=True)
    name_en = models.CharField(max_length=200)
    months = ArrayField(
        models.PositiveSmallIntegerField(),
        validators=[validate_months],
        help_text=_("Months after reintegration, e.g. 1, 3, 6, 12"),
    )
    organisation = models.OneToOneField(
        "accounts.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="follow_up_policy"
    )
    is_default = models.BooleanField(default=False)

    class Meta:
        verbose_name_plural = "follow-up policies"
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_follow_up_policy"
            ),
            models.CheckConstraint(
                condition=Q(months__len__gte=1) & Q(months__len__lte=MAX_MONTH), name="follow_up_months_listed"
            ),
            models.CheckConstraint(
                condition=Q(organisation__isnull=True) | Q(is_default=False), name="follow_up_default_is_shared"
            ),
        ]

    def __str__(self) -> str:
        return local_name(self)  # in the reader's language
