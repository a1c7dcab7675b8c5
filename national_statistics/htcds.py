"""The record-level export in IOM's Human Trafficking Case Data Standard (HTCDS v2.0,
github.com/UNMigration/HTCDS; field by field in docs/htcds.md) for interoperability with IOM.

Three tables, as in the standard: victims (`prs_`, `vic_`, `cas_`, `con_` fields), one row per
person (her latest trafficking case in the user's statistics scope), historic trafficking
events (`hte_`), one row per step of her journey that the standard has a type for
(recruitment, transit, exploitation), and perpetrators (`per_`, with the person fields `prs_`),
one row per perpetrator linked to her case (coded fields only: docs/legal.md says why they may
leave). Only people with a consent in force whose data
categories include HTCDS (referrals.DataCategory.HTCDS) are exported. De-identified as the
standard's guidance recommends: no name, contact, address, identity number, birth date, case
code or free text (places, promises, a perpetrator's name or notes); ages in whole years (a
perpetrator's in bands); event dates to the month. Rows are linked by `exp_RecordNumber`, a
number of this export only (not the case); a perpetrator linked to several exported cases has one
`x_PerpetratorNumber` (not the record's id). Pathway's own facts that HTCDS has no field for are the `x_` columns.

Memory stays flat: cases are read through a server-side cursor in chunks (with their journey,
forms and screenings prefetched per chunk; the perpetrators' rows numbered by PostgreSQL in one
statement on a server-side cursor) and written row by row, to the CSV response or to an
openpyxl write-only workbook spooled to a temporary file.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from typing import IO, Any

from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from openpyxl import Workbook

from casework.ages import age_on
from casework.choices import PERPETRATOR_ROLE_HTCDS, RELATION_HTCDS, CaseCategory, CaseStatus, JourneyStage
from casework.models import Case, JourneyCode, JourneyEvent, Screening
from national_statistics.queries import Scope
from referrals.choices import DataCategory
from referrals.models import Consent

CHUNK = 1000
MULTI = ";"  # how the standard's Excel toolkit separates the values of a multiselect picklist
LINK = "exp_RecordNumber"
VICTIM_COLUMNS = [
    LINK,
    "prs_Gender",
    "prs_Citizenship",
    "vic_AgeWhenTrafficked",
    "vic_TraffickingStatus",
    "vic_TraffickingStatusDecisionMakingOrg",
    "vic_RelationshipToTrafficker",
    "vic_MethodOfRecruitment",
    "vic_RecruitmentWebsitesAndApps",
    "vic_MethodsOfControl",
    "vic_TypeOfExploitation",
    "vic_ForcedLabourIndustry",
    "vic_TypeOfSexExploitation",
    "vic_ExploitationWebsitesAndApps",
    "cas_Status",
    "con_Consent",
    "x_ForcedCriminality",
    "x_ExitKind",
]
EVENT_COLUMNS = [LINK, "hte_Type", "hte_Country", "hte_Date"]
PERPETRATOR_COLUMNS = [
    LINK,
    "x_PerpetratorNumber",
    "prs_Gender",
    "prs_Citizenship",
    "per_RoleInProcess",
    "vic_RelationshipToTrafficker",
    "x_AgeBand",
]
TABLES = {"victims": VICTIM_COLUMNS, "events": EVENT_COLUMNS, "perpetrators": PERPETRATOR_COLUMNS}

GENDER = {"female": "Feminine", "male": "Masculine", "other": "NonSpecifiedUnknown"}
STATUS = {
    "possible_victim": "PossibleVictimOfTrafficking",
    "needs_further_assessment": "PossibleVictimOfTrafficking",
    "actual_victim": "ActualVictimOfTrafficking",
    "not_a_victim": "NotAVictimOfTrafficking",
}
DECIDED_BY = {
    "police": "Police",
    "court_or_prosecution": "CourtOrProsecution",
    "non_police_government": "NonPoliceGovernmentalOrganization",
    "ngo": "NGO",
    "other": "Other",
}
CASE_STATUS: dict[str, str] = {CaseStatus.OPEN: "Active", CaseStatus.ACTIVE: "Active", CaseStatus.CLOSED: "Closed"}
EVENT_TYPE: dict[str, str] = {
    JourneyStage.RECRUITMENT: "Recruitment",
    JourneyStage.TRANSIT: "Transit",
    JourneyStage.EXPLOITATION: "Exploitation",
}


def consented(now: Any = None) -> Exists:
    """A consent of the case's person, in force now, that covers the HTCDS export."""
    now = now or timezone.now()
    return Exists(
        Consent.objects.filter(
            person_id=OuterRef("person_id"),
            data_categories__contains=[DataCategory.HTCDS],
            withdrawn_at__isnull=True,
            given_at__lte=now,
        ).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
    )


def exported_cases(scope: Scope) -> QuerySet[Case]:
    """The latest trafficking case of each consenting person in scope, in the order of the
    person's (random) id: the n-th is the row `exp_RecordNumber` n."""
    queryset = Case.objects.filter(consented(), category=CaseCategory.TRAFFICKING)
    if not scope.everyone:
        queryset = queryset.filter(owner_id__in=list(scope.owners or ()))
    return queryset.order_by("person_id", "-identified_on", "-id").distinct("person_id")


def cases(scope: Scope) -> QuerySet[Case]:
    """The exported cases with what the victim and event rows need."""
    return (
        exported_cases(scope)
        .select_related("person")
        .only(
            "id",
            "person_id",
            "status",
            "identified_on",
            "exploitation_started_on",
            "person__sex",
            "person__nationality_id",
            "person__date_of_birth",
            "person__estimated_age",
            "person__age_estimated_on",
        )
        .prefetch_related(
            "exploitation_forms",
            Prefetch("journey", queryset=JourneyEvent.objects.order_by("started_on", "recorded_at", "id")),
            Prefetch(
                "screenings",
                queryset=Screening.objects.only("id", "case_id", "outcome", "deciding_body", "screened_on"),
            ),
        )
    )


class Codes:
    """Pathway code -> HTCDS value of each journey code list (one query per export)."""

    def __init__(self) -> None:
        self.values = {(row.list, row.code): row.htcds or row.code for row in JourneyCode.objects.all()}

    def __call__(self, code_list: str, codes: list[str] | str) -> list[str]:
        found = [codes] if isinstance(codes, str) else codes
        return [self.values.get((code_list, code), "Other") for code in found if code]


def _joined(values: list[str]) -> str:
    return MULTI.join(sorted(set(values)))


def _union(events: list[JourneyEvent], stage: str, field: str, code_list: str, codes: Codes) -> list[str]:
    return [value for event in events if event.stage == stage for value in codes(code_list, getattr(event, field))]


def victim_row(number: int, case: Case, codes: Codes) -> list[Any]:
    events = list(case.journey.all())
    person = case.person
    started = [e.started_on for e in events if e.started_on and e.stage != JourneyStage.EXIT]
    when = min(started) if started else case.exploitation_started_on or case.identified_on
    screenings = sorted(case.screenings.all(), key=lambda s: s.screened_on, reverse=True)
    latest = screenings[0] if screenings else None
    recruitment, exploitation = JourneyStage.RECRUITMENT, JourneyStage.EXPLOITATION
    relationship = _union(events, recruitment, "recruiter_relationship", "relationship", codes)
    industry = _union(events, exploitation, "labour_industry", "labour_industry", codes)
    forms = [form.htcds for form in case.exploitation_forms.all() if form.htcds]
    return [
        number,
        GENDER.get(person.sex, "NonSpecifiedUnknown"),
        person.nationality_id or "",
        age_on(person, when),
        STATUS.get(latest.outcome, "") if latest else "",
        DECIDED_BY.get(latest.deciding_body, "") if latest else "",
        relationship[0] if relationship else "",
        _joined(_union(events, recruitment, "recruitment_methods", "recruitment_method", codes)),
        _joined(_union(events, recruitment, "apps", "app", codes)),
        _joined(_union(events, exploitation, "methods_of_control", "method_of_control", codes)),
        _joined(forms + _union(events, exploitation, "exploitation_types", "exploitation_type", codes)),
        industry[0] if industry else "",
        _joined(_union(events, exploitation, "sex_exploitation_types", "sex_exploitation_type", codes)),
        _joined(_union(events, exploitation, "apps", "app", codes)),
        CASE_STATUS.get(case.status, ""),
        "true",
        _joined(_union(events, exploitation, "forced_criminality", "forced_criminality", codes)),
        _joined(_union(events, JourneyStage.EXIT, "exit_kind", "exit_kind", codes)),
    ]


def event_rows(number: int, case: Case) -> Iterator[list[Any]]:
    for event in case.journey.all():
        if event.stage in EVENT_TYPE:
            month = event.started_on.strftime("%Y-%m") if event.started_on else ""
            yield [number, EVENT_TYPE[event.stage], event.country_id or "", month]


# The exported cases numbered as the victims table numbers them, joined to their perpetrators;
# each perpetrator numbered once however many exported cases they are linked to. The cases'
# statement (exported_cases) is the ORM's, with its parameters.
PERPETRATORS_SQL = """
SELECT e.n, dense_rank() OVER (ORDER BY link.perpetrator_id), p.sex, p.nationality_id, link.roles,
       link.relation, p.age_band
FROM (SELECT row_number() OVER (ORDER BY x.person_id) AS n, x.id FROM ({cases}) x) e
JOIN casework_caseperpetrator link ON link.case_id = e.id
JOIN casework_perpetrator p ON p.id = link.perpetrator_id
ORDER BY 2, 1
"""


def perpetrator_rows(scope: Scope) -> Iterator[list[Any]]:
    """One row per perpetrator of an exported case: the codes only (never `known_as`, `notes`
    or the record's id), read through a server-side cursor."""
    sql, params = exported_cases(scope).values("id", "person_id").query.sql_with_params()
    with connection.chunked_cursor() as cursor:
        cursor.execute(PERPETRATORS_SQL.replace("{cases}", sql), params)
        while batch := cursor.fetchmany(CHUNK):
            for number, perpetrator, sex, nationality, roles, relation, age_band in batch:
                yield [
                    number,
                    perpetrator,
                    GENDER.get(sex, "NonSpecifiedUnknown"),
                    nationality or "",
                    _joined([PERPETRATOR_ROLE_HTCDS.get(role, "Other") for role in roles]),
                    RELATION_HTCDS.get(relation, ""),
                    age_band,
                ]


def rows(table: str, scope: Scope) -> Iterator[list[Any]]:
    """The rows of one table (without the header), chunk by chunk."""
    if table == "perpetrators":
        yield from perpetrator_rows(scope)
        return
    codes = Codes()
    for number, case in enumerate(cases(scope).iterator(chunk_size=CHUNK), start=1):
        if table == "victims":
            yield victim_row(number, case, codes)
        else:
            yield from event_rows(number, case)


def xlsx_file(scope: Scope) -> IO[bytes]:
    """Every table as a workbook, rewound for streaming."""
    return workbook_file((table, columns, rows(table, scope)) for table, columns in TABLES.items())


def workbook_file(tables: Iterable[tuple[str, list[str], Iterable[list[Any]]]]) -> IO[bytes]:
    """Sheets of (name, header, rows) written row by row (openpyxl write-only) to a temporary
    file, rewound for streaming (bench/bench_export_memory.py measures it at a million rows)."""
    book = Workbook(write_only=True)
    for table, columns, lines in tables:
        sheet = book.create_sheet(table)
        sheet.append(columns)
        for row in lines:
            sheet.append(row)
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the response, which closes it
    book.save(spool)
    spool.seek(0)
    return spool
