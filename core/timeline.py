"""Typed timeline events: each app registers the kinds of event it writes, with a translated
label, the way it registers case tabs. A page or an export shows the label, never the code; the
writer refuses a kind nobody registered, and so does the database (a CHECK constraint rebuilt
from the registry after every `migrate`, see `EventKinds.install`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import connections, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext


class EventKinds:
    """The registered kinds of one event table (`table`.`column`)."""

    def __init__(self, table: str, *, constraint: str, column: str = "kind") -> None:
        self.table, self.column, self.constraint = table, column, constraint
        self._labels: dict[str, Promise | str] = {}

    def register(self, labels: Mapping[str, Promise | str]) -> None:
        """Called by each app at import or in AppConfig.ready(); a kind is registered once."""
        for code, label in labels.items():
            if code in self._labels and self._labels[code] != label:
                raise ValueError(f"timeline event {code!r} of {self.table} is registered twice")
            self._labels[code] = label

    def codes(self) -> list[str]:
        return sorted(self._labels)

    def require(self, code: str) -> str:
        """The code, if registered: the one check every writer of the table goes through."""
        if code not in self._labels:
            raise LookupError(f"unregistered timeline event {code!r} for {self.table}")
        return code

    def label(self, code: str) -> str:
        """The label in the active language (an unknown code from old rows shows as a generic
        label, not as the code)."""
        label = self._labels.get(code)
        return str(label) if label is not None else gettext("Other change")

    def install(self, using: str = "default", **kwargs: Any) -> None:
        """(Re)create the CHECK constraint that refuses unregistered kinds. Connected to
        post_migrate, so `migrate` (and a test database's flush) applies the registry of the code
        being deployed. NOT VALID: rows written by an older version are not re-checked."""
        if not self._labels:
            return
        connection = connections[using]
        quote = connection.ops.quote_name
        kinds = ", ".join("%s" for _ in self._labels)
        table, name, column = quote(self.table), quote(self.constraint), quote(self.column)
        with transaction.atomic(using=using), connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}")
            cursor.execute(
                f"ALTER TABLE {table} ADD CONSTRAINT {name} CHECK ({column} IN ({kinds})) NOT VALID",
                self.codes(),
            )
