"""Shelters, who they accept, their rooms and beds, and the stays of residents."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, DateRangeField, RangeOperators
from django.contrib.postgres.indexes import GistIndex
from django.db import models
from django.db.models import F, Func, Q
from django.db.models.expressions import CombinedExpression
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, Province
from casework.choices import CaseCategory, Sex
from casework.models.history import tracked
from casework.models.reference import Lookup
from core.pages import local_name
from shelters.choices import ExitDestination


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
        return local_name(self)  # in the reader's language


class ShelterStaff(models.Model):
    """Which shelter a `shelter_staff` user works in: they see that shelter's current residents."""

    shelter = models.ForeignKey(Shelter, on_delete=models.CASCADE, related_name="staff")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shelter_posts")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["shelter", "user"], name="shelter_staff_once")]


class Room(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    shelter = models.ForeignKey(Shelter, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(max_length=60)

    class Meta:
        ordering = ["shelter", "name"]
        constraints = [models.UniqueConstraint(fields=["shelter", "name"], name="room_name_unique")]

    def __str__(self) -> str:
        return self.name


class Bed(models.Model):
    """A bed, in service over `in_service` (from when it was set up; open while it still is).
    Temporary outages are BedOutage rows; both feed the available bed nights."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    shelter = models.ForeignKey(Shelter, on_delete=models.CASCADE, related_name="beds")
    room = models.ForeignKey(Room, null=True, blank=True, on_delete=models.SET_NULL, related_name="beds")
    label = models.CharField(max_length=30)
    in_service = DateRangeField(help_text=_("From the day the bed was set up; open while it is still in use"))

    class Meta:
        ordering = ["shelter", "label"]
        constraints = [
            models.UniqueConstraint(fields=["shelter", "label"], name="bed_label_unique"),
            models.CheckConstraint(condition=Q(in_service__startswith__isnull=False), name="bed_in_service_has_start"),
        ]

    def __str__(self) -> str:
        return self.label


class BedOutage(models.Model):
    """A bed out of service for a while (repairs, quarantine); not available capacity."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    bed = models.ForeignKey(Bed, on_delete=models.CASCADE, related_name="outages")
    during = DateRangeField()
    reason = models.CharField(max_length=200)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            ExclusionConstraint(
                name="bed_outages_do_not_overlap",
                expressions=[("bed", RangeOperators.EQUAL), ("during", RangeOperators.OVERLAPS)],
            ),
            models.CheckConstraint(condition=Q(during__startswith__isnull=False), name="bed_outage_has_start"),
        ]


@tracked("StayHistory")
class Stay(models.Model):
    """One person residing in one shelter (and bed) over [admission, discharge): the discharge
    night is not a night in the shelter. An open stay has no upper bound. The database forbids
    two overlapping stays in one bed and one person in two stays at once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    shelter = models.ForeignKey(Shelter, on_delete=models.PROTECT, related_name="stays")
    bed = models.ForeignKey(Bed, null=True, blank=True, on_delete=models.PROTECT, related_name="stays")
    person = models.ForeignKey("casework.Person", on_delete=models.PROTECT, related_name="stays")
    case = models.ForeignKey("casework.Case", on_delete=models.PROTECT, related_name="stays")
    during = DateRangeField()
    episode_started_on = models.DateField(
        help_text=_("Admission to this shelter; a move to another bed of the same shelter keeps it")
    )
    planned_discharge_on = models.DateField(null=True, blank=True)
    age_at_admission = models.PositiveSmallIntegerField(null=True, blank=True)
    exit_destination = models.CharField(max_length=40, choices=ExitDestination.choices, blank=True)
    exit_reason = models.TextField(blank=True)
    # exit_destination as a small integer (shelters.choices.EXIT_CODES), set by a trigger (migration
    # 0010) on every write: the occupancy pass's index carries it instead of the text.
    exit_code = models.SmallIntegerField(default=0, editable=False)
    # Copies of the case's category and the person's sex, kept by database triggers (migration
    # 0004: set on insert, and re-copied when the case or the person changes), so that the
    # statistics tables count from this one table instead of joining a million cases and people.
    case_category = models.CharField(max_length=30, choices=CaseCategory.choices, editable=False)
    person_sex = models.CharField(max_length=10, choices=Sex.choices, editable=False)
    # False promises that this is the person's only stay, so the tables count it as a person
    # without grouping a million stays by person; set by a trigger (migration 0006) when a second
    # stay of the person arrives. It may stay true after a merge or deletion: only false promises.
    person_has_other_stays = models.BooleanField(default=False, editable=False)
    previous_stay = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_stay", help_text=_("Transfer from")
    )
    admitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    discharged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "id"]
        constraints = [
            ExclusionConstraint(
                name="stays_one_person_per_bed",
                expressions=[("bed", RangeOperators.EQUAL), ("during", RangeOperators.OVERLAPS)],
                condition=Q(bed__isnull=False),
            ),
            ExclusionConstraint(
                name="stays_one_place_per_person",
                expressions=[("person", RangeOperators.EQUAL), ("during", RangeOperators.OVERLAPS)],
            ),
            models.CheckConstraint(condition=Q(during__startswith__isnull=False), name="stay_has_admission"),
            models.CheckConstraint(
                condition=Q(episode_started_on__lte=models.Func(F("during"), function="lower")),
                name="stay_episode_starts_first",
            ),
            models.CheckConstraint(
                condition=Q(during__endswith__isnull=True) | ~Q(exit_destination=""),
                name="stay_discharge_has_destination",
            ),
        ]
        indexes = [
            # Covers the census of one night (the residents at the start and end of a report's
            # period, and their episodes) without touching the table.
            GistIndex(fields=["shelter", "during"], include=["episode_started_on"], name="stay_census_gist"),
            # The occupancy report's pass over the stays (shelters/reports/occupancy_report.py): in
            # the order of its grouping (shelter, destination, length of the episode) and carrying
            # every column it reads, so it folds the stays as they come from the index, without a
            # hash table or the table itself. Its pages are the pass's cost: the destination as its
            # 2-byte code, and no bed (the few nights without a bed come from the partial index
            # below; docs/performance.md).
            models.Index(
                F("shelter"),
                F("exit_code"),
                CombinedExpression(
                    Func(F("during"), function="upper"),
                    "-",
                    F("episode_started_on"),
                    output_field=models.IntegerField(),
                ),
                include=["during", "episode_started_on"],
                name="stay_exit_length_idx",
            ),
            models.Index(
                fields=["shelter"], include=["during"], condition=Q(bed__isnull=True), name="stay_without_bed_idx"
            ),
            # For the reminders (shelters/reminders.py): open stays by planned discharge and admission.
            models.Index(
                fields=["planned_discharge_on"],
                condition=Q(during__endswith__isnull=True),
                name="stay_open_discharge_idx",
            ),
            models.Index(
                fields=["episode_started_on"], condition=Q(during__endswith__isnull=True), name="stay_open_episode_idx"
            ),
        ]


class AssistanceKind(Lookup):
    """What a shelter's non-residential assistance was for, as the shelters count it in their own
    tables (child labour, trafficking, transferred back from abroad, vulnerable, ...): a seeded
    list (seeds/data/shelters.json) an administrator extends without a migration."""


class NonResidentialAssistance(models.Model):
    """A person assisted by a shelter without residing there (counted separately). `kind` is
    empty on the records made before kinds were recorded: the tables show them as not recorded."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    shelter = models.ForeignKey(Shelter, on_delete=models.PROTECT, related_name="non_residential")
    person = models.ForeignKey("casework.Person", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("casework.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    assisted_on = models.DateField()
    kind = models.ForeignKey(AssistanceKind, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    service_types = models.ManyToManyField("casework.ServiceType", related_name="+")
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-assisted_on", "id"]
        indexes = [models.Index(fields=["shelter", "assisted_on"], name="non_residential_shelter_date")]


class AdmissionRequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the shelter")
    ACCEPTED = "accepted", _("Accepted: admitted")
    DECLINED = "declined", _("Declined")


class AdmissionRequest(models.Model):
    """A case's worker asks one shelter to admit the person; the shelter's staff accept (an
    admission, `stay`) or decline with a reason. A referral is addressed to an organisation and
    answered by its casework staff under a consent; this is addressed to one shelter and answered
    by the people who work it, who while it waits see the case code, sex, age and category they
    need to decide, never the name (shelters.permissions)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("casework.Case", on_delete=models.PROTECT, related_name="admission_requests")
    shelter = models.ForeignKey(Shelter, on_delete=models.PROTECT, related_name="admission_requests")
    status = models.CharField(
        max_length=10, choices=AdmissionRequestStatus.choices, default=AdmissionRequestStatus.PENDING
    )
    needed_from = models.DateField()
    note = models.TextField(blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)
    stay = models.OneToOneField(Stay, null=True, blank=True, on_delete=models.PROTECT, related_name="request")

    class Meta:
        ordering = ["-requested_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=AdmissionRequestStatus.values), name="admission_request_status_valid"
            ),
            models.UniqueConstraint(
                fields=["case", "shelter"],
                condition=Q(status=AdmissionRequestStatus.PENDING),
                name="admission_request_one_pending",
            ),
            models.CheckConstraint(
                condition=~Q(status=AdmissionRequestStatus.DECLINED) | ~Q(decline_reason=""),
                name="admission_request_decline_reasoned",
            ),
            models.CheckConstraint(
                condition=~Q(status=AdmissionRequestStatus.ACCEPTED) | Q(stay__isnull=False),
                name="admission_request_accepted_has_stay",
            ),
        ]
        indexes = [
            models.Index(
                fields=["shelter", "requested_at"],
                condition=Q(status=AdmissionRequestStatus.PENDING),
                name="admission_request_waiting",
            )
        ]


# The register import's own records (shelters/imports/models.py), registered with this app.
from shelters.imports.models import RegisterImport, RegisterImportRow  # noqa: E402

__all__ = [
    "AdmissionRequest",
    "AdmissionRequestStatus",
    "Bed",
    "BedOutage",
    "NonResidentialAssistance",
    "RegisterImport",
    "RegisterImportRow",
    "Room",
    "Shelter",
    "ShelterStaff",
    "Stay",
]
