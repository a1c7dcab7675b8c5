"""Template filters every page uses."""

from __future__ import annotations

from typing import Any

from django import template

from core import pages, record_labels, sizes

register = template.Library()


@register.filter
def local_name(obj: Any) -> str:
    return pages.local_name(obj)


@register.filter
def record_label(label: str) -> str:
    """An audit row's record type (`casework.person`) as a word."""
    return record_labels.record_label(label)


@register.filter
def change_label(kind: str) -> str:
    return record_labels.change_label(kind)


@register.filter
def field_labels(names: Any) -> str:
    """Field names (`date_of_birth`) as the labels of the forms."""
    return record_labels.field_labels(names or [])


@register.simple_tag
def date_input(name: str, value: Any, *id_parts: Any) -> str:
    """The day/month/year box (core.pages.DateInput) where a template writes its own inputs,
    as several forms on one page do; the id is the parts joined by "-"."""
    return pages.DateInput().render(name, value or "", attrs={"id": "-".join(str(part) for part in id_parts)})


@register.filter
def file_size(value: Any) -> str:
    """A file's size in the page's language (core.sizes)."""
    return sizes.file_size(value)
