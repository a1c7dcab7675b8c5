"""Duplicate-person search: is the person at intake already registered, under another spelling?

The same person is often registered twice: by police at the border and by a shelter, with the
name romanised differently and given and family name swapped. A match needs a similar name
(enough of the same folded Latin words, or the same words in Lao script) corroborated by a close
birth date and/or the same district of origin.

Names are encrypted; the comparison runs on their blind indexes (casework.names): the keyed
hashes of each folded word. Folding makes the usual romanisations equal (Phonsavanh, Ponsavan,
Phonesavanh), and the order of words never matters, but a misspelling folding does not cover
is a different word: there is no fuzzy match on encrypted names (the trade-off is documented in
docs/deployment.md, "Encrypted fields").

Privacy: the worker sees full candidates only among the people they may see anyway. Matches
outside their scope are only counted (`hidden_matches`), never named, so the worker knows to ask
a manager without learning who else is on file. Only staff who register or manage cases may ask.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role
from casework import permissions
from casework.models import Person
from casework.names import lao_tokens, latin_tokens, token_indexes
from casework.selectors import record_identity_read
from core.errors import PermissionDenied
from core.permissions import has_role

SIMILARITY_THRESHOLD = 0.5  # shared words / all words of both names (Jaccard)
EXACT_BIRTH_YEARS = 2  # two known birth dates
ESTIMATED_BIRTH_YEARS = 3  # either side only estimated

# Score: the name's similarity (1 for the same Lao-script name) plus points for what corroborates
# it. A close birth date says more than a shared district, where many people have common names.
BIRTH_POINTS = 1.0
AGE_POINTS = 0.75
DISTRICT_POINTS = 0.5

REASON_SIMILAR_NAME = "similar name"
REASON_SAME_LAO_NAME = "same name in Lao script"
REASON_BIRTH_DATE = "birth date within 2 years"
REASON_ESTIMATED_AGE = "estimated age within 3 years"
REASON_DISTRICT = "same district of origin"
# The reasons (API values, in English) as pages show them.
REASON_LABELS = {
    REASON_SIMILAR_NAME: gettext_lazy("similar name"),
    REASON_SAME_LAO_NAME: gettext_lazy("same name in Lao script"),
    REASON_BIRTH_DATE: gettext_lazy("birth date within 2 years"),
    REASON_ESTIMATED_AGE: gettext_lazy("estimated age within 3 years"),
    REASON_DISTRICT: gettext_lazy("same district of origin"),
}


@dataclass(frozen=True)
class DuplicateCandidate:
    person: Person
    score: float
    similarity: float
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class DuplicateReport:
    candidates: list[DuplicateCandidate] = field(default_factory=list)
    hidden_matches: int = 0

    def __bool__(self) -> bool:
        return bool(self.candidates or self.hidden_matches)


def may_search(user: Any) -> bool:
    """Staff who register or manage cases; the compare page asks it too."""
    return bool(permissions.can_open_case(user) or has_role(user, Role.MANAGER))


def find_duplicates(
    *,
    user: Any,
    given_name_latin: str = "",
    family_name_latin: str = "",
    given_name_lo: str = "",
    family_name_lo: str = "",
    date_of_birth: date | None = None,
    estimated_age: int | None = None,
    origin_district: Any = None,
    exclude: Any = None,
    limit: int = 10,
) -> DuplicateReport:
    """Likely duplicates of a person being registered, best first.

    Two queries whatever the number of candidates (the visible page with the number of visible
    matches, the number of all matches) and one INSERT for the access log of the candidates
    shown."""
    if not may_search(user):
        raise PermissionDenied(_("Only staff who register or manage cases can search for duplicates."))
    matches = likely_matches(
        given_name_latin=given_name_latin,
        family_name_latin=family_name_latin,
        given_name_lo=given_name_lo,
        family_name_lo=family_name_lo,
        date_of_birth=date_of_birth,
        estimated_age=estimated_age,
        origin_district=origin_district,
        exclude=exclude,
    )
    if matches is None:
        return DuplicateReport()
    # The visible page carries the number of visible matches (a window over all of them, counted
    # before the LIMIT); the hidden ones are the rest of all matches. Counting the complement
    # directly (NOT IN the user's visible cases) scans every visible case: 0.4 s at 140,000
    # people against 0.1 s for both queries here.
    people = list(
        permissions.view_person.scope(user, matches)
        .annotate(visible_total=Window(Count("pk")))
        .select_related("origin_district")
        .order_by("-score", "-similarity", "case_code")[: max(1, limit)]  # type: ignore[misc]
    )
    visible_total = people[0].visible_total if people else 0
    hidden = max(0, matches.count() - visible_total)
    people = people[: max(0, limit)]
    record_identity_read(user=user, objects=people)
    return DuplicateReport(
        candidates=[
            DuplicateCandidate(person=p, score=p.score, similarity=p.similarity, reasons=_reasons(p))  # type: ignore[attr-defined]
            for p in people
        ],
        hidden_matches=hidden,
    )


def likely_matches(
    *,
    given_name_latin: str = "",
    family_name_latin: str = "",
    given_name_lo: str = "",
    family_name_lo: str = "",
    date_of_birth: date | None = None,
    estimated_age: int | None = None,
    origin_district: Any = None,
    exclude: Any = None,
    today: date | None = None,
) -> QuerySet[Person] | None:
    """Every likely match, unscoped and annotated with `score`, `similarity` and the boolean
    reasons; None when no name was given (nothing to compare). Callers scope it."""
    latin = latin_tokens(given_name_latin, family_name_latin)
    lao = lao_tokens(given_name_lo, family_name_lo)
    if not (latin or lao):
        return None
    people = Person.objects.filter(merged_into__isnull=True)
    excluded = _ids(exclude)
    if excluded:
        people = people.exclude(pk__in=excluded)

    # Name: the overlap operator (&&) finds the candidates through the GIN indexes of the word
    # hashes; the share of words in common then applies our threshold. The hashes are those of
    # every configured index key, so that a key rotation half-way through still finds everyone.
    similar_latin = same_lao = None
    if latin:
        hashes = token_indexes(latin)
        people = people.annotate(similarity=SharedWords("name_index_latin", hashes, len(latin)))
        similar_latin = Q(name_index_latin__overlap=hashes, similarity__gte=SIMILARITY_THRESHOLD)
    else:
        people = people.annotate(similarity=Value(0.0, output_field=FloatField()))
    if lao:  # the same Lao-script words, in any order: all shared, none more
        hashes = token_indexes(lao)
        people = people.annotate(lao_similarity=SharedWords("name_index_lo", hashes, len(lao)))
        same_lao = Q(name_index_lo__overlap=hashes, lao_similarity=1.0)
    name_match = Q(pk__in=[])
    for condition in (similar_latin, same_lao):
        if condition is not None:
            name_match |= condition
    people = people.filter(name_match).annotate(
        similar_name=_flag(similar_latin) if similar_latin is not None else Value(False),
        same_lao_name=_flag(same_lao) if same_lao is not None else Value(False),
    )

    # Birth: both known and close; both known and far apart is a different person.
    birth_query = _query_birth(date_of_birth, estimated_age, today or timezone.localdate())
    if birth_query is not None:
        close_exact, close_estimated, known = _birth_conditions(*birth_query)
        people = (
            people.annotate(implied_birth=ImpliedBirth())
            .annotate(
                birth_close=_flag(close_exact),
                age_close=_flag(close_estimated & ~close_exact),
                birth_known=_flag(known),
            )
            .filter(Q(birth_known=False) | Q(birth_close=True) | Q(age_close=True))
        )
    else:
        people = people.annotate(birth_close=Value(False), age_close=Value(False))

    district_id = getattr(origin_district, "pk", origin_district)
    people = people.annotate(
        same_district=_flag(Q(origin_district_id=district_id)) if district_id is not None else Value(False)
    )
    # Corroboration: when the worker gave a birth date, an age or a district, one must agree.
    if birth_query is not None or district_id is not None:
        people = people.filter(Q(birth_close=True) | Q(age_close=True) | Q(same_district=True))

    name_score = Case(When(same_lao_name=True, then=Value(1.0)), default=F("similarity"), output_field=FloatField())
    return people.annotate(
        score=ExpressionWrapper(
            name_score
            + _points("birth_close", BIRTH_POINTS)
            + _points("age_close", AGE_POINTS)
            + _points("same_district", DISTRICT_POINTS),
            output_field=FloatField(),
        )
    )


def _reasons(person: Person) -> tuple[str, ...]:
    reasons = []
    if person.same_lao_name:  # type: ignore[attr-defined]
        reasons.append(REASON_SAME_LAO_NAME)
    if person.similar_name:  # type: ignore[attr-defined]
        reasons.append(REASON_SIMILAR_NAME)
    if person.birth_close:  # type: ignore[attr-defined]
        reasons.append(REASON_BIRTH_DATE)
    if person.age_close:  # type: ignore[attr-defined]
        reasons.append(REASON_ESTIMATED_AGE)
    if person.same_district:  # type: ignore[attr-defined]
        reasons.append(REASON_DISTRICT)
    return tuple(reasons)


def _query_birth(birth: date | None, age: int | None, today: date) -> tuple[date, bool] | None:
    """The birth date the worker gave (exact) or one implied by an estimated age (not exact)."""
    if birth is not None:
        return birth, True
    if age is not None:
        return _years_before(today, age), False
    return None


def _birth_conditions(birth: date, exact: bool) -> tuple[Q, Q, Q]:
    """(close by the exact rule, close by the estimated rule, the candidate's birth is known);
    they refer to the `implied_birth` annotation."""
    candidate_exact = Q(date_of_birth__isnull=False, birth_date_estimated=False)
    near = (_years_before(birth, EXACT_BIRTH_YEARS), _years_after(birth, EXACT_BIRTH_YEARS))
    wide = (_years_before(birth, ESTIMATED_BIRTH_YEARS), _years_after(birth, ESTIMATED_BIRTH_YEARS))
    if exact:
        close_exact = candidate_exact & Q(date_of_birth__range=near)
        close_estimated = ~candidate_exact & Q(implied_birth__range=wide)
    else:
        close_exact = Q(pk__in=[])
        close_estimated = Q(implied_birth__range=wide)
    return close_exact, close_estimated, Q(implied_birth__isnull=False)


class SharedWords(Func):
    """The Jaccard similarity of an array of word hashes and the query's: words in common over
    words in either. `hashes` holds the query's `words` under every configured index key; a row
    is indexed under one key only, so at most `words` of them can be shared."""

    output_field = FloatField()

    def __init__(self, column: str, hashes: list[str], words: int) -> None:
        super().__init__(F(column))
        self.hashes, self.words = hashes, words

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        column, params = compiler.compile(self.get_source_expressions()[0])
        # Only a column name is interpolated; the values are parameters.
        sql = (
            f"(SELECT count(*)::float / (cardinality({column}) + %s - count(*)) "  # noqa: S608
            f"FROM unnest({column}) AS word WHERE word = ANY(%s))"
        )
        return sql, [*params, self.words, *params, self.hashes]


class ImpliedBirth(Func):
    """The birth date, else the one implied by a dated estimate (estimated on minus the age)."""

    output_field = DateField()

    def __init__(self) -> None:
        super().__init__(F("date_of_birth"), F("age_estimated_on"), F("estimated_age"))

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        (birth, p1), (on, p2), (age, p3) = (compiler.compile(e) for e in self.get_source_expressions())
        return f"COALESCE({birth}, ({on} - make_interval(years => {age}::integer))::date)", [*p1, *p2, *p3]


def _flag(condition: Q) -> Case:
    return Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())


def _points(flag: str, points: float) -> Case:
    return Case(When(**{flag: True}, then=Value(points)), default=Value(0.0), output_field=FloatField())


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _years_after(day: date, years: int) -> date:
    return _years_before(day, -years)


def _ids(exclude: Any) -> list[Any]:
    if exclude is None:
        return []
    if isinstance(exclude, Person) or not isinstance(exclude, Iterable) or isinstance(exclude, str):
        exclude = [exclude]
    return [getattr(item, "pk", item) for item in exclude]
