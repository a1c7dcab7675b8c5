"""Reads of referrals: the case's referrals, the receiving organisation's inbox, the partner's
incremental pull, and `disclosure`, the minimal data set a receiver may see for one referral.

The pull (`partner_referrals`, `partner_events`) is "everything after N" by the change stream's
numbers (referrals.changes): numbers become visible in the order they were taken, so a partner
that remembers the last number it saw never misses a change and never gets one twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import F, Min, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.models import AuditAction, AuditEvent, District, Organisation, Province
from accounts.services import audit_record_many
from casework.ages import age_on
from casework.models import Case, Screening, ServiceType
from casework.permissions import view_health
from casework.privacy import as_record
from referrals import permissions
from referrals.choices import DataCategory, ReferralStatus
from referrals.models import Consent, ConsentOverride, DirectoryEntry, PartnerToken, Referral, ReferralEvent

# Event kinds written while the referral was a draft: the receiver never sees them.
DRAFT_EVENT_KINDS = ("created", "draft_updated")
# The receiver never took the person on (declined) or the sender took the referral back:
# nothing of tier 2 is shown any more, whatever the consent says.
NO_DISCLOSURE_STATUSES = frozenset({ReferralStatus.WITHDRAWN, ReferralStatus.DECLINED})
CATEGORY_ORDER = tuple(DataCategory.values)


def with_disclosure_data(referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    """The joins and prefetches `disclosure` reads: a list of any length costs the same number
    of queries (one, plus one per prefetched relation)."""
    return referrals.select_related(
        "case__person__origin_province",
        "case__person__origin_district",
        "consent",
        "from_organisation",
        "to_organisation",
    ).prefetch_related(
        "service_types",
        "consent__service_types",
        "case__exploitation_forms",
        Prefetch(
            "case__screenings",
            queryset=Screening.objects.only("id", "case_id", "outcome", "screened_on", "created_at").order_by(
                "-screened_on", "-created_at"
            ),
            to_attr="screenings_newest_first",
        ),
    )


# The columns `disclosure` (with consent_problems) reads: with_disclosure_columns loads no other.
DISCLOSURE_COLUMNS = (
    *("id", "case_id", "consent_id", "status", "urgency", "reason", "decline_reason", "outcome"),
    *("sent_at", "acknowledge_due_at", "answer_due_at", "change_seq", "shared_categories", "consent_override"),
    *("to_organisation_id", "from_organisation_id"),
    *("case__id", "case__category", "case__person_id"),
    *(
        f"case__person__{name}"
        for name in (
            *("id", "case_code", "given_name_lo", "family_name_lo", "given_name_latin", "family_name_latin", "sex"),
            *("date_of_birth", "birth_date_estimated", "estimated_age", "age_estimated_on", "phone"),
            *("origin_province_id", "origin_district_id", "origin_village"),
            *("languages", "interpreter_needed", "interpreter_language"),
        )
    ),
    *(
        f"consent__{name}"
        for name in ("id", "person_id", "recipient_id", "given_by", "given_at", "expires_at", "withdrawn_at")
    ),
    "consent__data_categories",
)


def with_disclosure_columns(referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    """What `disclosure` reads, in one query for any number of referrals and without a model
    instance per many-to-many row: the related rows joined with only the columns it reads, the
    service, consent-service and exploitation-form codes as arrays, the newest screening's
    outcome. For the partner pull (pages of up to 500); measured on a page of 100, a third of
    the CPU time of `with_disclosure_data` and its four prefetches. `disclosure` reads either.

    The organisations', province's and district's codes are subqueries, not joins: with them
    joined, PostgreSQL spent 10 ms planning the order of nine tables for a page it then read in
    11 ms (1,000,000 people); with four tables to order, planning takes 2 ms."""
    services = Referral.service_types.through.objects.filter(referral_id=OuterRef("pk"))
    return (
        referrals.select_related("case__person", "consent")
        .only(*DISCLOSURE_COLUMNS)
        .annotate(
            from_organisation_code=_code_of(Organisation, "from_organisation_id"),
            to_organisation_code=_code_of(Organisation, "to_organisation_id"),
            origin_province_code=_code_of(Province, "case__person__origin_province_id"),
            origin_district_code=_code_of(District, "case__person__origin_district_id"),
            service_codes=ArraySubquery(
                services.order_by("servicetype__position", "servicetype_id").values("servicetype__code")
            ),
            health_service_codes=ArraySubquery(
                services.filter(servicetype__health=True)
                .order_by("servicetype__position", "servicetype_id")
                .values("servicetype__code")
            ),
            consent_service_codes=ArraySubquery(
                Consent.service_types.through.objects.filter(consent_id=OuterRef("consent_id")).values(
                    "servicetype__code"
                )
            ),
            exploitation_form_codes=ArraySubquery(
                Case.exploitation_forms.through.objects.filter(case_id=OuterRef("case_id"))
                .order_by("exploitationform__code")
                .values("exploitationform__code")
            ),
            screening_outcome=Subquery(
                Screening.objects.filter(case_id=OuterRef("case_id"))
                .order_by("-screened_on", "-created_at")
                .values("outcome")[:1]
            ),
        )
    )


def _code_of(model: Any, column: str) -> Subquery:
    return Subquery(model.objects.filter(pk=OuterRef(column)).values("code")[:1])


def _code(referral: Referral, annotation: str, related: Callable[[], str | None]) -> str | None:
    """A related row's code: with_disclosure_columns' `annotation`, else `related()` reads it
    through the rows with_disclosure_data joined."""
    return getattr(referral, annotation) if hasattr(referral, annotation) else related()  # type: ignore[no-any-return]


# --- Staff ---------------------------------------------------------------------------------------
def case_referrals(*, user: Any, case: Case) -> QuerySet[Referral]:
    """The referrals of one case the user may see: all of them for the case's staff; for staff
    of a receiving organisation only the sent ones addressed to it. Health services are left out
    for a user who may not see the case's health content (casework view_health)."""
    services = ServiceType.objects.all() if view_health.allows(user, case) else ServiceType.objects.filter(health=False)
    return (
        permissions.view_referral.scope(user)
        .filter(case=case)
        .select_related("from_organisation", "to_organisation", "from_worker", "consent", "case__person")
        .prefetch_related(Prefetch("service_types", queryset=services))
        .order_by("-created_at", "id")
    )


# A referral the receiver still owes or gives the service: it may act on the case for it.
OPEN_STATUSES = (ReferralStatus.SENT, ReferralStatus.ACKNOWLEDGED, ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS)


def referred_cases(organisation_ids: Any, service_type: str) -> Q:
    """Cases with an open referral to one of these organisations for this service
    (casework.extensions.referred_cases): a shelter's operator admits the ones referred to it
    for a placement."""
    referred = Referral.objects.filter(
        to_organisation_id__in=organisation_ids, status__in=OPEN_STATUSES, service_types__code=service_type
    )
    return Q(pk__in=referred.values("case_id"))


def inbox(*, user: Any, status: str | None = None) -> QuerySet[Referral]:
    """Referrals sent to the user's organisation (none for a user without a receiving role),
    newest first, ready for `disclosure`."""
    referrals = Referral.objects.filter(permissions.received_by(user))
    if status:
        referrals = referrals.filter(status=status)
    return with_disclosure_data(referrals).order_by("-sent_at", "id")


# --- Partners ------------------------------------------------------------------------------------
def overrides_waiting(*, user: Any) -> QuerySet[ConsentOverride]:
    """Consent override requests of the user's organisation waiting for a manager's decision."""
    return permissions.view_override.scope(user).filter(
        status=ConsentOverride.Status.PENDING, referral__from_organisation_id=user.organisation_id
    )


def partner_referrals(
    *,
    organisation: Any,
    after_seq: int | None = None,
    status: str | None = None,
    service: Any = None,
    updated_since: datetime | None = None,
) -> QuerySet[Referral]:
    """Referrals sent to `organisation` that changed after `after_seq` (and at or after
    `updated_since`), in stream order, ready for `disclosure`. Drafts never appear. `service`
    is a ServiceType or its code.

    With `updated_since`, one more query (on the index alone) finds the lowest stream number
    among the referrals changed since then, and the page is read in stream order from there:
    the same rows, but PostgreSQL no longer walks the partner's whole stream from its start
    looking for recent changes (1.6 s for a first page at 300,000 referrals)."""
    referrals = sent_to(organisation)
    if updated_since is not None:
        referrals = referrals.filter(updated_at__gte=updated_since)
        # `+ 0`: else PostgreSQL reads the whole stream in order on the change_seq index for the
        # minimum (1.4 s at a million referrals) instead of the few recent ones on this index.
        first = referrals.aggregate(first=Min(F("change_seq") + 0))["first"]
        referrals = referrals.filter(change_seq__gte=first) if first is not None else referrals.none()
    if after_seq is not None:
        referrals = referrals.filter(change_seq__gt=after_seq)
    if status:
        referrals = referrals.filter(status=status)
    if service:
        referrals = referrals.filter(service_types__code=getattr(service, "code", service))
    return with_disclosure_columns(referrals).order_by("change_seq", "id")


def sent_to(organisation: Any) -> QuerySet[Referral]:
    """Every referral a partner may pull: sent to `organisation`, never a draft."""
    return Referral.objects.filter(to_organisation=organisation).exclude(status=ReferralStatus.DRAFT)


def partner_events(*, organisation: Any, after_seq: int | None = None) -> QuerySet[ReferralEvent]:
    """Events of referrals sent to `organisation` after `after_seq`, in stream order; the ones
    written while a referral was still a draft are left out."""
    events = (
        ReferralEvent.objects.filter(referral__to_organisation=organisation)
        .exclude(referral__status=ReferralStatus.DRAFT)
        .exclude(kind__in=DRAFT_EVENT_KINDS)
    )
    if after_seq is not None:
        events = events.filter(seq__gt=after_seq)
    return events.select_related("referral__case__person", "organisation").order_by("seq")


# --- The minimal data set ------------------------------------------------------------------------
def disclosed_categories(referral: Referral, *, now: datetime | None = None, status: str | None = None) -> list[str]:
    """The data categories a receiver sees now: the referral's shared categories that its
    consent covers, none at all once the consent is withdrawn, expired or otherwise does not
    cover the referral. A consent_override referral shows the categories it lists. `status` is
    the referral's `consent_status` at `now`, for a caller that has it already (a list page
    then checks each consent once, not twice)."""
    if referral.status in NO_DISCLOSURE_STATUSES:
        return []
    status = status or consent_status(referral, now=now)
    shared = set(referral.shared_categories)
    if status == "override":
        allowed = shared
    elif status == "active":  # the consent covers the referral (consent_problems found nothing)
        allowed = shared & set(referral.consent.data_categories)  # type: ignore[union-attr]
    else:
        return []
    return [category for category in CATEGORY_ORDER if category in allowed]


def consent_status(referral: Referral, *, now: datetime | None = None) -> str:
    """One word for the receiver: active, withdrawn, expired, override, missing or invalid."""
    if referral.consent_override:
        return "override"
    consent = referral.consent
    if consent is None:
        return "missing"
    if consent.withdrawn_at is not None:
        return "withdrawn"
    now = now or timezone.now()
    if consent.expires_at is not None and consent.expires_at <= now:
        return "expired"
    return "invalid" if permissions.consent_problems(referral, consent, now=now, categories=False) else "active"


def disclosure(referral: Referral, *, now: datetime | None = None) -> dict[str, Any]:
    """The minimal data set a receiving organisation may see for this referral, as a plain dict.

    Always the referral's own fields and the case code (the pseudonymous handle); then one key
    per disclosed category (see `disclosed_categories`), each absent, never null, when not
    disclosed. Never tier 3: no notes, no counselling or medical details. Load the referral
    through `with_disclosure_data` to read a list without a query per referral."""
    now = now or timezone.now()
    case = referral.case
    person = case.person
    services, health_services = _service_codes(referral)
    status = consent_status(referral, now=now)
    categories = disclosed_categories(referral, now=now, status=status)
    data: dict[str, Any] = {
        "id": str(referral.pk),
        "case_code": person.case_code,
        "status": referral.status,
        "from_organisation": _code(referral, "from_organisation_code", lambda: referral.from_organisation.code),
        "to_organisation": _code(referral, "to_organisation_code", lambda: referral.to_organisation.code),
        "services": services,
        "urgency": referral.urgency,
        "reason": referral.reason,
        "sent_at": referral.sent_at,
        "acknowledge_due_at": referral.acknowledge_due_at,
        "answer_due_at": referral.answer_due_at,
        "decline_reason": referral.decline_reason,
        "outcome": referral.outcome,
        "change_seq": referral.change_seq,
        "consent_status": status,
        "disclosed_categories": categories,
    }
    today = timezone.localdate(now)
    for category in categories:
        data[category] = _CATEGORY_FIELDS[category](referral, case, person, health_services, today)
    return data


def _service_codes(referral: Referral) -> tuple[list[str], list[str]]:
    """The codes of the services asked for, in the list's order, and of the health ones among
    them: from with_disclosure_columns' arrays, else from the (prefetched) relation."""
    if hasattr(referral, "service_codes") and hasattr(referral, "health_service_codes"):
        return referral.service_codes, referral.health_service_codes
    services = sorted(referral.service_types.all(), key=lambda service: (service.position, service.code))
    return [service.code for service in services], [service.code for service in services if service.health]


def _identity(referral: Referral, case: Case, person: Any, health: list[str], today: Any) -> dict[str, Any]:
    age = age_on(person, today)
    return {
        "given_name_lo": person.given_name_lo,
        "family_name_lo": person.family_name_lo,
        "given_name_latin": person.given_name_latin,
        "family_name_latin": person.family_name_latin,
        "sex": person.sex,
        "age": age,  # never the birth date
        "age_estimated": person.date_of_birth is None or person.birth_date_estimated,
        "child": permissions.is_child_for_consent(person, today),
    }


def _contact(referral: Referral, case: Case, person: Any, health: list[str], today: Any) -> dict[str, Any]:
    return {"phone": person.phone}


def _origin(referral: Referral, case: Case, person: Any, health: list[str], today: Any) -> dict[str, Any]:
    return {
        "province": _code(
            referral,
            "origin_province_code",
            lambda: person.origin_province.code if person.origin_province_id else None,
        ),
        "district": _code(
            referral,
            "origin_district_code",
            lambda: person.origin_district.code if person.origin_district_id else None,
        ),
        "village": person.origin_village,
    }


def _language(referral: Referral, case: Case, person: Any, health: list[str], today: Any) -> dict[str, Any]:
    return {
        "languages": list(person.languages),
        "interpreter_needed": person.interpreter_needed,
        "interpreter_language": person.interpreter_language,
    }


def _case_summary(referral: Referral, case: Case, person: Any, health: list[str], today: Any) -> dict[str, Any]:
    forms = getattr(referral, "exploitation_form_codes", None)
    if forms is None:
        forms = [form.code for form in case.exploitation_forms.all()]
    return {"category": case.category, "exploitation_forms": sorted(forms)}


def _screening(referral: Referral, case: Case, person: Any, health: list[str], today: Any) -> dict[str, Any]:
    if hasattr(referral, "screening_outcome"):  # with_disclosure_columns
        return {"outcome": referral.screening_outcome}
    screenings = getattr(case, "screenings_newest_first", None)
    if screenings is None:
        screenings = list(case.screenings.order_by("-screened_on", "-created_at")[:1])
    return {"outcome": screenings[0].outcome if screenings else None}


def _health(referral: Referral, case: Case, person: Any, health: list[str], today: Any) -> dict[str, Any]:
    """Which health services are asked for, nothing more: no diagnosis, no medical notes."""
    return {"services": health}


_CATEGORY_FIELDS: dict[str, Callable[[Referral, Case, Any, list[Any], Any], dict[str, Any]]] = {
    DataCategory.IDENTITY: _identity,
    DataCategory.CONTACT: _contact,
    DataCategory.ORIGIN: _origin,
    DataCategory.LANGUAGE: _language,
    DataCategory.CASE_SUMMARY: _case_summary,
    DataCategory.SCREENING: _screening,
    DataCategory.HEALTH: _health,
}


def record_disclosure_read(
    *,
    referrals: Iterable[Referral],
    user: Any = None,
    token: PartnerToken | None = None,
    action: str = AuditAction.LIST,
    now: datetime | None = None,
    shown: Mapping[Any, list[str]] | None = None,
) -> list[AuditEvent]:
    """The access-log rows for disclosures read through the API or a page: one row per
    referral, naming the categories shown, in one INSERT. Staff read as `user`, partners
    through `token` (the row names the token's prefix, never the token). `shown`: the
    categories each referral's disclosure (by pk) showed, when the caller built them already
    at the same `now`; otherwise they are worked out again here."""
    referrals = list(referrals)
    return audit_record_many(
        actor=token if token is not None else user,
        action=action,
        objects=referrals,
        fields_by={r.pk: shown[r.pk] if shown is not None else disclosed_categories(r, now=now) for r in referrals},
    )


def person_records(person: Any, case_ids: list[Any]) -> dict[str, list[dict[str, Any]]]:
    """A subject access export's referral part: the person's consents, and the referrals of the
    cases the exporting manager may see with their events and consent overrides (the reason given
    for sharing without consent is about the person too; casework.services.subject_access)."""
    consents = (
        Consent.objects.filter(person=person, case_id__in=case_ids)
        .prefetch_related("service_types")
        .order_by("given_at", "id")
    )
    referrals = (
        Referral.objects.filter(case_id__in=case_ids)
        .prefetch_related(
            "service_types",
            Prefetch("events", queryset=ReferralEvent.objects.order_by("seq")),
            Prefetch("consent_overrides", queryset=ConsentOverride.objects.order_by("requested_at")),
        )
        .order_by("created_at", "id")
    )
    return {
        "consents": [{**as_record(c), "service_types": [t.pk for t in c.service_types.all()]} for c in consents],
        "referrals": [
            {
                **as_record(r),
                "service_types": [t.pk for t in r.service_types.all()],
                "events": [as_record(e, exclude=["txid"]) for e in r.events.all()],
                "consent_overrides": [as_record(o) for o in r.consent_overrides.all()],
            }
            for r in referrals
        ],
    }


# --- The directory of services ---------------------------------------------------------------------
def directory(
    *, user: Any, service_types: Iterable[ServiceType] = (), province: Province | None = None
) -> QuerySet[DirectoryEntry]:
    """The entries of active organisations the user may read that offer every one of
    `service_types` in `province` (either left out: any)."""
    entries = DirectoryEntry.objects.filter(permissions.view_directory.filter(user), organisation__is_active=True)
    for service in service_types:
        entries = entries.filter(
            pk__in=DirectoryEntry.service_types.through.objects.filter(servicetype=service).values("directoryentry")
        )
    if province is not None:
        entries = entries.filter(
            pk__in=DirectoryEntry.provinces.through.objects.filter(province=province).values("directoryentry")
        )
    return entries.select_related("organisation").prefetch_related("service_types", "provinces")


def providers(
    *, user: Any, service_types: Iterable[ServiceType], province: Province, exclude: Any
) -> QuerySet[Organisation]:
    """The organisations the referral form offers: those whose entry offers the services in the
    person's province, accepting referrals first, with their entry joined for the capacity."""
    entries = directory(user=user, service_types=service_types, province=province)
    return (
        Organisation.objects.filter(pk__in=entries.values("organisation"))
        .exclude(pk=exclude)
        .select_related("directory_entry")
        .order_by("-directory_entry__accepting", "name_en")
    )
