"""The check every app's permissions get: for every persona, the predicate (one object) and the
queryset filter (lists) must allow exactly the same objects."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from core.permissions import Permission


def assert_predicate_matches_filter(permission: Permission[Any], users: Iterable[Any], objects: Iterable[Any]) -> None:
    objects = list(objects)
    assert objects, "give the check some objects, or it proves nothing"
    ids = [obj.pk for obj in objects]
    for user in users:
        by_predicate = {obj.pk for obj in objects if permission.allows(user, obj)}
        by_filter = set(permission.scope(user).filter(pk__in=ids).values_list("pk", flat=True))
        assert by_predicate == by_filter, (
            f"{permission.name}: predicate and filter disagree for {getattr(user, 'username', 'anonymous')}: "
            f"only predicate {by_predicate - by_filter}, only filter {by_filter - by_predicate}"
        )
