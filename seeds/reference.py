"""Load the versioned reference data files in seeds/data/ into the database.

Reference rows are keyed by their stable code; loading again creates what is new, updates what
changed and leaves the rest untouched (not even re-saved), so a second load changes nothing.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.db.backends.postgresql.psycopg_any import DateRange
from django.utils.timezone import now

from accounts.models import Country, District, Organisation, Province
from casework.models import (
    BorderPoint,
    ElementThreshold,
    Ethnicity,
    ExploitationForm,
    FollowUpPolicy,
    Indicator,
    JourneyCode,
    Question,
    Questionnaire,
    QuestionnaireVersion,
    ServiceType,
)
from shelters.models import AssistanceKind, Bed, Shelter

DATA = Path(__file__).resolve().parent / "data"
BEDS_IN_SERVICE = DateRange(date(2020, 1, 1), None)


def read(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / name).read_text(encoding="utf-8"))
    return data


def sync(model: type[models.Model], key: dict[str, Any], values: dict[str, Any], counts: Counter[str]) -> Any:
    """Create or update one row by its natural key; count what happened."""
    instance = model._default_manager.filter(**key).first()
    if instance is None:
        instance = model(**key, **values)
        instance.full_clean()
        instance.save()
        counts[f"{model._meta.model_name}.created"] += 1
        return instance
    changed = {name: value for name, value in values.items() if getattr(instance, name) != value}
    if changed:
        for name, value in changed.items():
            setattr(instance, name, value)
        instance.full_clean()
        instance.save(update_fields=list(changed))
        counts[f"{model._meta.model_name}.updated"] += 1
    return instance


@transaction.atomic
def load_reference() -> Counter[str]:
    counts: Counter[str] = Counter()
    for row in read("countries.json")["countries"]:
        sync(Country, {"code": row["code"]}, {"name_en": row["name_en"], "name_lo": row["name_lo"]}, counts)
    provinces = {}
    for row in read("geography.json")["provinces"]:
        province = sync(
            Province,
            {"code": row["code"]},
            {"number": row["number"], "name_en": row["name_en"], "name_lo": row["name_lo"]},
            counts,
        )
        provinces[province.code] = province
        for district in row["districts"]:
            sync(
                District,
                {"code": district["code"]},
                {"province": province, "name_en": district["name_en"], "name_lo": district["name_lo"]},
                counts,
            )
    organisations: dict[str, Organisation] = {}
    for row in read("organisations.json")["organisations"]:
        organisations[row["code"]] = sync(
            Organisation,
            {"code": row["code"]},
            {
                "name_en": row["name_en"],
                "name_lo": row["name_lo"],
                "kind": row["kind"],
                "province": provinces[row["province"]] if row["province"] else None,
                "parent": organisations[row["parent"]] if row["parent"] else None,
            },
            counts,
        )
    for row in read("shelters.json")["shelters"]:
        shelter = sync(
            Shelter,
            {"code": row["code"]},
            {
                "name_en": row["name_en"],
                "name_lo": row["name_lo"],
                "operator": organisations[row["operator"]],
                "province": provinces[row["province"]],
                "accepts_sexes": row["sexes"],
                "min_age": row["min_age"],
                "max_age": row["max_age"],
                "accepts_categories": row["categories"],
                "is_transit_centre": row["transit"],
            },
            counts,
        )
        for number in range(1, row["beds"] + 1):
            # Seeded beds count as in service from the start of 2020 (before any demo stay).
            sync(Bed, {"shelter": shelter, "label": f"B{number:02d}"}, {"in_service": BEDS_IN_SERVICE}, counts)
    for position, row in enumerate(read("shelters.json")["assistance_kinds"]):
        sync(AssistanceKind, {"code": row["code"]}, _lookup(row, position), counts)
    load_casework_lists(counts)
    load_questionnaires(counts)
    return counts


def load_casework_lists(counts: Counter[str]) -> None:
    for position, row in enumerate(read("ethnicities.json")["ethnicities"]):
        sync(Ethnicity, {"code": row["code"]}, _lookup(row, position, family=row["family"]), counts)
    casework = read("casework.json")
    for position, row in enumerate(casework["exploitation_forms"]):
        values = _lookup(row, position, htcds=row["htcds"], kind=row["kind"])
        sync(ExploitationForm, {"code": row["code"]}, values, counts)
    for position, row in enumerate(casework["service_types"]):
        sync(ServiceType, {"code": row["code"]}, _lookup(row, position, health=row["health"]), counts)
    for position, row in enumerate(casework["border_points"]):
        sync(BorderPoint, {"code": row["code"]}, _lookup(row, position, country_id=row["country"]), counts)
    for row in casework["thresholds"]:
        sync(ElementThreshold, {"element": row["element"]}, {k: row[k] for k in ("strong", "medium", "weak")}, counts)
    # In file order: the former default gives up the flag before the new one takes it.
    for row in casework["follow_up_policies"]:
        values = {k: row[k] for k in ("name_en", "months", "is_default")}
        sync(FollowUpPolicy, {"code": row["code"]}, values, counts)
    for row in read("indicators.json")["indicators"]:
        fields = ("element", "dimension", "strength", "applies_to", "exploitation_kind", "text_en", "text_lo")
        sync(Indicator, {"code": row["code"]}, {k: row[k] for k in fields}, counts)
    for name, rows in read("journey_codes.json")["lists"].items():
        for position, row in enumerate(rows):
            sync(JourneyCode, {"list": name, "code": row["code"]}, _lookup(row, position, htcds=row["htcds"]), counts)


def load_questionnaires(counts: Counter[str]) -> None:
    """Each questionnaire by its code; its questions only as version 1 of a questionnaire without
    a version: later versions are an administrator's (casework.services.questionnaires)."""
    data = read("questionnaires.json")
    fields = ("kind", "visibility", "scoring", "children_only", "name_en", "name_lo")
    for position, row in enumerate(data["questionnaires"]):
        values = {name: row[name] for name in fields} | {"position": position}
        questionnaire = sync(Questionnaire, {"code": row["code"]}, values, counts)
        if questionnaire.versions.exists():
            continue
        version = QuestionnaireVersion.objects.create(
            questionnaire=questionnaire, number=1, note="Seeded", published_at=now()
        )
        Question.objects.bulk_create(
            Question(
                version=version,
                code=question["code"],
                position=number,
                text_en=question["en"],
                text_lo=question["lo"],
                answer=question["answer"],
                options=data["option_sets"][question["options"]] if "options" in question else [],
            )
            for number, question in enumerate(row["questions"], start=1)
        )
        counts["questionnaireversion.created"] += 1


def _lookup(row: dict[str, Any], position: int, **extra: Any) -> dict[str, Any]:
    return {"name_en": row["name_en"], "name_lo": row["name_lo"], "position": position, **extra}
