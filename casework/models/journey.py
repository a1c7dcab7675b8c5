"""The trafficking journey: dated events of a case (recruitment, transit, exploitation, exit),
with the HTCDS v2.0 code lists they are coded in (docs/htcds.md). Tier 2, like the person's
identity: places, dates and how she was recruited can point at who she is, so the journey is
seen with the case (police in scope included: investigators need it), never in an aggregate
without suppression. There is no narrative field: what happened to her in her own words is a
counselling note (tier 3)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from casework.choices import CodeList, JourneyStage
from core.pages import local_name


class JourneyCode(models.Model):
    """One value of a code list (HTCDS v2.0 where it has one; `htcds` is the standard's value
    name, empty for Pathway's own values such as forced criminality and exit). Seeded from
    seeds/data/journey_codes.json; an administrator may add values without a migration."""

    list = models.CharField(max_length=30, choices=CodeList.choices)
    code = models.SlugField(max_length=60)
    htcds = models.CharField(max_length=80, blank=True)
    name_en = models.CharField(max_length=200)
    name_lo = models.CharField(max_length=200, blank=True)
    active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["list", "position", "name_en"]
        constraints = [models.UniqueConstraint(fields=["list", "code"], name="journey_code_unique")]

    def __str__(self) -> str:
        return local_name(self)


def codes() -> ArrayField:  # type: ignore[type-arg]
    return ArrayField(models.CharField(max_length=60), default=list, blank=True)


class JourneyEvent(models.Model):
    """One step of the journey. Which fields apply depends on the stage (the form shows them by
    stage; the service clears the others): the same country, place, dates and border crossing
    for all, the recruitment's how and promise, the exploitation's form, sector, conditions and
    forced criminality, the exit's way out."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("casework.Case", on_delete=models.CASCADE, related_name="journey")
    stage = models.CharField(max_length=20, choices=JourneyStage.choices)
    country = models.ForeignKey("accounts.Country", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    place = models.CharField(max_length=200, blank=True, help_text=_("Town, district or province"))
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    crossed_border = models.BooleanField(default=False)
    border_point = models.ForeignKey(
        "casework.BorderPoint", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    irregular_crossing = models.BooleanField(default=False)
    # Recruitment
    recruitment_methods = codes()
    recruiter_relationship = models.CharField(max_length=60, blank=True)
    recruiter_roles = codes()
    apps = codes()
    promise = models.CharField(max_length=300, blank=True, help_text=_("What she was promised"))
    # Exploitation
    exploitation_types = codes()
    labour_industry = models.CharField(max_length=60, blank=True)
    sex_exploitation_types = codes()
    methods_of_control = codes()
    forced_criminality = codes()
    # Exit
    exit_kind = models.CharField(max_length=60, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = [F("started_on").asc(nulls_last=True), "recorded_at", "id"]
        indexes = [models.Index(fields=["case", "stage"], name="journey_case_stage")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(started_on__isnull=True) | Q(started_on__lte=F("ended_on")),
                name="journey_dates_ordered",
            ),
            models.CheckConstraint(condition=Q(stage__in=JourneyStage.values), name="journey_stage_valid"),
            models.CheckConstraint(
                condition=Q(crossed_border=True) | (Q(border_point__isnull=True) & Q(irregular_crossing=False)),
                name="journey_crossing_needs_border",
            ),
        ]
