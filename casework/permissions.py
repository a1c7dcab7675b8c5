"""Who may see and do what on cases and people (docs/design/access.md), each predicate beside its filter.

Visibility of a case comes from relationships, never from per-object grants:
- social workers, counsellors and police of the owning organisation;
- the assigned worker;
- staff of an organisation the case is actively shared with (CaseShare);
- managers whose organisation is the owner or above it (a national MLSW manager sees the
  cases of every MLSW provincial office).
- a manager or administrator holding a valid emergency grant (BreakGlassGrant) on the case:
  read only, tiers 1-2 (the tier-3 and change permissions below never look at grants, and
  health services need the case in scope), until the grant expires.
Within a visible case, tiers narrow further: tier-3 notes only for the assigned counsellor
(view_sensitive); health services and every other trace of health (view_health) only for
readers in scope who are not police. Every representation of a case's records (timeline,
referrals, consents, non-residential records, exports) asks these two permissions.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.db.models import Count, Exists, Model, OuterRef, Q
from django.utils import timezone

from accounts.models import Role
from accounts.selectors import organisation_subtree_ids
from casework.choices import Tier, TransferStatus
from casework.models import (
    BreakGlassGrant,
    Case,
    CaseFlag,
    CaseGroup,
    CaseGroupMember,
    CaseNote,
    CasePlan,
    CaseShare,
    CaseTransfer,
    FollowUpVisit,
    JourneyEvent,
    Person,
    Repatriation,
    RepatriationStep,
    Screening,
    Service,
)
from core.permissions import NOTHING, Permission, define, has_role

CASE_STAFF = (Role.SOCIAL_WORKER, Role.COUNSELLOR, Role.POLICE)
# Who may open a case outside their scope in an emergency (docs/design/access.md: break-glass).
BREAK_GLASS_ROLES = (Role.MANAGER, Role.ADMIN)
# Who answers a transfer offered to their organisation.
TRANSFER_DECIDERS = (Role.MANAGER, Role.SOCIAL_WORKER, Role.COUNSELLOR)
M = TypeVar("M", bound=Model)


def managed_organisations(user: Any) -> frozenset[Any]:
    """Organisations a manager oversees; cached on the user for the length of a request."""
    if not has_role(user, Role.MANAGER) or user.organisation_id is None:
        return frozenset()
    cached = getattr(user, "_pathway_managed", None)
    if cached is None:
        cached = organisation_subtree_ids(user.organisation_id)
        user._pathway_managed = cached
    return cached


def _shared_with(organisation_id: Any) -> Exists:
    return Exists(
        CaseShare.objects.filter(case=OuterRef("pk"), organisation_id=organisation_id, revoked_at__isnull=True)
    )


def _is_shared(case: Case, organisation_id: Any) -> bool:
    return case.shares.filter(organisation_id=organisation_id, revoked_at__isnull=True).exists()


# --- Emergency access (break-glass) ---------------------------------------------------------
def _grants(user: Any) -> list[tuple[Any, Any, str, Any, Any]]:
    """The user's unexpired emergency grants as (case, person, reason, starts, expires), read
    once per request (cached on the user like `managed_organisations`; opening a grant clears
    it). Users who may not break glass never cost a query, and for the others a user without a
    grant leaves every case query exactly as it was."""
    if not has_role(user, *BREAK_GLASS_ROLES):
        return []
    cached = getattr(user, "_pathway_grants", None)
    if cached is None:
        cached = list(
            BreakGlassGrant.objects.filter(user_id=user.pk, expires_at__gt=timezone.now()).values_list(
                "case_id", "case__person_id", "reason", "starts_at", "expires_at"
            )
        )
        user._pathway_grants = cached
    now = timezone.now()
    return [grant for grant in cached if grant[3] <= now < grant[4]]


def forget_grants(user: Any) -> None:
    """After a grant opens, so that the same request sees it (works through request.user's lazy wrapper)."""
    if hasattr(user, "_pathway_grants"):
        del user._pathway_grants


def emergency_case_ids(user: Any) -> frozenset[Any]:
    """The cases the user may read now through an emergency grant."""
    return frozenset(grant[0] for grant in _grants(user))


def emergency_until(user: Any, case: Case) -> Any:
    """When the user's emergency access to this case ends; None when they read it in scope."""
    until = max((grant[4] for grant in _grants(user) if grant[0] == case.pk), default=None)
    return None if until is None or _in_scope(user, case) else until


def emergency_reasons(user: Any, person_ids: Iterable[Any]) -> dict[Any, str]:
    """For the audit rows of a read: the reason of the grant through which the user reads each
    of these people (none when they read them in their own scope, or hold no grant)."""
    wanted = set(person_ids)
    return {grant[1]: f"break-glass: {grant[2]}" for grant in _grants(user) if grant[1] in wanted}


# --- Seeing a case --------------------------------------------------------------------------
def _in_scope(user: Any, case: Case) -> bool:
    """Visible through the user's relationships with the case (everything but emergency grants)."""
    if case.assigned_worker_id == user.pk or case.owner_id in managed_organisations(user):
        return True
    if has_role(user, *CASE_STAFF) and case.owner_id == user.organisation_id:
        return True
    return has_role(user, *CASE_STAFF, Role.MANAGER) and _is_shared(case, user.organisation_id)


def _cases_in_scope(user: Any) -> Q:
    q = Q(assigned_worker_id=user.pk)
    managed = managed_organisations(user)
    if managed:
        q |= Q(owner_id__in=managed)
    if has_role(user, *CASE_STAFF):
        q |= Q(owner_id=user.organisation_id)
    if has_role(user, *CASE_STAFF, Role.MANAGER):
        q |= Q(_shared_with(user.organisation_id))
    return q


def _can_view_case(user: Any, case: Case) -> bool:
    return _in_scope(user, case) or case.pk in emergency_case_ids(user)


def _cases_visible(user: Any) -> Q:
    granted = emergency_case_ids(user)
    return _cases_in_scope(user) | Q(pk__in=granted) if granted else _cases_in_scope(user)


view_case = define("casework.view_case", Case, predicate=_can_view_case, filter=_cases_visible)
# The same without emergency grants (read only): the cases a user may act on through their
# own relationships with them.
case_in_scope = define("casework.case_in_scope", Case, predicate=_in_scope, filter=_cases_in_scope)


def cases_of_organisations(organisation_ids: Any) -> Q:
    """Cases owned by, or actively shared with, one of these organisations (ids or a subquery):
    the organisation may act on them (a shelter it runs admits them) even where the acting user
    may not read them."""
    shared = CaseShare.objects.filter(organisation_id__in=organisation_ids, revoked_at__isnull=True)
    return Q(owner_id__in=organisation_ids) | Q(pk__in=shared.values("case_id"))


# --- Changing a case (screening, services, notes, plan, repatriation steps) -----------------
def _works_on(user: Any, case: Case) -> bool:
    """The case's workers: the assigned worker, and the owner's social workers and counsellors."""
    if case.assigned_worker_id == user.pk:
        return True
    return has_role(user, Role.SOCIAL_WORKER, Role.COUNSELLOR) and case.owner_id == user.organisation_id


def _cases_worked_on(user: Any) -> Q:
    q = Q(assigned_worker_id=user.pk)
    if has_role(user, Role.SOCIAL_WORKER, Role.COUNSELLOR):
        q |= Q(owner_id=user.organisation_id)
    return q


def _can_change_case(user: Any, case: Case) -> bool:
    return case.status != "closed" and _works_on(user, case)


def _cases_changeable(user: Any) -> Q:
    return _cases_worked_on(user) & ~Q(status="closed")


change_case = define("casework.change_case", Case, predicate=_can_change_case, filter=_cases_changeable)
# A closed case's workers ask a manager to reopen it (the service checks that it is closed).
request_reopen = define("casework.request_reopen", Case, predicate=_works_on, filter=_cases_worked_on)


# --- Screening: also police, at identification, on cases they can see -----------------------
def _can_screen(user: Any, case: Case) -> bool:
    return change_case.allows(user, case) or (
        case.status != "closed" and has_role(user, Role.POLICE) and view_case.allows(user, case)
    )


def _cases_screenable(user: Any) -> Q:
    q = _cases_changeable(user)
    if has_role(user, Role.POLICE):
        q |= _cases_visible(user) & ~Q(status="closed")
    return q


record_screening = define("casework.add_screening", Case, predicate=_can_screen, filter=_cases_screenable)


# --- Manager decisions: assignment, closure and plan approval -------------------------------
def _can_manage(user: Any, case: Case) -> bool:
    return case.owner_id in managed_organisations(user)


def _cases_managed(user: Any) -> Q:
    managed = managed_organisations(user)
    return Q(owner_id__in=managed) if managed else NOTHING


manage_case = define("casework.manage_case", Case, predicate=_can_manage, filter=_cases_managed)


# --- Moving a case: sharing it and transferring it, by its workers or its managers ----------
def _can_move_case(user: Any, case: Case) -> bool:
    return _can_change_case(user, case) or _can_manage(user, case)


move_case = define(
    "casework.move_case",
    Case,
    predicate=_can_move_case,
    filter=lambda user: _cases_changeable(user) | _cases_managed(user),
)


# --- Tier 3: counselling and medical notes, only the assigned counsellor --------------------
def _can_view_sensitive(user: Any, case: Case) -> bool:
    return has_role(user, Role.COUNSELLOR) and case.assigned_worker_id == user.pk


view_sensitive = define(
    "casework.view_sensitive",
    Case,
    predicate=_can_view_sensitive,
    filter=lambda user: Q(assigned_worker_id=user.pk) if has_role(user, Role.COUNSELLOR) else NOTHING,
)


# --- Notes: tier 1-2 for everyone who sees the case; tier 3 as above ------------------------
def _can_view_note(user: Any, note: CaseNote) -> bool:
    if note.tier == Tier.SENSITIVE:
        return _can_view_sensitive(user, note.case)
    return _can_view_case(user, note.case)


def _notes_visible(user: Any) -> Q:
    visible = Q(case__in=Case.objects.filter(_cases_visible(user)).values("pk"))
    sensitive = Q(case__assigned_worker_id=user.pk) if has_role(user, Role.COUNSELLOR) else NOTHING
    return visible & (~Q(tier=Tier.SENSITIVE) | sensitive)


view_note = define("casework.view_casenote", CaseNote, predicate=_can_view_note, filter=_notes_visible)


# --- Health: one rule for every representation of a case's health and counselling -----------
# Health services and the traces they leave (timeline events, consents, referrals, non-residential
# records, exports) are medical details: readers in scope only, never police (unless they also
# hold a casework role), and never through an emergency grant, which reads tiers 1-2 only.
def hides_health(user: Any) -> bool:
    """Police never receive health details (docs/design/access.md), unless they also hold a casework role."""
    return has_role(user, Role.POLICE) and not has_role(user, Role.SOCIAL_WORKER, Role.COUNSELLOR)


def _can_view_health(user: Any, case: Case) -> bool:
    return not hides_health(user) and _in_scope(user, case)


def _cases_health_visible(user: Any) -> Q:
    return NOTHING if hides_health(user) else _cases_in_scope(user)


view_health = define("casework.view_health", Case, predicate=_can_view_health, filter=_cases_health_visible)


def _can_view_service(user: Any, service: Service) -> bool:
    if service.service_type.health:
        return _can_view_health(user, service.case)
    return _can_view_case(user, service.case)


def _services_visible(user: Any) -> Q:
    q = Q(case__in=Case.objects.filter(_cases_visible(user)).values("pk"))
    if hides_health(user):
        q &= Q(service_type__health=False)
    elif emergency_case_ids(user):  # without grants, every visible case is in scope
        q &= Q(service_type__health=False) | Q(case__in=Case.objects.filter(_cases_health_visible(user)).values("pk"))
    return q


view_service = define("casework.view_service", Service, predicate=_can_view_service, filter=_services_visible)


# --- People: visible through any visible case ----------------------------------------------
def _can_view_person(user: Any, person: Person) -> bool:
    return any(_can_view_case(user, case) for case in person.cases.all())


def _people_visible(user: Any) -> Q:
    return Q(pk__in=Case.objects.filter(_cases_visible(user)).values("person_id"))


view_person = define("casework.view_person", Person, predicate=_can_view_person, filter=_people_visible)


# --- Exports of personal data (a subject access request): managers over one of the cases ------
def _can_export_person(user: Any, person: Person) -> bool:
    managed = managed_organisations(user)
    return bool(managed) and any(case.owner_id in managed for case in person.cases.all())


def _people_exportable(user: Any) -> Q:
    managed = managed_organisations(user)
    return Q(pk__in=Case.objects.filter(owner_id__in=managed).values("person_id")) if managed else NOTHING


export_person = define("casework.export_person", Person, predicate=_can_export_person, filter=_people_exportable)


def can_open_case(user: Any) -> bool:
    """Social workers, counsellors and police (at identification) open cases for their own
    organisation."""
    return bool(has_role(user, *CASE_STAFF) and user.organisation_id)


def can_open_case_for(user: Any, organisation: Any) -> bool:
    """A manager opens cases for an organisation they oversee only when bringing in its paper
    registers (shelters.imports): the cases of historic residents, owned by the operator."""
    return organisation.pk in managed_organisations(user)


# --- Transfers: the receiving organisation decides ------------------------------------------
def _can_decide_transfer(user: Any, transfer: CaseTransfer) -> bool:
    return (
        transfer.status == TransferStatus.PENDING
        and has_role(user, *TRANSFER_DECIDERS)
        and transfer.to_organisation_id == user.organisation_id
    )


decide_transfer = define(
    "casework.decide_casetransfer",
    CaseTransfer,
    predicate=_can_decide_transfer,
    filter=lambda user: (
        Q(status=TransferStatus.PENDING, to_organisation_id=user.organisation_id)
        if has_role(user, Role.MANAGER, Role.SOCIAL_WORKER, Role.COUNSELLOR)
        else NOTHING
    ),
)


def view_identity(user: Any, person: Person) -> bool:
    """May the user see who this is (tier 2: names, birth date, village, contacts, family)?
    Everyone who may see one of the person's cases, for now; shelter staff (current residents
    only) join with the shelters app."""
    return view_person.allows(user, person)


# --- Records that belong to a case are visible with it --------------------------------------
def through_case(name: str, model: type[M]) -> Permission[M]:
    """A permission for a model with a `case` foreign key: visible exactly when its case is."""

    def visible(user: Any, obj: Any) -> bool:  # any model with a `case` (M cannot say so)
        return _can_view_case(user, obj.case)

    return define(
        name,
        model,
        predicate=visible,
        filter=lambda user: Q(case__in=Case.objects.filter(_cases_visible(user)).values("pk")),
    )


view_plan = through_case("casework.view_caseplan", CasePlan)
view_follow_up = through_case("casework.view_followupvisit", FollowUpVisit)


# --- Transfers: visible with the case, and to the organisation asked to take it ---------------
def _can_view_transfer(user: Any, transfer: CaseTransfer) -> bool:
    offered = has_role(user, *TRANSFER_DECIDERS) and transfer.to_organisation_id == user.organisation_id
    return offered or _can_view_case(user, transfer.case)


def _transfers_visible(user: Any) -> Q:
    q = Q(case__in=Case.objects.filter(_cases_visible(user)).values("pk"))
    if has_role(user, *TRANSFER_DECIDERS):
        q |= Q(to_organisation_id=user.organisation_id)
    return q


view_transfer = define(
    "casework.view_casetransfer", CaseTransfer, predicate=_can_view_transfer, filter=_transfers_visible
)


view_repatriation = through_case("casework.view_repatriation", Repatriation)


def _can_view_step(user: Any, step: RepatriationStep) -> bool:
    return _can_view_case(user, step.repatriation.case)


view_repatriation_step = define(
    "casework.view_repatriationstep",
    RepatriationStep,
    predicate=_can_view_step,
    filter=lambda user: Q(repatriation__case__in=Case.objects.filter(_cases_visible(user)).values("pk")),
)


view_screening = through_case("casework.view_screening", Screening)
view_flag = through_case("casework.view_caseflag", CaseFlag)


# --- The trafficking journey: tier 2, seen with the case (police in scope included) ----------
# Recorded by whoever may record a screening: the case's workers and, at identification,
# the police who see the case (the journey is what an investigator's interview establishes).
view_journey = through_case("casework.view_journeyevent", JourneyEvent)
change_journey = define("casework.change_journey", Case, predicate=_can_screen, filter=_cases_screenable)


# --- Risk flags: raised and cleared by the case's workers and its managers in scope ----------
# (the same people who may move the case); seen by whoever sees the case.
raise_flag = define(
    "casework.raise_flag",
    Case,
    predicate=_can_move_case,
    filter=lambda user: _cases_changeable(user) | _cases_managed(user),
)


def may_flag_some(user: Any) -> bool:
    """Whether the case list offers the bulk flag form: social workers, counsellors and managers."""
    return bool(user.is_authenticated) and (
        has_role(user, Role.SOCIAL_WORKER, Role.COUNSELLOR) or bool(managed_organisations(user))
    )


# --- Linked cases: a group is seen through two member cases the user sees -------------------
# Only the members the reader sees are ever shown or counted (casework.selectors.group_members),
# and a group with a single member they see is not there at all: it would tell that the case is
# linked with one they may not see. Cases are linked and unlinked by whoever may move them (their
# workers and managers in scope: move_case), and only with cases in scope.
def _can_view_group(user: Any, group: CaseGroup) -> bool:
    members = group.members.select_related("case")
    return sum(1 for member in members if _can_view_case(user, member.case)) >= 2


def _groups_visible(user: Any) -> Q:
    cases = Case.objects.filter(_cases_visible(user)).values("pk")
    seen = CaseGroupMember.objects.filter(case__in=cases).values("group_id").annotate(seen=Count("id"))
    return Q(pk__in=seen.filter(seen__gte=2).values("group_id"))


view_case_group = define("casework.view_casegroup", CaseGroup, predicate=_can_view_group, filter=_groups_visible)
