"""Who may see and record perpetrators and legal proceedings (docs/legal.md), each predicate
beside its filter, built on the case rules of casework.permissions.

- **Perpetrators are tier 3** (docs/design/access.md), with police access by their own rule: the
  case's assigned counsellor (the tier-3 rule, `view_sensitive`) and police investigators who see
  the case in their own scope (owned by or shared with their unit; never through an emergency
  grant, which reads tiers 1-2 only). Nobody else: not the social worker, not the managers, not
  partners. A perpetrator linked to several cases is seen through any case whose perpetrators the
  reader may see, and their page lists only those cases. Recorded by the same people while the
  case is not closed.
- **Legal proceedings and hearings are tier 2**, like the journey: seen with the case (police in
  scope included), recorded by whoever may record a screening (the case's workers, and police
  who see the case)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from accounts.models import Role
from casework.models import Case, CasePerpetrator, Hearing, LegalProceeding, Perpetrator
from casework.permissions import case_in_scope, record_screening, through_case, view_case, view_sensitive
from core.permissions import define, has_role


# --- Perpetrators ----------------------------------------------------------------------------
def _reads(user: Any, case: Case) -> bool:
    return view_sensitive.allows(user, case) or (has_role(user, Role.POLICE) and case_in_scope.allows(user, case))


def _readable_cases(user: Any) -> Q:
    q = view_sensitive.filter(user)
    return q | case_in_scope.filter(user) if has_role(user, Role.POLICE) else q


view_case_perpetrators = define("casework.view_case_perpetrators", Case, predicate=_reads, filter=_readable_cases)
change_perpetrators = define(
    "casework.change_perpetrators",
    Case,
    predicate=lambda user, case: case.status != "closed" and _reads(user, case),
    filter=lambda user: _readable_cases(user) & ~Q(status="closed"),
)


def _case_ids(user: Any) -> Any:
    return Case.objects.filter(_readable_cases(user)).values("pk")


view_perpetrator = define(
    "casework.view_perpetrator",
    Perpetrator,
    predicate=lambda user, perpetrator: any(_reads(user, case) for case in perpetrator.cases.all()),
    filter=lambda user: Q(pk__in=CasePerpetrator.objects.filter(case__in=_case_ids(user)).values("perpetrator")),
)
view_perpetrator_link = define(
    "casework.view_caseperpetrator",
    CasePerpetrator,
    predicate=lambda user, link: _reads(user, link.case),
    filter=lambda user: Q(case__in=_case_ids(user)),
)


# --- Legal proceedings and their hearings ------------------------------------------------------
view_proceeding = through_case("casework.view_legalproceeding", LegalProceeding)
change_proceeding = define(
    "casework.change_proceeding", Case, predicate=record_screening.allows, filter=record_screening.filter
)
view_hearing = define(
    "casework.view_hearing",
    Hearing,
    predicate=lambda user, hearing: view_case.allows(user, hearing.proceeding.case),
    filter=lambda user: Q(proceeding__case__in=Case.objects.filter(view_case.filter(user)).values("pk")),
)
