"""Words for the audit trail: what kind of record an audit row or a change names, and which of
its fields, as a social worker reads them (never `casework.person` or `date_of_birth`).

A record type is registered by the app that owns it (in its timeline.register()); a field is
named by the label the app's own forms give it (the words the user saw when typing it), or by
the few bookkeeping names below. A change history table (pghistory's `casework.CaseHistory`)
is named for the record it tracks."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache

from django import forms
from django.apps import apps
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy

_RECORDS: dict[str, Promise | str] = {}

# Fields no form shows: timestamps and the system's own bookkeeping.
BOOKKEEPING: dict[str, Promise] = {
    "created_at": gettext_lazy("Created"),
    "created_by": gettext_lazy("Created by"),
    "updated_at": gettext_lazy("Last changed"),
    "change_seq": gettext_lazy("Change number"),
    "name_index_key": gettext_lazy("Name search index"),
    "name_index_latin": gettext_lazy("Name search index"),
    "name_index_lo": gettext_lazy("Name search index"),
    "name_search": gettext_lazy("Search by name"),
    "sent_at": gettext_lazy("Sent"),
    "acknowledge_due_at": gettext_lazy("Acknowledgement due"),
    "answer_due_at": gettext_lazy("Answer due"),
    "id": gettext_lazy("Record number"),
}


def register(labels: Mapping[str, Promise | str]) -> None:
    """Model label (`app_label.modelname`, any case) -> what the record is called."""
    _RECORDS.update({key.lower(): label for key, label in labels.items()})


def _tracked(label: str) -> str:
    """The record a change history model tracks (`casework.CaseHistory` -> `casework.case`)."""
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return label.lower()
    tracked = getattr(model, "pgh_tracked_model", None)
    return (tracked or model)._meta.label_lower


def record_label(label: str) -> str:
    found = _RECORDS.get(_tracked(label))
    return str(found) if found is not None else gettext("Other record")


@cache
def _form_labels() -> dict[str, Promise | str]:
    """Field name -> label, from every form class the apps define (the first label found)."""
    labels: dict[str, Promise | str] = {}
    pending: list[type] = [forms.BaseForm]
    while pending:
        form = pending.pop()
        pending.extend(form.__subclasses__())
        if form.__module__.startswith("django."):
            continue
        for name, field in getattr(form, "base_fields", {}).items():
            if field.label and name not in labels:
                labels[name] = field.label
    return labels


CHANGES: dict[str, Promise] = {
    "insert": gettext_lazy("created"),
    "update": gettext_lazy("changed"),
    "delete": gettext_lazy("deleted"),
}


def change_label(kind: str) -> str:
    """pghistory's event label (`insert`, `update`...) as a word."""
    label = CHANGES.get(kind)
    return str(label) if label is not None else gettext("changed")


def field_label(name: str) -> str:
    label = BOOKKEEPING.get(name) or _form_labels().get(name)
    return str(label) if label is not None else gettext("Other detail")


def field_labels(names: Iterable[str]) -> str:
    """The fields, labelled and comma-separated, each label once."""
    return ", ".join(dict.fromkeys(field_label(name) for name in names))
