"""Status changes as a plain table plus a compare-and-swap UPDATE.

Each app declares its table (`Transitions({...})`) in its own transitions.py; services call
`move()`, which refuses a transition the table does not allow (400) and one that another writer
got to first (409), because the UPDATE matched no row still in the old status.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from core.errors import ApplicationError, Conflict


@dataclass(frozen=True)
class Transitions:
    allowed: Mapping[str, Iterable[str]]
    field_name: str = "status"
    _table: dict[str, frozenset[str]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_table", {old: frozenset(new) for old, new in self.allowed.items()})

    def targets(self, old: str) -> frozenset[str]:
        return self._table.get(old, frozenset())

    def can(self, old: str, new: str) -> bool:
        return new in self.targets(old)

    def check(self, old: str, new: str) -> None:
        if not self.can(old, new):
            raise ApplicationError(
                _("Cannot change status from %(old)s to %(new)s.") % {"old": old, "new": new},
                fields={self.field_name: [_("Not allowed from the current status.")]},
            )

    def move(self, instance: models.Model, new: str, **changes: Any) -> None:
        """Move `instance` to `new` if it is still in the status we read; update it in memory."""
        old = getattr(instance, self.field_name)
        self.check(old, new)
        updated = (
            type(instance)
            ._default_manager.filter(pk=instance.pk, **{self.field_name: old})
            .update(**{self.field_name: new}, **changes)
        )
        if updated != 1:
            raise Conflict(_("This record was changed by someone else. Reload it and try again."))
        setattr(instance, self.field_name, new)
        for name, value in changes.items():
            setattr(instance, name, value)
