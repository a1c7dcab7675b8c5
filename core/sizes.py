"""A file's size in the reader's language: Django's filesizeformat takes its words ("bytes",
"KB") from Django's own catalogues, which have no Lao; these come from ours."""

from __future__ import annotations

from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def file_size(value: Any) -> str:
    size = int(value or 0)
    if size < 1024:
        return ngettext("%(size)d byte", "%(size)d bytes", size) % {"size": size}
    if size < 1024 * 1024:
        return _("%(size)s KB") % {"size": formats.number_format(size / 1024, 1)}
    return _("%(size)s MB") % {"size": formats.number_format(size / (1024 * 1024), 1)}
