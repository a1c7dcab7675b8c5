"""Whose cases a user's national statistics count (the aggregates never show a case)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from accounts.models import Role
from casework.models import Case
from casework.permissions import managed_organisations
from core.permissions import EVERYTHING, NOTHING, define, has_role


# --- National statistics: whose cases a user's aggregate counts cover --------------------------
# Statisticians (NCAW-MC, NCATIP) count every case; managers the cases of the organisations they
# oversee. Counting a case never shows it: this permission only scopes aggregates (access.md:
# statisticians see anonymised aggregates only, no personal record).
def statistics_owners(user: Any) -> frozenset[Any] | None:
    """None for every case, else the owner organisations counted (empty: nothing)."""
    if has_role(user, Role.STATISTICIAN):
        return None
    return managed_organisations(user)


def _counts_case(user: Any, case: Case) -> bool:
    owners = statistics_owners(user)
    return owners is None or case.owner_id in owners


def _counted(user: Any) -> Q:
    owners = statistics_owners(user)
    if owners is None:
        return EVERYTHING
    return Q(owner_id__in=owners) if owners else NOTHING


run_statistics = define("shelters.run_statistics", Case, predicate=_counts_case, filter=_counted)
