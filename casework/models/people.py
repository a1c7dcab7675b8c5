"""People (victims and persons at risk) and their family members. Names, birth dates, origin
village and contacts are tier 2 (identity); lists and logs show the case code only.

The identity fields that name or locate a person are encrypted at rest (core.fields): the
names, village, phone, contact notes, identity document, and a relative's name, phone and
notes. Names are found through blind indexes of their words (casework.names). Kept in clear,
because statistics and the duplicate search compute with them in SQL: sex, date of birth and
the estimated age, and the province and district of origin (docs/deployment.md, "Encrypted
fields", says why)."""

from __future__ import annotations

import uuid
from typing import Any

import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from casework.choices import Relationship, Sex
from casework.models.history import tracked
from casework.names import NAME_FIELDS, person_indexes
from core.fields import EncryptedCharField, EncryptedTextField

NAME_INDEX_FIELDS = ("name_index_latin", "name_index_lo", "name_prefixes", "name_index_key")

# Fields that identify a person (tier 2). Serializers, pages and audit rows use this list.
PERSON_IDENTITY_FIELDS = (
    "given_name_lo",
    "family_name_lo",
    "given_name_latin",
    "family_name_latin",
    "date_of_birth",
    "origin_village",
    "phone",
    "contact_notes",
    "identity_document",
)

# The earliest birth date a person row allows (casework.services.dates.earliest_birth): the
# date of birth, or the first day on which the estimated age could have been reached.
EARLIEST_BIRTH_SQL = (
    "COALESCE({row}.date_of_birth, "
    "({row}.age_estimated_on - make_interval(years => {row}.estimated_age + 1))::date + 1)"
)
# The earliest of a case row's dates (LEAST skips NULLs).
FIRST_CASE_DATE_SQL = "LEAST({row}.identified_on, {row}.exploitation_started_on, {row}.exploitation_ended_on)"


class CaseCodeCounter(models.Model):
    """The last case-code number used per province and year. Taking a number is an UPSERT
    that holds the row lock until the transaction ends: concurrent registrations queue, and a
    rolled-back registration gives its number back, so codes have neither duplicates nor gaps."""

    province = models.ForeignKey("accounts.Province", on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["province", "year"], name="case_code_counter_unique")]


@pgtrigger.register(
    # The last line behind casework.services.dates: a birth never moves after a case's dates.
    pgtrigger.Trigger(
        name="person_birth_before_cases",
        when=pgtrigger.Before,
        operation=pgtrigger.UpdateOf("date_of_birth", "estimated_age", "age_estimated_on"),
        func=f"""
        IF EXISTS (
            SELECT 1 FROM casework_case c
            WHERE c.person_id = NEW.id
            AND {FIRST_CASE_DATE_SQL.format(row="c")} < {EARLIEST_BIRTH_SQL.format(row="NEW")}
        ) THEN
            RAISE EXCEPTION 'person %: a case date is before this birth', NEW.id
                USING ERRCODE = 'check_violation', CONSTRAINT = 'person_birth_before_cases';
        END IF;
        RETURN NEW;
        """,  # noqa: S608 - constants only
    )
)
@tracked("PersonHistory")
class Person(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case_code = models.CharField(max_length=20, unique=True, editable=False, help_text=_("e.g. VT-2026-00042"))
    registration_province = models.ForeignKey("accounts.Province", on_delete=models.PROTECT, related_name="+")
    registered_on = models.DateField()

    given_name_lo = EncryptedCharField(_("given name (Lao script)"), max_length=100, blank=True)
    family_name_lo = EncryptedCharField(_("family name (Lao script)"), max_length=100, blank=True)
    given_name_latin = EncryptedCharField(_("given name (Latin letters)"), max_length=100, blank=True)
    family_name_latin = EncryptedCharField(_("family name (Latin letters)"), max_length=100, blank=True)
    # Blind indexes of the names' words (casework.names), kept by save() and index_names().
    name_index_latin = ArrayField(
        models.CharField(max_length=32), default=list, blank=True, editable=False, help_text=_("Keyed hashes")
    )
    name_index_lo = ArrayField(
        models.CharField(max_length=32), default=list, blank=True, editable=False, help_text=_("Keyed hashes")
    )
    # The beginnings of those words (casework.names.prefix_indexes): "Mani" finds "Manivanh".
    name_prefixes = ArrayField(
        models.CharField(max_length=32), default=list, blank=True, editable=False, help_text=_("Keyed hashes")
    )
    name_index_key = models.CharField(
        max_length=8, blank=True, editable=False, help_text=_("Id of the key the name indexes were computed with")
    )

    sex = models.CharField(max_length=10, choices=Sex.choices)
    date_of_birth = models.DateField(null=True, blank=True)
    birth_date_estimated = models.BooleanField(default=False)
    estimated_age = models.PositiveSmallIntegerField(null=True, blank=True)
    age_estimated_on = models.DateField(null=True, blank=True)

    nationality = models.ForeignKey("accounts.Country", on_delete=models.PROTECT, default="LA", related_name="+")
    ethnicity = models.ForeignKey("casework.Ethnicity", null=True, blank=True, on_delete=models.PROTECT)
    languages = ArrayField(models.CharField(max_length=10), default=list, blank=True, help_text=_("ISO 639 codes"))
    interpreter_needed = models.BooleanField(default=False)
    interpreter_language = models.CharField(max_length=10, blank=True)

    origin_province = models.ForeignKey(
        "accounts.Province", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    origin_district = models.ForeignKey("accounts.District", null=True, blank=True, on_delete=models.PROTECT)
    origin_village = EncryptedCharField(max_length=200, blank=True)
    phone = EncryptedCharField(max_length=20, blank=True)
    contact_notes = EncryptedTextField(blank=True)
    identity_document = EncryptedCharField(max_length=100, blank=True)

    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged")
    anonymised_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text=_("When the retention rule cleared the identity")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["case_code"]
        constraints = [
            models.CheckConstraint(condition=Q(sex__in=Sex.values), name="person_sex_valid"),
            models.CheckConstraint(
                condition=Q(estimated_age__isnull=True) | Q(estimated_age__lte=120), name="person_estimated_age_range"
            ),
            models.CheckConstraint(
                condition=Q(estimated_age__isnull=True) | Q(age_estimated_on__isnull=False),
                name="person_estimate_is_dated",
            ),
            models.CheckConstraint(
                condition=Q(date_of_birth__isnull=True) | Q(date_of_birth__gte="1900-01-01"),
                name="person_birth_date_plausible",
            ),
        ]
        indexes = [
            # Name search and duplicate search: "has these words" (@>) and "shares a word" (&&).
            GinIndex(fields=["name_index_latin"], name="person_name_index_latin"),
            GinIndex(fields=["name_index_lo"], name="person_name_index_lo"),
            GinIndex(fields=["name_prefixes"], name="person_name_prefixes"),
            models.Index(fields=["origin_district", "date_of_birth"], name="person_origin_birth_idx"),
            models.Index(fields=["-created_at", "id"], name="person_created_idx"),
            # Prefix search on case codes (LIKE 'VT-2026-%').
            models.Index(fields=["case_code"], opclasses=["varchar_pattern_ops"], name="person_case_code_prefix_idx"),
        ]

    def __str__(self) -> str:
        return self.case_code  # never a name: __str__ ends up in logs and admin messages

    # For core.field_keys: recompute these from the decrypted names when the index key changes.
    blind_index_key_field = "name_index_key"
    blind_indexes = staticmethod(person_indexes)

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Recompute the name indexes whenever the names may have changed. (Bulk writes that skip
        save() call index_names() themselves; a queryset update() of names would leave them stale.)"""
        update_fields = kwargs.get("update_fields")
        if update_fields is None or set(update_fields) & set(NAME_FIELDS):
            self.index_names()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, *NAME_INDEX_FIELDS}
        super().save(*args, **kwargs)

    def index_names(self) -> None:
        for name, value in person_indexes({field: getattr(self, field) for field in NAME_FIELDS}).items():
            setattr(self, name, value)


class FamilyMember(models.Model):
    """A relative or guardian (tier 2). `is_guardian` marks who may consent for a child."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="family")
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
    name = EncryptedCharField(max_length=200)
    is_guardian = models.BooleanField(default=False)
    phone = EncryptedCharField(max_length=20, blank=True)
    lives_in_village_of_origin = models.BooleanField(null=True, blank=True)
    notes = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["relationship", "id"]

    def __str__(self) -> str:
        return f"{self.get_relationship_display()} of {self.person_id}"
