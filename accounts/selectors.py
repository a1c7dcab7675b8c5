"""Reads for organisations, users and the audit log, always scoped to the caller."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, IntegerField, QuerySet, Value, When

from accounts import permissions
from accounts.models import AuditAction, AuditEvent, Country, District, Organisation, Province, User


def province_list() -> QuerySet[Province]:
    return Province.objects.order_by("number")


def district_list(*, province_code: str | None = None) -> QuerySet[District]:
    districts = District.objects.select_related("province").order_by("code")
    return districts.filter(province__code=province_code) if province_code else districts


# The countries most Lao cases involve (the neighbours people are trafficked to), in this order,
# first in every country list; the others follow by name.
FIRST_COUNTRIES = ("TH", "CN", "VN", "KH", "MM")


def country_list() -> QuerySet[Country]:
    """Countries for a choice list: Thailand, China, Vietnam, Cambodia and Myanmar first."""
    first = [When(code=code, then=Value(position)) for position, code in enumerate(FIRST_COUNTRIES)]
    rank = Case(*first, default=Value(len(FIRST_COUNTRIES)), output_field=IntegerField())
    return Country.objects.annotate(rank=rank).order_by("rank", "name_en")


def organisation_subtree_ids(organisation_id: Any) -> frozenset[Any]:
    """The organisation and every unit below it (MLSW national -> its provincial offices). The
    tree is small (hundreds of rows), so one query and a walk beat a recursive CTE here."""
    children: dict[Any, list[Any]] = {}
    for pk, parent_id in Organisation.objects.values_list("id", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found, queue = set(), [organisation_id]
    while queue:
        current = queue.pop()
        if current not in found:
            found.add(current)
            queue.extend(children.get(current, []))
    return frozenset(found)


def organisation_list(*, user: Any) -> QuerySet[Organisation]:
    return permissions.view_organisation.scope(user).select_related("province", "parent").order_by("name_en", "id")


def user_list(*, user: Any) -> QuerySet[User]:
    return permissions.view_user.scope(user).select_related("organisation").order_by("username", "id")


def audit_trail(*, user: Any, object_type: str | None = None, object_id: str | None = None) -> QuerySet[AuditEvent]:
    events = permissions.view_auditevent.scope(user)
    if object_type:
        events = events.filter(object_type=object_type)
    if object_id:
        events = events.filter(object_id=object_id)
    return events.order_by("-at", "-id")


def account_history(account: User, *, limit: int = 20) -> list[AuditEvent]:
    """The latest changes to an account (roles, activation, password links, second factor) for
    its page; the page is only shown to whoever administers the account."""
    rows = AuditEvent.objects.filter(object_type="accounts.user", object_id=str(account.pk))
    return list(rows.exclude(action=AuditAction.VIEW).select_related("actor").order_by("-at")[:limit])
