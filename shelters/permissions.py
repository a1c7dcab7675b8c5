"""Who may see and do what in shelters (docs/design/access.md), each predicate beside its filter.

- Shelter staff work in the shelters they are posted to (ShelterStaff): they admit, transfer and
  discharge there, and see the identity of *current* residents only (today's: the board of
  another night shows which beds were taken, not by whom).
- An admission (or non-residential assistance) names a case the actor may act on there: one
  in their own scope, or one linked to the shelter's operator (owned by it, shared with it, or
  referred to it for a placement). Any other case, and a case that does not exist, get the
  same answer, so that no refusal tells anything about a person the actor may not see.
- The operator organisation's social workers may also admit and discharge; its managers (and
  managers above it) see its stays, mark beds out of service and run its reports.
- Workers who see a case see its stays, wherever they are.
- A shelter's name is public (tier 0); its address is tier 2.
"""

from __future__ import annotations

from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone

from accounts.models import Organisation, Role
from casework.extensions import referred_cases
from casework.models import Case
from casework.permissions import (
    case_in_scope,
    cases_of_organisations,
    change_case,
    managed_organisations,
    view_case,
    view_health,
)
from core.permissions import EVERYTHING, NOTHING, define, has_role
from shelters.models import (
    AdmissionRequest,
    AdmissionRequestStatus,
    Bed,
    BedOutage,
    NonResidentialAssistance,
    RegisterImport,
    Shelter,
    Stay,
)


def posted_shelter_ids(user: Any) -> frozenset[Any]:
    """Shelters the user works in as shelter staff; cached on the user for the request."""
    if not has_role(user, Role.SHELTER_STAFF):
        return frozenset()
    cached = getattr(user, "_pathway_shelters", None)
    if cached is None:
        cached = frozenset(Shelter.objects.filter(staff__user=user).values_list("pk", flat=True))
        user._pathway_shelters = cached
    return cached


def _operates(user: Any, shelter: Shelter) -> bool:
    """A manager over the operator, or a social worker of the operator itself."""
    return shelter.operator_id in managed_organisations(user) or (
        has_role(user, Role.SOCIAL_WORKER) and shelter.operator_id == user.organisation_id
    )


def _operated(user: Any) -> Q:
    q = NOTHING
    managed = managed_organisations(user)
    if managed:
        q |= Q(operator_id__in=managed)
    if has_role(user, Role.SOCIAL_WORKER):
        q |= Q(operator_id=user.organisation_id)
    return q


# --- Shelters: names for everyone; the address for staff and the operator -------------------
view_shelter = define(
    "shelters.view_shelter", Shelter, predicate=lambda user, shelter: True, filter=lambda user: EVERYTHING
)


def _can_see_address(user: Any, shelter: Shelter) -> bool:
    return shelter.pk in posted_shelter_ids(user) or _operates(user, shelter)


view_shelter_address = define(
    "shelters.view_shelter_address",
    Shelter,
    predicate=_can_see_address,
    filter=lambda user: Q(pk__in=posted_shelter_ids(user)) | _operated(user),
)


# --- Working a shelter: admissions, discharges, transfers, bed board ------------------------
def _can_work(user: Any, shelter: Shelter) -> bool:
    return shelter.pk in posted_shelter_ids(user) or _operates(user, shelter)


work_shelter = define(
    "shelters.work_shelter",
    Shelter,
    predicate=_can_work,
    filter=lambda user: Q(pk__in=posted_shelter_ids(user)) | _operated(user),
)


# --- Admissions: cases the actor may name ---------------------------------------------------
PLACEMENT = "shelter"  # the service type of a referral for a place in a shelter


def _linked(operator_ids: Any) -> Q:
    """Cases a shelter run by one of these organisations may act on: their own, those shared
    with them, and those referred to them for a placement."""
    return cases_of_organisations(operator_ids) | referred_cases(operator_ids, PLACEMENT)


def _requested(shelter_ids: Any) -> Q:
    """Cases whose worker asked one of these shelters to admit the person (a waiting request)."""
    waiting = AdmissionRequest.objects.filter(shelter__in=shelter_ids, status=AdmissionRequestStatus.PENDING)
    return Q(pk__in=waiting.values("case_id"))


def _worked(user: Any) -> Any:
    return Shelter.objects.filter(work_shelter.filter(user))


def _admissible(user: Any) -> Q:
    worked = _worked(user)
    return case_in_scope.filter(user) | _linked(worked.values("operator_id")) | _requested(worked.values("pk"))


def _can_admit(user: Any, case: Case) -> bool:
    return case_in_scope.allows(user, case) or Case.objects.filter(_admissible(user), pk=case.pk).exists()


# The cases a user may name in an admission or an assistance record in any shelter they work
# (the API's case field looks them up through this filter); `admissible_here` says which of
# them one shelter may take.
admit_case = define("shelters.admit_case", Case, predicate=_can_admit, filter=_admissible)


def admissible_here(user: Any, shelter: Shelter) -> Q:
    """The filter over Case of what `user` may admit to `shelter` (they work it)."""
    return case_in_scope.filter(user) | _linked([shelter.operator_id]) | _requested([shelter.pk])


# --- Admission requests: asked by the case's worker, answered by whoever works the shelter ------
# Asking: the predicate takes the case ("may this user ask a shelter to admit this person?").
request_admission = define(
    "shelters.request_admission",
    Case,
    predicate=lambda user, case: change_case.allows(user, case),
    filter=lambda user: change_case.filter(user),
)


def _can_view_request(user: Any, request: AdmissionRequest) -> bool:
    return _can_work(user, request.shelter) or view_case.allows(user, request.case)


def _requests_visible(user: Any) -> Q:
    return Q(shelter__in=_worked(user).values("pk")) | Q(case__in=view_case.scope(user).values("pk"))


view_admission_request = define(
    "shelters.view_admissionrequest", AdmissionRequest, predicate=_can_view_request, filter=_requests_visible
)
answer_admission_request = define(
    "shelters.answer_admissionrequest",
    AdmissionRequest,
    predicate=lambda user, request: _can_work(user, request.shelter),
    filter=lambda user: Q(shelter__in=_worked(user).values("pk")),
)


# --- Reports: managers over the operator, and the shelter's own staff -------------------------
def _can_report(user: Any, shelter: Shelter) -> bool:
    return shelter.pk in posted_shelter_ids(user) or shelter.operator_id in managed_organisations(user)


def _reportable(user: Any) -> Q:
    return Q(pk__in=posted_shelter_ids(user)) | Q(operator_id__in=managed_organisations(user))


run_reports = define("shelters.run_reports", Shelter, predicate=_can_report, filter=_reportable)


# --- Beds: set up, retired and put out of service by the shelter's staff, the operator's
# managers, and administrators (docs/design/access.md: admins manage shelters) ------------------------------
manage_beds = define(
    "shelters.manage_beds",
    Shelter,
    predicate=lambda user, shelter: has_role(user, Role.ADMIN) or _can_report(user, shelter),
    filter=lambda user: EVERYTHING if has_role(user, Role.ADMIN) else _reportable(user),
)


def _can_see_bed(user: Any, bed: Bed) -> bool:
    return _can_work(user, bed.shelter) or manage_beds.allows(user, bed.shelter)


view_bed = define(
    "shelters.view_bed",
    Bed,
    predicate=_can_see_bed,
    filter=lambda user: Q(
        shelter__in=Shelter.objects.filter(work_shelter.filter(user) | manage_beds.filter(user)).values("pk")
    ),
)


# --- Stays -------------------------------------------------------------------------------------
def _is_current(stay: Stay, on: Any) -> bool:
    return stay.during.lower <= on and (stay.during.upper is None or on < stay.during.upper)


def _can_view_stay(user: Any, stay: Stay) -> bool:
    if stay.shelter_id in posted_shelter_ids(user) and _is_current(stay, timezone.localdate()):
        return True
    return _operates(user, stay.shelter) or view_case.allows(user, stay.case)


def _stays_visible(user: Any) -> Q:
    q = Q(case__in=view_case.scope(user).values("pk"))
    q |= Q(shelter__in=Shelter.objects.filter(_operated(user)).values("pk"))
    posted = posted_shelter_ids(user)
    if posted:
        q |= Q(shelter_id__in=posted, during__contains=timezone.localdate())
    return q


view_stay = define("shelters.view_stay", Stay, predicate=_can_view_stay, filter=_stays_visible)


# --- Non-residential assistance: the operator, whoever sees the case, and the shelter's staff
# that day only (as for residents: they see the people the shelter serves now, not former ones) --
def _can_view_non_residential(user: Any, record: NonResidentialAssistance) -> bool:
    if record.shelter_id in posted_shelter_ids(user) and record.assisted_on == timezone.localdate():
        return True
    return _operates(user, record.shelter) or (record.case is not None and view_case.allows(user, record.case))


def _non_residential_visible(user: Any) -> Q:
    q = Q(shelter__in=Shelter.objects.filter(_operated(user)).values("pk")) | Q(
        case__in=view_case.scope(user).values("pk")
    )
    posted = posted_shelter_ids(user)
    if posted:
        q |= Q(shelter_id__in=posted, assisted_on=timezone.localdate())
    return q


view_non_residential = define(
    "shelters.view_nonresidentialassistance",
    NonResidentialAssistance,
    predicate=_can_view_non_residential,
    filter=_non_residential_visible,
)


def health_visible(user: Any) -> ExpressionWrapper:
    """May the user see a non-residential record's health services and notes, as an annotation:
    the shelter's workers, who gave the assistance, and the case's readers by casework's health
    rule (view_health: never police, never through an emergency grant)."""
    shelters = Shelter.objects.filter(work_shelter.filter(user)).values("pk")
    cases = view_health.scope(user).values("pk")
    return ExpressionWrapper(Q(shelter__in=shelters) | Q(case__in=cases), output_field=BooleanField())


view_bed_outage = define(
    "shelters.view_bedoutage",
    BedOutage,
    predicate=lambda user, outage: _can_see_bed(user, outage.bed),
    filter=lambda user: Q(bed__in=Bed.objects.filter(view_bed.filter(user)).values("pk")),
)


# --- Setting shelters up: their operator's managers and administrators --------------------------
# (docs/design/access.md: admins manage shelters). They create a shelter for an organisation they
# operate for, change its description and post its staff; rooms and beds follow `manage_beds`.
def _operates_for(user: Any, organisation_id: Any) -> bool:
    return has_role(user, Role.ADMIN) or organisation_id in managed_organisations(user)


def _operable(user: Any) -> Q:
    return EVERYTHING if has_role(user, Role.ADMIN) else Q(pk__in=managed_organisations(user))


operate_for = define(
    "shelters.operate_for",
    Organisation,
    predicate=lambda user, organisation: _operates_for(user, organisation.pk),
    filter=_operable,
)

manage_shelter = define(
    "shelters.manage_shelter",
    Shelter,
    predicate=lambda user, shelter: _operates_for(user, shelter.operator_id),
    filter=lambda user: Q(operator__in=Organisation.objects.filter(_operable(user)).values("pk")),
)


# --- Register import: managers over the operator bring in its paper registers (shelters.imports);
# the imported cases are the operator's, opened by its manager (casework.permissions.can_open_case_for)
import_register = define(
    "shelters.import_register",
    Shelter,
    predicate=lambda user, shelter: shelter.operator_id in managed_organisations(user),
    filter=lambda user: Q(operator_id__in=managed_organisations(user)) if managed_organisations(user) else NOTHING,
)
# An upload and its check: seen by whoever may import into its shelter (the page and the API).
view_register_import = define(
    "shelters.view_registerimport",
    RegisterImport,
    predicate=lambda user, register_import: import_register.allows(user, register_import.shelter),
    filter=lambda user: (
        Q(shelter__operator_id__in=managed_organisations(user)) if managed_organisations(user) else NOTHING
    ),
)
