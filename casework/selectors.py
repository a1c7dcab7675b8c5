"""Reads for casework, scoped to the caller, with the joins each screen needs, and the access
log rows for personal data they reveal."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import F, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _
from pghistory.models import MiddlewareEvents

from accounts.models import AuditAction, AuditEvent, User
from accounts.services import audit_record, audit_record_many
from casework import health, legal_permissions, permissions
from casework.choices import JourneyStage, SupportPlanType
from casework.journey_fields import CODED, LABELS, STAGE_FIELDS
from casework.models import (
    PERSON_IDENTITY_FIELDS,
    BreakGlassGrant,
    Case,
    CaseEvent,
    CasePerpetrator,
    CasePlan,
    CasePlanGoal,
    CasePlanVersion,
    CaseShare,
    CaseTransfer,
    FamilyMember,
    FollowUpPolicy,
    Hearing,
    JourneyCode,
    JourneyEvent,
    LegalProceeding,
    Perpetrator,
    Person,
)
from casework.names import name_filter
from core.errors import NotFound, PermissionDenied
from core.pages import local_name


def case_list(*, user: Any, search: str = "") -> QuerySet[Case]:
    cases = (
        permissions.view_case.scope(user)
        .select_related("person", "owner", "assigned_worker", "person__registration_province")
        .order_by("-created_at", "id")
    )
    if search:
        cases = cases.filter(_search(search))
    return cases


CASE_CODE = re.compile(r"^[A-Za-z]{2}-\d{1,4}(-\d*)?$")


def _search(term: str, path: str = "person__") -> Q:
    """Case code (exact or prefix), or whole words of a name in either script (names are
    encrypted: they are found through the blind indexes of their words, casework.names). A term
    shaped like a case code searches codes only, through their prefix index."""
    term = term.strip()
    if CASE_CODE.match(term):
        return Q(**{f"{path}case_code__startswith": term.upper()})
    q = Q(**{f"{path}case_code__istartswith": term})
    names = name_filter(term, path)
    return q if names is None else q | names


def case_detail(*, user: Any, case_id: Any) -> Case:
    """One case the user may see (404 otherwise); reading it is recorded in the audit log."""
    queryset = case_list(user=user).prefetch_related(
        "exploitation_forms",
        Prefetch("services", queryset=permissions.view_service.scope(user).select_related("service_type", "provider")),
        Prefetch("notes", queryset=permissions.view_note.scope(user).select_related("author")),
    )
    case = permissions.view_case.get(user, queryset, pk=case_id)
    record_identity_read(user=user, objects=[case.person], action=AuditAction.VIEW)
    return case


def record_identity_read(*, user: Any, objects: Sequence[Person], action: str = AuditAction.LIST) -> None:
    """Every read of identity data leaves an access-log row: one row for a detail, one INSERT
    for a page of a list. A read through an emergency grant carries the grant's reason."""
    if not objects:
        return
    reasons = permissions.emergency_reasons(user, [person.pk for person in objects])
    if action == AuditAction.VIEW and len(objects) == 1:
        person = objects[0]
        audit_record(
            actor=user, action=action, obj=person, fields=PERSON_IDENTITY_FIELDS, reason=reasons.get(person.pk, "")
        )
    else:
        audit_record_many(actor=user, action=action, objects=objects, fields=PERSON_IDENTITY_FIELDS, reasons=reasons)


def person_list(*, user: Any, search: str = "") -> QuerySet[Person]:
    people = permissions.view_person.scope(user).filter(merged_into__isnull=True)
    if search:
        people = people.filter(_search(search, path=""))
    return people.select_related("registration_province", "nationality", "origin_province", "origin_district").order_by(
        "case_code"
    )


def family_member(*, person: Person, member_id: Any) -> FamilyMember:
    """A relative or guardian of `person` (whom the caller already reached through its scope);
    a missing id, another person's relative and a malformed id are the same 404."""
    try:
        return person.family.get(pk=member_id)
    except (FamilyMember.DoesNotExist, ValueError, ValidationError) as error:
        raise NotFound(_("Not found.")) from error


def case_timeline(*, user: Any, case: Case) -> QuerySet[CaseEvent]:
    """The timeline of a case the caller has already fetched through view_case, without the
    events about health services or tier-3 notes the caller may not see (casework.health). Show
    the rows through `timeline_shown`."""
    hidden = health.hidden_events(
        health=permissions.view_health.allows(user, case),
        sensitive=permissions.view_sensitive.allows(user, case),
        perpetrators=legal_permissions.view_case_perpetrators.allows(user, case),
    )
    return case.events.exclude(hidden).select_related("actor").order_by("-at", "-id")


def timeline_shown(*, user: Any, case: Case, events: Iterable[CaseEvent]) -> list[CaseEvent]:
    """Rows of `case_timeline` as the caller may see them: health codes withheld from their data."""
    return health.redact_events(events, health=permissions.view_health.allows(user, case))


def case_plan(*, user: Any, case: Case) -> CasePlan | None:
    """The plan of a case the caller has already fetched through view_case; its health goals only
    for a reader of the case's health (view_health)."""
    goals = CasePlanGoal.objects.all()
    if not permissions.view_health.allows(user, case):
        goals = goals.exclude(support_type=SupportPlanType.HEALTH)
    return CasePlan.objects.filter(case=case).prefetch_related(Prefetch("goals", queryset=goals)).first()


def plan_versions(*, user: Any, case: Case) -> list[CasePlanVersion]:
    """The approved versions of the case's plan, newest first; health goals only for a reader of
    the case's health, as in case_plan."""
    hide_health = not permissions.view_health.allows(user, case)
    versions = list(CasePlanVersion.objects.filter(plan__case=case).select_related("approved_by", "submitted_by"))
    for version in versions:
        version.goals = [
            goal_shown(
                {
                    **goal,
                    "target_date": date.fromisoformat(goal["target_date"]) if goal["target_date"] else None,
                    "achieved_on": date.fromisoformat(goal["achieved_on"]) if goal["achieved_on"] else None,
                }
            )
            for goal in version.goals or []
            if not (hide_health and goal["support_type"] == SupportPlanType.HEALTH)
        ]
    return versions


def goal_shown(goal: dict[str, Any]) -> dict[str, Any]:
    """A goal (as plan_save takes it) with the label of its kind of support, for a page."""
    return {**goal, "label": SupportPlanType(goal["support_type"]).label}


def case_access_log(*, user: Any, case: Case) -> QuerySet[AuditEvent]:
    """Who viewed or changed the case and its person: for managers in scope (docs/design/access.md). The
    case permission governs it, so it includes rows of staff outside the manager's organisation."""
    if not permissions.manage_case.allows(user, case):
        raise PermissionDenied(_("Only managers of the owning organisation see who opened this case."))
    return (
        AuditEvent.objects.filter(
            Q(object_type="casework.case", object_id=str(case.pk))
            | Q(object_type="casework.person", object_id=str(case.person_id))
        )
        .select_related("actor")
        .order_by("-at", "-id")
    )


def case_changes(*, user: Any, case: Case, limit: int = 500) -> list[Any]:
    """Row history of the case, its person and the records that point at the case (screenings,
    services, repatriations), newest first (the latest `limit`), from django-pghistory's trigger-written tables.

    Only the names of changed fields are shown, never old values: old values of health services
    or identity would otherwise leak past the tier rules. For the case's own staff and managers."""
    if not (permissions.change_case.allows(user, case) or permissions.manage_case.allows(user, case)):
        raise PermissionDenied(_("Only the case's workers and managers see its change history."))
    # pghistory aggregates references to objects of one type per query: the case's, then the person's.
    events = [
        *MiddlewareEvents.objects.references(case).order_by("-pgh_created_at")[:limit],
        *MiddlewareEvents.objects.tracks(case.person).order_by("-pgh_created_at")[:limit],
    ]
    events = sorted(events, key=lambda event: event.pgh_created_at, reverse=True)[:limit]
    user_ids = {user for event in events if (user := (event.pgh_context or {}).get("user")) is not None}
    usernames = {str(pk): name for pk, name in User.objects.filter(pk__in=user_ids).values_list("pk", "username")}
    for event in events:
        event.username = usernames.get(str((event.pgh_context or {}).get("user")))
    return events


def follow_up_months_of(organisation: Any) -> list[int]:
    """The months of the follow-up visits an organisation's cases get when their plan chose no
    policy: its own cadence, else the shared default (services.follow_ups.policy_for)."""
    policy = (
        FollowUpPolicy.objects.filter(organisation=organisation).first()
        or FollowUpPolicy.objects.filter(is_default=True).first()
    )
    return list(policy.months) if policy else []


def break_glass_grants(*, user: Any) -> QuerySet[BreakGlassGrant]:
    """The user's own emergency grants, newest first (the form page lists the valid ones)."""
    return BreakGlassGrant.objects.filter(user_id=user.pk).select_related("case__person").order_by("-starts_at")


def case_shares(*, case: Case) -> QuerySet[CaseShare]:
    """The case's shares, current first then ended, newest first: who shared it with which
    organisation, why and when (no identity: not an access-log read)."""
    return case.shares.select_related("organisation", "granted_by").order_by(
        F("revoked_at").desc(nulls_first=True), "-granted_at"
    )


def case_transfers(*, case: Case) -> QuerySet[CaseTransfer]:
    """The case's transfers, newest first (a case the caller has already fetched through view_case)."""
    return case.transfers.select_related("from_organisation", "to_organisation", "requested_by", "decided_by")


def transfers_waiting(*, user: Any) -> QuerySet[CaseTransfer]:
    """Transfers offered to the user's organisation that they may answer, oldest first."""
    return (
        permissions.decide_transfer.scope(user)
        .select_related("case__person", "from_organisation", "requested_by")
        .order_by("requested_at", "id")
    )


def journey_event(*, user: Any, case: Case, event_id: Any) -> JourneyEvent:
    """One step of the journey of `case` (already reached through the caller's scope); another
    case's step and a malformed id are the same 404."""
    try:
        return permissions.view_journey.scope(user).select_related("case").get(case=case, pk=event_id)
    except (JourneyEvent.DoesNotExist, ValueError, ValidationError) as error:
        raise NotFound(_("Not found.")) from error


def journey_shown(*, user: Any, case: Case) -> list[dict[str, Any]]:
    """The case's journey in order, each step with its coded facts as labels in the reader's
    language: [{"event", "stage", "facts": [(label, text)]}] (two queries)."""
    events = list(permissions.view_journey.scope(user).filter(case=case).select_related("country", "border_point"))
    names = {(code.list, code.code): local_name(code) for code in JourneyCode.objects.all()}
    shown = []
    for event in events:
        facts = []
        for name in STAGE_FIELDS.get(event.stage, ()):
            value = getattr(event, name)
            if name in CODED:
                codes = value if isinstance(value, list) else [value] if value else []
                text = ", ".join(names.get((CODED[name], code)) or code for code in codes)
            else:
                text = value
            if text:
                facts.append((LABELS[name], text))
        shown.append({"event": event, "stage": JourneyStage(event.stage).label, "facts": facts})
    return shown


def gravest_open_flag() -> Any:
    """A subquery for a case queryset: the level of its gravest open risk flag (None without one).
    Flags are seen with their case, so a case already in scope shows its own."""
    from django.db.models import Case as When_
    from django.db.models import IntegerField, OuterRef, Subquery, Value, When

    from casework.choices import RiskLevel
    from casework.models import CaseFlag

    gravity = When_(
        *[When(level=level, then=Value(position)) for position, level in enumerate(RiskLevel.values)],
        output_field=IntegerField(),
    )
    flags = CaseFlag.objects.filter(case=OuterRef("pk"), cleared_at__isnull=True).order_by(gravity.desc())
    return Subquery(flags.values("level")[:1])


# --- Perpetrators (tier 3) and legal proceedings (tier 2): docs/legal.md ----------------------
def case_perpetrators(*, user: Any, case: Case) -> list[CasePerpetrator] | None:
    """The perpetrators linked to a case the caller reached through view_case, or None when they
    may not see its perpetrators; the read is in the access log."""
    if not legal_permissions.view_case_perpetrators.allows(user, case):
        return None
    links = list(case.perpetrator_links.select_related("perpetrator__nationality").order_by("linked_at", "id"))
    if links:
        audit_record_many(actor=user, action=AuditAction.VIEW, objects=[link.perpetrator for link in links])
    return links


def perpetrator_link(*, user: Any, case: Case, link_id: Any) -> CasePerpetrator:
    """One perpetrator of `case`; a missing one, another case's and a malformed id are the same 404."""
    if not legal_permissions.view_case_perpetrators.allows(user, case):
        raise NotFound(_("Not found."))
    try:
        return case.perpetrator_links.select_related("perpetrator", "case").get(pk=link_id)
    except (CasePerpetrator.DoesNotExist, ValueError, ValidationError) as error:
        raise NotFound(_("Not found.")) from error


def perpetrator_detail(*, user: Any, perpetrator_id: Any) -> tuple[Perpetrator, list[CasePerpetrator]]:
    """A perpetrator and their links to the cases whose perpetrators the caller may see (never
    the others, not even counted); the read is in the access log."""
    perpetrator = legal_permissions.view_perpetrator.get(
        user, Perpetrator.objects.select_related("nationality"), pk=perpetrator_id
    )
    readable = legal_permissions.view_case_perpetrators.scope(user).values("pk")
    shown = list(
        perpetrator.links.filter(case__in=readable).select_related("case__person").order_by("case__person__case_code")
    )
    audit_record(actor=user, action=AuditAction.VIEW, obj=perpetrator)
    return perpetrator, shown


def known_perpetrators(*, user: Any, case: Case) -> list[Perpetrator]:
    """Perpetrators the caller may see that are not yet linked to this case (to link one)."""
    return list(
        legal_permissions.view_perpetrator.scope(user).exclude(links__case=case).order_by("known_as", "id")[:200]
    )


def case_proceedings(*, user: Any, case: Case) -> list[LegalProceeding]:
    """The legal proceedings of a case the caller reached through view_case, hearings included;
    the read is in the access log."""
    proceedings = list(
        legal_permissions.view_proceeding.scope(user)
        .filter(case=case)
        .prefetch_related(Prefetch("hearings", queryset=Hearing.objects.order_by("held_on", "id")))
    )
    if proceedings:
        audit_record_many(actor=user, action=AuditAction.VIEW, objects=proceedings)
    return proceedings


def proceeding_of(*, user: Any, case: Case, proceeding_id: Any) -> LegalProceeding:
    try:
        return legal_permissions.view_proceeding.scope(user).select_related("case").get(case=case, pk=proceeding_id)
    except (LegalProceeding.DoesNotExist, ValueError, ValidationError) as error:
        raise NotFound(_("Not found.")) from error


def hearing_of(*, user: Any, case: Case, hearing_id: Any) -> Hearing:
    try:
        return (
            legal_permissions.view_hearing.scope(user)
            .select_related("proceeding__case")
            .get(proceeding__case=case, pk=hearing_id)
        )
    except (Hearing.DoesNotExist, ValueError, ValidationError) as error:
        raise NotFound(_("Not found.")) from error


# --- Linked cases ---------------------------------------------------------------------------
def group_members(*, user: Any, group: Any) -> list[Case]:
    """The group's member cases the user sees, by case code; the others are not there at all
    (neither shown nor counted)."""
    return list(
        permissions.view_case.scope(user, Case.objects.select_related("person"))
        .filter(group_memberships__group=group)
        .order_by("person__case_code", "created_at")
    )


def case_groups(*, user: Any, case: Case) -> list[dict[str, Any]]:
    """The groups `case` is in with another member the user sees, with those members (three queries)."""
    from casework.models import CaseGroup, CaseGroupMember

    groups = list(CaseGroup.objects.filter(members__case=case).select_related("created_by"))
    visible = permissions.view_case.scope(user, Case.objects.all()).values("pk")
    members = (
        CaseGroupMember.objects.filter(group__in=groups, case__in=visible)
        .exclude(case=case)
        .select_related("case__person")
        .order_by("case__person__case_code")
    )
    others: dict[Any, list[Case]] = {group.pk: [] for group in groups}
    for member in members:
        others[member.group_id].append(member.case)
    # A group whose other members the user cannot see is not shown: nothing tells it exists.
    return [{"group": group, "others": others[group.pk]} for group in groups if others[group.pk]]


def link_candidate(*, user: Any, code: str) -> Case:
    """The case a worker names by its code to link it: the person's newest case in the user's own
    scope; a code they may not see answers as a missing one."""
    case = (
        permissions.case_in_scope.scope(user, Case.objects.select_related("person"))
        .filter(person__case_code=(code or "").strip().upper())
        .order_by("-created_at", "id")
        .first()
    )
    if case is None:
        raise NotFound(_("Not found."), fields={"case_code": [_("No case with this code.")]})
    return case
