"""Who may do what: each permission is a predicate for one object *and* the queryset filter
that selects every object the predicate allows, defined side by side.

DRF and the admin never apply object permissions to lists, so every list goes through
`Permission.scope()`; detail views go through `Permission.get()`, which answers 404 for both
"missing" and "not yours". tests/ check for every persona that predicate and filter agree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import rules
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _

from core.errors import NotFound, PermissionDenied

M = TypeVar("M", bound=models.Model)

NOTHING = Q(pk__in=[])
# Not Q(): an empty Q disappears when OR-ed with another ("Q(a) | Q()" is Q(a)), which would
# silently narrow a permission built from parts.
EVERYTHING = ~NOTHING


@dataclass(frozen=True)
class Permission(Generic[M]):
    name: str
    model: type[M]
    predicate: Callable[[Any, M], bool]
    filter: Callable[[Any], Q]

    def allows(self, user: Any, obj: M | None) -> bool:
        """May `user` do this to `obj`; with no object, to at least some object (the admin and
        menus ask that way)."""
        if not (user.is_authenticated and user.is_active):
            return False
        if obj is None:
            return self.filter(user) != NOTHING
        return bool(self.predicate(user, obj))

    def scope(self, user: Any, queryset: models.QuerySet[M] | None = None) -> models.QuerySet[M]:
        queryset = self.model._default_manager.all() if queryset is None else queryset
        if not (user.is_authenticated and user.is_active):
            return queryset.none()
        return queryset.filter(self.filter(user))

    def require(
        self, user: Any, obj: Any, message: str, *, seen: Permission[Any] | None = None, seen_obj: Any = None
    ) -> None:
        """The one gate of every service: pass if `user` may do this to `obj`. Otherwise 404 when
        they cannot even see the object (`seen`, asked of `seen_obj` or `obj`; without it the
        object is public and the refusal is 403), 403 with `message` when they see it but may not
        do this. The two answers must not tell an outsider which records exist."""
        if self.allows(user, obj):
            return
        if seen is not None and not seen.allows(user, obj if seen_obj is None else seen_obj):
            raise NotFound(_("Not found."))
        raise PermissionDenied(message)

    def get(self, user: Any, queryset: models.QuerySet[M] | None = None, **lookup: Any) -> M:
        try:
            return self.scope(user, queryset).get(**lookup)
        except (ObjectDoesNotExist, ValueError, TypeError, ValidationError) as error:
            raise NotFound(_("Not found.")) from error


def define(name: str, model: type[M], predicate: Callable[[Any, M], bool], filter: Callable[[Any], Q]) -> Permission[M]:
    """Declare a permission and register its predicate with django-rules, so that
    `user.has_perm(name, obj)` (admin, templates) asks the same question."""
    permission = Permission(name=name, model=model, predicate=predicate, filter=filter)
    rules.set_perm(name, rules.predicate(permission.allows, name=name))
    return permission


def has_role(user: Any, *roles: str) -> bool:
    return bool(user.is_authenticated and user.has_role(*roles))
