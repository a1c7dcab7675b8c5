"""A register's rows read into what the services take, shared by the row-by-row and the batch
paths of shelters.imports.services: the cells parsed against the reference lists, the row's own
rules (register number, a stay or assistance) and the refusals turned into messages by column."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from casework.models import ExploitationForm, ServiceType
from core.errors import ApplicationError
from shelters.imports.reading import SourceRow
from shelters.models import AssistanceKind, Bed, Shelter

PERSON_COLUMNS = ("given_name_lo", "family_name_lo", "given_name_latin", "family_name_latin", "sex")
DATE_COLUMNS = ("date_of_birth", "age_estimated_on", "identified_on", "admitted_on", "discharged_on", "assisted_on")
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
# A service's argument name -> the column it came from; messages about anything else (the case,
# the shelter) are about the whole row.
SERVICE_FIELDS = {
    "destination": "exit_destination",
    "reason": "exit_reason",
    "service_types": "services",
    "kind": "assistance_kind",
}


@dataclass
class RowResult:
    line: int
    ref: str
    status: str = "ok"  # ok, error, skipped (imported before)
    errors: list[tuple[str, str]] = field(default_factory=list)
    created: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"line": self.line, "ref": self.ref, "status": self.status, "errors": self.errors}

    def refuse(self, error: ApplicationError) -> None:
        """The row refused by a service: its messages by column, and nothing it created."""
        self.status, self.created = "error", {}
        if not error.fields:
            self.errors = [("", error.message)]
        else:
            self.errors = [
                (SERVICE_FIELDS.get(name, name), message)
                for name, messages in error.fields.items()
                for message in messages
            ]


def read_row(
    row: SourceRow, lookups: Lookups, done_before: set[str], seen: set[str]
) -> tuple[RowResult, dict[str, Any] | None]:
    """The row's result so far and its parsed cells, or None when it goes no further: refused
    by its cells or register number, or skipped (imported before)."""
    values = row.values
    ref = values.get("register_ref", "")
    result = RowResult(row.line, ref)
    if not ref:
        result.errors.append(("register_ref", _("This field is required.")))
    elif ref in seen:
        result.errors.append(("register_ref", _("Another row of this file has the same register number.")))
    elif ref in done_before:
        result.status = "skipped"
        return result, None
    seen.add(ref)
    parsed = _parse(values, lookups, result)
    if result.errors:
        result.status = "error"
        return result, None
    return result, parsed


def intake(parsed: dict[str, Any]) -> dict[str, Any]:
    """case_open's arguments for the row's new person and case, after the row's own rules (a stay
    or assistance without a stay, never both; a destination with its discharge)."""
    admitted_on, assisted_on = parsed["admitted_on"], parsed["assisted_on"]
    if (admitted_on is None) == (assisted_on is None):
        message = _("Give either an admission date or a date of assistance without a stay.")
        raise ApplicationError(message, fields={"admitted_on": [message]})
    if admitted_on is not None and parsed["assistance_kind"] is not None:
        message = _("A kind of assistance is for assistance without a stay.")
        raise ApplicationError(message, fields={"assistance_kind": [message]})
    if parsed["discharged_on"] is None and (parsed["exit_destination"] or parsed["exit_reason"]):
        message = _("A destination needs a discharge date.")
        raise ApplicationError(message, fields={"discharged_on": [message]})
    person_values = {name: parsed[name] for name in PERSON_COLUMNS}
    person_values.update(
        date_of_birth=parsed["date_of_birth"],
        estimated_age=parsed["estimated_age"],
        registered_on=parsed["identified_on"] or admitted_on or assisted_on,
    )
    if parsed["age_estimated_on"] is not None:
        person_values["age_estimated_on"] = parsed["age_estimated_on"]
    return {
        "person_values": person_values,
        "category": parsed["category"],
        "identification_route": parsed["identification_route"],
        "identified_on": parsed["identified_on"],
        "exploitation_forms": parsed["exploitation_forms"],
    }


# --- Reading the cells ----------------------------------------------------------------------------
class Lookups:
    """The shelter's beds and the reference lists, read once per file."""

    def __init__(self, shelter: Shelter) -> None:
        self.beds = {bed.label.casefold(): bed for bed in Bed.objects.filter(shelter=shelter)}
        self.forms = {form.code: form for form in ExploitationForm.objects.all()}
        self.services = {service.code: service for service in ServiceType.objects.all()}
        self.kinds = {kind.code: kind for kind in AssistanceKind.objects.all()}


def _parse(values: dict[str, str], lookups: Lookups, result: RowResult) -> dict[str, Any]:
    parsed: dict[str, Any] = {
        name: values.get(name, "")
        for name in (*PERSON_COLUMNS, "category", "identification_route", "exit_destination", "exit_reason", "notes")
    }
    for name in DATE_COLUMNS:
        parsed[name] = _date(values.get(name, ""), name, result)
    age = values.get("estimated_age", "")
    parsed["estimated_age"] = None
    if age:
        if age.isdigit():
            parsed["estimated_age"] = int(age)
        else:
            result.errors.append(("estimated_age", _("Enter a whole number of years.")))
    label = values.get("bed", "")
    parsed["bed"] = lookups.beds.get(label.casefold()) if label else None
    if label and parsed["bed"] is None:
        result.errors.append(("bed", _("This shelter has no bed with this label.")))
    parsed["exploitation_forms"] = _codes(
        values.get("exploitation_forms", ""), lookups.forms, "exploitation_forms", result
    )
    parsed["services"] = _codes(values.get("services", ""), lookups.services, "services", result)
    kinds = _codes(values.get("assistance_kind", ""), lookups.kinds, "assistance_kind", result)
    if len(kinds) > 1:
        result.errors.append(("assistance_kind", _("Give one kind of assistance.")))
    parsed["assistance_kind"] = kinds[0] if kinds else None
    return parsed


def _date(text: str, column: str, result: RowResult) -> dt.date | None:
    if not text:
        return None
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    result.errors.append((column, _("Enter a date as dd/mm/yyyy or yyyy-mm-dd.")))
    return None


def _codes(text: str, known: dict[str, Any], column: str, result: RowResult) -> list[Any]:
    codes = [code.strip() for code in text.split(";") if code.strip()]
    unknown = [code for code in codes if code not in known]
    if unknown:
        result.errors.append((column, _("Unknown code: %(codes)s.") % {"codes": ", ".join(unknown)}))
    return [known[code] for code in codes if code in known]
