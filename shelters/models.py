"""Shelters and who they accept. Beds, stays and occupancy arrive with the shelters issue."""

from __future__ import annotations

import uuid

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, Province
from casework.choices import CaseCategory, Sex


class Shelter(models.Model):
    """A residential shelter or transit centre. Its public name is tier 0; its address is
    tier 2 (confidential) and only shown to those who may see residents."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.SlugField(max_length=60, unique=True)
    name_en = models.CharField(max_length=200)
    name_lo = models.CharField(max_length=200, blank=True)
    operator = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="shelters")
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="shelters")
    address = models.TextField(blank=True, help_text=_("Confidential (tier 2)"))
    accepts_sexes = ArrayField(models.CharField(max_length=10, choices=Sex.choices), default=list)
    min_age = models.PositiveSmallIntegerField(null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(null=True, blank=True, help_text=_("Inclusive; empty = no limit"))
    accepts_categories = ArrayField(models.CharField(max_length=30, choices=CaseCategory.choices), default=list)
    is_transit_centre = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name_en"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_age__isnull=True) | Q(max_age__isnull=True) | Q(min_age__lte=F("max_age")),
                name="shelter_age_range_valid",
            ),
            models.CheckConstraint(condition=Q(accepts_sexes__contained_by=Sex.values), name="shelter_sexes_valid"),
            models.CheckConstraint(
                condition=Q(accepts_categories__contained_by=CaseCategory.values), name="shelter_categories_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name_en
