"""Template filters every page uses."""

from __future__ import annotations

from typing import Any

from django import template

from core import pages

register = template.Library()


@register.filter
def local_name(obj: Any) -> str:
    return pages.local_name(obj)
