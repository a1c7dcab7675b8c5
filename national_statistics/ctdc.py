"""The anonymised record-level export in the style of IOM's Counter Trafficking Data
Collaborative (CTDC) global dataset (docs/design/domain.md, CTDC export): one row per person identified as a
trafficking case, coarse variables only, k-anonymous (default k = 11, as CTDC publishes).

Every exported column is treated as a quasi-identifier, so every exported row has at least k-1
identical twins. PostgreSQL reduces the cases to a histogram of coarse values (a few thousand
combinations at most); the generalisation runs on that histogram (Datafly, Sweeney 2002):
while more than the allowed share of records sits in combinations held by fewer than k persons,
the variable with the most distinct values is generalised one step (year -> five-year period,
age band -> minor/adult, country -> region, ...); the records still in too small combinations
are then dropped. The report says which step each variable reached and how many were dropped.
"""

from __future__ import annotations

import bisect
import itertools
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, overload

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework.ages import age_on_sql
from core.replica import read_connection
from national_statistics.queries import Scope
from shelters.exports import Sheet

SUPPRESSED = "*"
# CTDC's ageBroad bins (upper bounds, inclusive), and the label of each.
AGE_BANDS = ((8, "0--8"), (17, "9--17"), (20, "18--20"), (23, "21--23"), (26, "24--26"), (29, "27--29"),
             (38, "30--38"), (47, "39--47"), (None, "48+"))  # fmt: skip
MINOR_BANDS = {"0--8", "9--17"}
MEKONG = {"TH", "VN", "CN", "MM", "KH"}  # COMMIT countries other than Lao PDR
GENDERS = {"female": "Female", "male": "Male", "other": "Unknown"}

# Screening indicators (means and act) that say how a person was controlled, or who recruited
# them, in CTDC's terms. Means indicators of abuse of vulnerability are not methods of control
# and are not exported; "deceived" indicators are CTDC's FalsePromises.
MEANS_OF_CONTROL = {
    "means-recruit-travel-debt": "DebtBondage",
    "means-dest-debt-bondage": "DebtBondage",
    "means-dest-wages-withheld": "TakesEarnings",
    "means-recruit-threat-violence": "Threats",
    "means-dest-threat-violence": "Threats",
    "means-recruit-harm-to-family": "Threats",
    "means-dest-harm-to-family": "Threats",
    "means-dest-threat-worse-conditions": "Threats",
    "means-dest-threat-shame": "Threats",
    "means-recruit-threat-report-authorities": "ThreatOfLawEnforcement",
    "means-dest-threat-report-authorities": "ThreatOfLawEnforcement",
    "means-recruit-violence": "PhysicalAbuse",
    "means-dest-violence": "PhysicalAbuse",
    "means-abduction-or-sale": "PhysicalAbuse",
    "means-recruit-isolation": "RestrictsMovement",
    "means-dest-confinement-surveillance": "RestrictsMovement",
    "means-recruit-documents-taken": "WithholdsDocuments",
    "means-dest-documents-confiscated": "WithholdsDocuments",
    "means-dest-strong-influence": "PsychologicalAbuse",
    "means-dest-forced-to-lie": "PsychologicalAbuse",
    "means-lured-easy-job-thailand": "FalsePromises",
    "means-child-deceived-schooling": "FalsePromises",
}
FALSE_PROMISE_PREFIX = "means-deceived-"
# The coarser groups of CTDC's 2025 synthetic dataset.
MEANS_GROUPS = {
    "DebtBondage": "DebtBondageEarnings",
    "TakesEarnings": "DebtBondageEarnings",
    "Threats": "Threats",
    "ThreatOfLawEnforcement": "Threats",
    "PhysicalAbuse": "AbusePsyPhySex",
    "PsychologicalAbuse": "AbusePsyPhySex",
    "RestrictsMovement": "RestrictsMovement",
    "WithholdsDocuments": "WithholdDocs",
    "FalsePromises": "FalsePromises",
}
RECRUITERS = {  # in order of precedence when several apply
    "means-vuln-emotional-dependency": "IntimatePartner",
    "act-recruited-by-relative-or-acquaintance": "FamilyOrFriend",
    "act-recruited-by-third-party": "Other",
    "act-marriage-arranged-by-broker": "Other",
}
LABOUR = {"ForcedLabour", "Servitude", "ForcedBegging", "ChildLabour"}


def _control_values() -> str:
    pairs = [(code, "m", value) for code, value in MEANS_OF_CONTROL.items()]
    pairs += [(code, "r", str(rank)) for rank, code in enumerate(RECRUITERS)]
    return "VALUES " + ", ".join(f"('{code}', '{kind}', '{value}')" for code, kind, value in pairs)


# One row per person: their first trafficking case in the scope (by identification date).
FIRST_CASE = """
    SELECT DISTINCT ON (c.person_id) c.id, c.person_id, c.identified_on, c.exploitation_country_id, ''::text
    FROM casework_case c
    WHERE c.category = 'trafficking' AND (%(everyone)s OR c.owner_id = ANY(%(owners)s::uuid[]))
    ORDER BY c.person_id, c.identified_on, c.id"""


def histogram_sql(first_case: str, ctes: str = "") -> str:
    """The histogram of the coarse values per scope (the last column of `first_case`: '' for the
    caller's own; national_statistics.services keeps one per organisation's subtree, with the
    `ctes` it needs)."""
    return f"""
WITH RECURSIVE {ctes}first_case(id, person_id, identified_on, exploitation_country_id, scope) AS ({first_case}
), cases AS (SELECT DISTINCT id FROM first_case),
control(code, kind, value) AS ({_control_values()}),
observed AS (
    SELECT s.case_id,
           array_agg(DISTINCT coalesce(control.value, 'FalsePromises'))
               FILTER (WHERE control.kind = 'm' OR si.indicator_id LIKE %(false_promise)s) AS means,
           min(control.value) FILTER (WHERE control.kind = 'r') AS recruiter
    FROM casework_screening s
    JOIN cases fc ON fc.id = s.case_id
    JOIN casework_screeningindicator si ON si.screening_id = s.id
    LEFT JOIN control ON control.code = si.indicator_id
    GROUP BY s.case_id
), forms AS (
    SELECT cef.case_id, array_agg(DISTINCT f.htcds ORDER BY f.htcds) AS htcds
    FROM casework_case_exploitation_forms cef
    JOIN cases fc ON fc.id = cef.case_id
    JOIN casework_exploitationform f ON f.code = cef.exploitationform_id
    GROUP BY cef.case_id
), journey AS (
    SELECT j.case_id,
           CASE WHEN bool_or(j.recruitment_methods && %(online)s::varchar[]) THEN 'Online'
                WHEN bool_or(j.recruitment_methods && %(family)s::varchar[]) THEN 'FamilyOrFriends'
                WHEN bool_or(cardinality(j.recruitment_methods) > 0) THEN 'Other' ELSE '' END AS channel,
           CASE WHEN bool_or('online_scam' = ANY(j.forced_criminality)) THEN 'OnlineScam'
                WHEN bool_or(cardinality(j.forced_criminality) > 0) THEN 'OtherCrime' ELSE '' END AS crime
    FROM casework_journeyevent j
    JOIN cases fc ON fc.id = j.case_id
    GROUP BY j.case_id
), aged AS (
    SELECT fc.*, p.sex, p.nationality_id,
           {age_on_sql("p", "fc.identified_on")} AS age
    FROM first_case fc
    JOIN casework_person p ON p.id = fc.person_id
)
SELECT a.scope, extract(year FROM a.identified_on)::int, a.sex, a.age::int, coalesce(a.nationality_id, ''),
       coalesce(a.exploitation_country_id, ''), coalesce(fo.htcds, '{{}}'), coalesce(o.means, '{{}}'),
       coalesce(o.recruiter, ''), coalesce(jo.channel, ''), coalesce(jo.crime, ''), count(*)
FROM aged a
LEFT JOIN forms fo ON fo.case_id = a.id
LEFT JOIN observed o ON o.case_id = a.id
LEFT JOIN journey jo ON jo.case_id = a.id
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
"""  # noqa: S608 - the interpolated parts are constants of this module; values are parameters


PARAMS: dict[str, Any] = {
    "false_promise": FALSE_PROMISE_PREFIX + "%",
    "online": ["through_online_social_networks", "through_an_online_advertisement"],
    "family": ["through_family_or_family_events", "through_friends_or_social_events"],
}


# --- The variables and their generalisation steps -----------------------------------------------
def age_band(age: int | None) -> str:
    if age is None:
        return ""
    for upper, label in AGE_BANDS:
        if upper is None or age <= upper:
            return label
    raise AssertionError("unreachable")


def exploitation_type(htcds: Sequence[str]) -> str:
    """CTDC's exploitation flags folded into one value."""
    found = set(htcds)
    if not found:
        return ""
    if "OrganRemoval" in found:
        return "OrganRemoval"
    if "ForcedMarriage" in found:
        return "ForcedMarriage"
    sexual, labour = "SexualExploitation" in found, bool(found & LABOUR)
    if sexual and labour:
        return "SexAndLabour"
    if sexual:
        return "SexualExploit"
    return "ForcedLabour" if labour else "OtherExploit"


def _region(code: str) -> str:
    if code in ("", "LA"):
        return code
    return "Mekong" if code in MEKONG else "Other"


def _keep_blank(step: Callable[[str], str]) -> Callable[[str], str]:
    """Blank means unknown (CTDC): it stays blank until the variable is suppressed."""
    return lambda value: value if value == "" else step(value)


def _period(year: str) -> str:
    start = int(year) - int(year) % 5
    return f"{start}-{start + 4}"


def _broad_exploitation(value: str) -> str:
    return {"ForcedLabour": "Labour", "SexualExploit": "Sexual", "SexAndLabour": "Sexual"}.get(value, "Other")


def _means_groups(value: str) -> str:
    return ";".join(sorted({MEANS_GROUPS[part] for part in value.split(";")}))


@dataclass(frozen=True)
class Variable:
    name: str  # the CTDC column
    label: Any
    steps: tuple[tuple[Any, Callable[[str], str]], ...]  # (what the step does, how), finest first

    @property
    def top(self) -> int:
        return len(self.steps)

    def up(self, value: str, level: int) -> str:
        """The value at `level` from the value at `level - 1`; after the last step, suppressed."""
        return SUPPRESSED if level >= self.top else self.steps[level][1](value)


def _as_is(value: str) -> str:
    return value


VARIABLES: tuple[Variable, ...] = (
    Variable(
        "yearOfRegistration",
        gettext_lazy("Year of registration"),
        ((gettext_lazy("year"), _as_is), (gettext_lazy("five-year period"), _period)),
    ),
    Variable("gender", gettext_lazy("Gender"), ((gettext_lazy("as recorded"), _as_is),)),
    Variable(
        "ageBroad",
        gettext_lazy("Age band when identified"),
        (
            (gettext_lazy("CTDC age band"), _as_is),
            (gettext_lazy("minor or adult"), _keep_blank(lambda v: "0--17" if v in MINOR_BANDS else "18+")),
        ),
    ),
    Variable(
        "citizenship",
        gettext_lazy("Citizenship"),
        ((gettext_lazy("country"), _as_is), (gettext_lazy("Lao PDR, Mekong, other"), _region)),
    ),
    Variable(
        "CountryOfExploitation",
        gettext_lazy("Country of exploitation"),
        ((gettext_lazy("country"), _as_is), (gettext_lazy("Lao PDR, Mekong, other"), _region)),
    ),
    Variable(
        "typeOfExploitation",
        gettext_lazy("Type of exploitation"),
        (
            (gettext_lazy("CTDC type"), _as_is),
            (gettext_lazy("labour, sexual, other"), _keep_blank(_broad_exploitation)),
        ),
    ),
    Variable(
        "meansOfControl",
        gettext_lazy("Means of control"),
        (
            (gettext_lazy("CTDC means"), _as_is),
            (gettext_lazy("grouped means"), _keep_blank(_means_groups)),
            (gettext_lazy("recorded or not"), _keep_blank(lambda v: "Recorded")),
        ),
    ),
    Variable(
        "recruiterRelation",
        gettext_lazy("Recruiter relation"),
        ((gettext_lazy("as recorded"), _as_is),),
    ),
    # From the trafficking journey (docs/htcds.md): Online, FamilyOrFriends or Other; and
    # OnlineScam (a scam compound) or OtherCrime.
    Variable(
        "recruitmentChannel",
        gettext_lazy("Recruitment channel"),
        ((gettext_lazy("as recorded"), _as_is), (gettext_lazy("recorded or not"), _keep_blank(lambda v: "Recorded"))),
    ),
    Variable(
        "forcedCriminality",
        gettext_lazy("Forced criminality"),
        ((gettext_lazy("as recorded"), _as_is), (gettext_lazy("recorded or not"), _keep_blank(lambda v: "Recorded"))),
    ),
)
RECRUITER_NAMES = ("IntimatePartner", "FamilyOrFriend", "Other", "Other")


def histogram(scope: Scope) -> Counter[tuple[str, ...]]:
    """Persons per combination of the finest coarse values, from PostgreSQL's raw rows (the
    reference the stored summary is checked against)."""
    params = {**PARAMS, "everyone": scope.everyone, "owners": [str(owner) for owner in scope.owners or ()]}
    with transaction.atomic(using=read_connection().alias), read_connection().cursor() as cursor:
        cursor.execute("SELECT set_config('work_mem', '64MB', true), set_config('jit', 'off', true)")
        cursor.execute(histogram_sql(FIRST_CASE), params)
        found = cursor.fetchall()
    return coarse(row[1:] for row in found)


def coarse(found: Iterable[Sequence[Any]]) -> Counter[tuple[str, ...]]:
    """The histogram's keys from its SQL rows (year, sex, age, citizenship, ..., persons)."""
    counts: Counter[tuple[str, ...]] = Counter()
    for year, sex, age, citizenship, country, htcds, means, recruiter, channel, crime, n in found:
        key = (
            str(year),
            GENDERS.get(sex, "Unknown"),
            age_band(age),
            citizenship or "",
            country,
            exploitation_type(htcds),
            ";".join(sorted(set(means))),
            RECRUITER_NAMES[int(recruiter)] if recruiter != "" else "",
            channel,
            crime,
        )
        counts[key] += n
    return counts


# --- k-anonymity ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Anonymised:
    k: int
    levels: tuple[int, ...]  # the step each variable reached (len(steps) = suppressed)
    classes: dict[tuple[str, ...], int]  # the published combinations, each held by >= k persons
    persons: int  # before suppression
    suppressed: int  # persons dropped because their combination stayed below k

    @property
    def exported(self) -> int:
        return sum(self.classes.values())

    def rows(self) -> Records:
        """The records: each combination repeated once per person, in sorted order (no order
        of registration, no identifier)."""
        return Records(self.classes)


class Records(Sequence[tuple[str, ...]]):
    """The records of published combinations, made one at a time as they are read: a million
    persons cost their combinations' memory, not a million rows (flat memory for the exports)."""

    def __init__(self, classes: dict[tuple[str, ...], int]) -> None:
        self.combos = sorted(classes)
        self.ends = list(itertools.accumulate(classes[combo] for combo in self.combos))

    def __len__(self) -> int:
        return self.ends[-1] if self.ends else 0

    @overload
    def __getitem__(self, index: int) -> tuple[str, ...]: ...
    @overload
    def __getitem__(self, index: slice) -> list[tuple[str, ...]]: ...
    def __getitem__(self, index: int | slice) -> tuple[str, ...] | list[tuple[str, ...]]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if not -len(self) <= index < len(self):
            raise IndexError(index)
        return self.combos[bisect.bisect_right(self.ends, index % len(self))]

    def __iter__(self) -> Iterator[tuple[str, ...]]:
        start = 0
        for combo, end in zip(self.combos, self.ends, strict=True):
            yield from itertools.repeat(combo, end - start)
            start = end


def _generalised(classes: Counter[tuple[str, ...]], i: int, level: int) -> Counter[tuple[str, ...]]:
    """The combinations with variable i taken one step further, to `level`: one pass over the
    combinations left, each distinct value generalised once."""
    variable = VARIABLES[i]
    mapping = {value: variable.up(value, level) for value in {combo[i] for combo in classes}}
    coarser: Counter[tuple[str, ...]] = Counter()
    for combo, n in classes.items():
        coarser[(*combo[:i], mapping[combo[i]], *combo[i + 1 :])] += n
    return coarser


def anonymise(counts: Counter[tuple[str, ...]], *, k: int, max_suppressed: float) -> Anonymised:
    """Generalise (Datafly) until at most `max_suppressed` of the persons sit in combinations of
    fewer than k, then drop those."""
    persons = sum(counts.values())
    levels = [0] * len(VARIABLES)
    classes = Counter(counts)
    while True:
        small = sum(n for n in classes.values() if n < k)
        if small <= max_suppressed * persons:
            break
        open_ = [i for i, var in enumerate(VARIABLES) if levels[i] < var.top]
        if not open_:
            break
        # Datafly: the variable with the most distinct values left (ties: the later column).
        columns = list(zip(*classes, strict=True))
        widest = max(open_, key=lambda i: (len(set(columns[i])), i))
        levels[widest] += 1
        classes = _generalised(classes, widest, levels[widest])
    kept = {combo: n for combo, n in classes.items() if n >= k}
    return Anonymised(k=k, levels=tuple(levels), classes=kept, persons=persons, suppressed=persons - sum(kept.values()))


def export(scope: Scope, source: Callable[[Scope], Counter[tuple[str, ...]]] = histogram) -> Anonymised:
    """The k-anonymous records of the scope's histogram (from the raw rows unless `source` says)."""
    return anonymise(
        source(scope),
        k=int(settings.STATISTICS_CTDC_K),
        max_suppressed=float(settings.STATISTICS_CTDC_MAX_SUPPRESSED),
    )


# --- As sheets ----------------------------------------------------------------------------------
def records_sheet(result: Anonymised) -> Sheet:
    title = _("Trafficking cases, one row per person, %(k)s-anonymous (CTDC style)") % {"k": result.k}
    return Sheet(title, [var.name for var in VARIABLES], result.rows())


def report_lines(result: Anonymised) -> list[tuple[str, str]]:
    """What was generalised or suppressed, as (variable, what was published) lines."""
    lines = []
    for var, level in zip(VARIABLES, result.levels, strict=True):
        if level >= var.top:
            shown = _("suppressed entirely (%(mark)s)") % {"mark": SUPPRESSED}
        elif level == 0:
            shown = _("as is: %(step)s") % {"step": var.steps[0][0]}
        else:
            shown = _("generalised to: %(step)s") % {"step": var.steps[level][0]}
        lines.append((f"{var.name} ({var.label})", shown))
    return lines


def report_sheet(result: Anonymised) -> Sheet:
    """What was generalised, and how many rows: never how many persons there were or were left
    out (an exact count of every trafficking case over all years, or of the persons left out,
    would let a hidden yearly count of the tables be solved by subtraction)."""
    rows: list[list[Any]] = [[name, shown] for name, shown in report_lines(result)]
    rows += [
        [_("k (every combination of values is held by at least k persons)"), result.k],
        [_("Rows exported"), result.exported],
        [_("Combinations exported"), len(result.classes)],
    ]
    return Sheet(_("What was generalised or suppressed"), [_("Variable"), _("Published as")], rows)
