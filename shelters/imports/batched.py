"""A register's rows as one batch: every row checked by the services' own rules, then each table
written in a few statements (docs/import.md, docs/performance.md).

The rows go through the services' many-at-once forms, stage by stage in the order a row goes
through them one by one: cases_open_many (the people and their cases), then stays_admit_many
(stays, discharged or not) and non_residential_record_many. A row refused at a stage goes no
further, with the message the service would have given it. Run inside core.batch: the audit
and timeline rows go in one INSERT per table at the end, and the cases' permission is checked
for all of them with one query."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from accounts.actors import Staff
from casework.services.cases import cases_open_many
from core.errors import ApplicationError
from shelters.imports.reading import SourceRow
from shelters.imports.rows import Lookups, RowResult, intake, read_row
from shelters.models import Shelter
from shelters.services.registers import Admission, Assisted, non_residential_record_many, stays_admit_many

STAGES = 3  # the people and cases, the stays, the assistance: the progress bar's steps


def apply_rows(
    actor: Staff,
    shelter: Shelter,
    rows: list[SourceRow],
    lookups: Lookups,
    done_before: set[str],
    progress: Callable[[int, int], None] | None,
) -> list[RowResult]:
    """The rows' results, their records written (the caller keeps or rolls back the transaction)."""
    results: list[RowResult] = []
    going: list[tuple[RowResult, dict[str, Any], dict[str, Any]]] = []
    seen: set[str] = set()
    for row in rows:
        result, parsed = read_row(row, lookups, done_before, seen)
        results.append(result)
        if parsed is None:
            continue
        try:
            going.append((result, parsed, intake(parsed)))
        except ApplicationError as error:
            result.refuse(error)

    def stage(done: int) -> None:
        if progress:
            progress(len(rows) * done // STAGES, len(rows))

    cases = cases_open_many(
        actor=actor,
        owner=shelter.operator,
        registration_province=shelter.province,
        intakes=[values for _result, _parsed, values in going],
    )
    stage(1)
    stays: list[tuple[RowResult, Admission]] = []
    assisted: list[tuple[RowResult, Assisted]] = []
    for (result, parsed, _values), case in zip(going, cases, strict=True):
        if isinstance(case, ApplicationError):
            result.refuse(case)
            continue
        result.created = {"person": case.person_id, "case": case.pk}
        if parsed["admitted_on"] is not None:
            admission = Admission(case=case, admitted_on=parsed["admitted_on"], bed=parsed["bed"])
            if parsed["discharged_on"] is not None:
                admission.discharged_on = parsed["discharged_on"]
                admission.destination, admission.reason = parsed["exit_destination"], parsed["exit_reason"]
            stays.append((result, admission))
        else:
            entry = Assisted(
                case=case,
                assisted_on=parsed["assisted_on"],
                service_types=parsed["services"],
                notes=parsed["notes"],
                kind=parsed["assistance_kind"],
            )
            assisted.append((result, entry))
    answers = stays_admit_many(actor=actor, shelter=shelter, admissions=[admission for _result, admission in stays])
    _created(stays, answers, "stay")
    stage(2)
    answers = non_residential_record_many(actor=actor, shelter=shelter, records=[entry for _result, entry in assisted])
    _created(assisted, answers, "non_residential")
    return results


def _created(rows: list[tuple[RowResult, Any]], answers: list[Any], name: str) -> None:
    for (result, _arguments), answer in zip(rows, answers, strict=True):
        if isinstance(answer, ApplicationError):
            result.refuse(answer)
        else:
            result.created[name] = answer.pk
