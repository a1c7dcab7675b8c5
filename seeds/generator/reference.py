"""The reference data a run reads once: provinces, districts, organisations, the casework
lists, the screening thresholds, follow-up policies, and the shelters with their beds."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from accounts.models import Country, District, Organisation, Province
from casework.choices import Element
from casework.models import (
    BorderPoint,
    ElementThreshold,
    Ethnicity,
    ExploitationForm,
    FollowUpPolicy,
    Indicator,
    ServiceType,
)
from seeds.generator.staff import OWNER_ORGS, POLICE_DEFAULT
from shelters.models import Bed, Shelter

LOAD_PREFIX = "load-"  # the occupancy load's own shelters (load.py); the demo data never uses them


@dataclass
class Reference:
    provinces: dict[str, Province]
    districts: dict[int, list[int]]
    organisations: dict[str, Organisation]
    ethnicities: list[str]
    forms: dict[str, str]  # code -> exploitation kind
    service_types: list[str]
    border_points: list[str]
    indicators: list[Indicator]
    thresholds: dict[str, Any]
    countries: set[str]
    reflection_days: int
    policies: dict[str, FollowUpPolicy]  # code -> shared policy; the default one first
    shelters: list[Shelter]  # active shelters, the occupancy load's excluded
    beds: dict[Any, list[Bed]]  # shelter pk -> its beds, by label
    registers_in: dict[str, int] = field(default_factory=dict)  # owner code -> its province
    organisation_codes: dict[Any, str] = field(default_factory=dict)  # pk -> code
    province_codes: dict[int, str] = field(default_factory=dict)  # pk -> code

    def __post_init__(self) -> None:
        self.organisation_codes = {o.pk: code for code, o in self.organisations.items()}
        self.province_codes = {p.pk: code for code, p in self.provinces.items()}

    @classmethod
    def load(cls) -> Reference:
        from casework.screening_rule import DEFAULT_THRESHOLD, Threshold

        districts: dict[int, list[int]] = defaultdict(list)
        for pk, province_id in District.objects.order_by("code").values_list("pk", "province_id"):
            districts[province_id].append(pk)
        thresholds = dict.fromkeys(Element.values, DEFAULT_THRESHOLD)
        for row in ElementThreshold.objects.filter(element__in=Element.values):
            thresholds[row.element] = Threshold(strong=row.strong, medium=row.medium, weak=row.weak or None)
        shelters = list(Shelter.objects.filter(is_active=True).exclude(code__startswith=LOAD_PREFIX).order_by("code"))
        beds: dict[Any, list[Bed]] = {shelter.pk: [] for shelter in shelters}
        for bed in Bed.objects.filter(shelter__in=shelters).order_by("shelter__code", "label"):
            beds[bed.shelter_id].append(bed)
        return cls(
            provinces={p.code: p for p in Province.objects.order_by("number")},
            districts=dict(districts),
            organisations={o.code: o for o in Organisation.objects.order_by("code")},
            ethnicities=list(Ethnicity.objects.order_by("code").values_list("code", flat=True)),
            forms=dict(ExploitationForm.objects.filter(active=True).order_by("code").values_list("code", "kind")),
            service_types=list(ServiceType.objects.filter(active=True).order_by("code").values_list("code", flat=True)),
            border_points=list(BorderPoint.objects.filter(active=True).order_by("code").values_list("code", flat=True)),
            indicators=list(Indicator.objects.filter(active=True).order_by("code")),
            thresholds=thresholds,
            countries=set(Country.objects.values_list("code", flat=True)),
            reflection_days=getattr(settings, "SCREENING_REFLECTION_DAYS", 30),
            policies={
                p.code: p
                for p in FollowUpPolicy.objects.filter(organisation__isnull=True).order_by("-is_default", "code")
            },
            shelters=shelters,
            beds=beds,
        )

    def check(self) -> None:
        missing = [code for code in (*OWNER_ORGS, POLICE_DEFAULT) if code not in self.organisations]
        if missing or not self.indicators or not self.districts:
            raise RuntimeError(f"Load the reference data first (manage.py load_reference); missing: {missing}")
        for code in OWNER_ORGS:
            province_id = self.organisations[code].province_id
            if province_id is None:
                raise RuntimeError(f"{code} owns demo cases and needs a province: its office registers people")
            self.registers_in[code] = province_id
        # Stays go to the shelters whose operator has generated staff to admit and discharge.
        self.shelters = [s for s in self.shelters if self.organisation_codes.get(s.operator_id) in OWNER_ORGS]

    @property
    def default_policy(self) -> FollowUpPolicy | None:
        return next(iter(self.policies.values()), None)
