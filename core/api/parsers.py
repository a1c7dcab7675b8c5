"""The JSON parser of every endpoint (staff and partner API): a body nested deeper than any
request of ours needs is a 400 in the JSON error shape, never a RecursionError (a 500) in
the decoder, a serializer or the database driver."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

# No request body of the API is deeper than a list of objects inside an object (3 levels).
MAX_DEPTH = 32


class JSONParser(parsers.JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise ParseError(too_deep_message()) from error
        if nested_deeper_than(data, MAX_DEPTH):
            raise ParseError(too_deep_message())
        return data


def too_deep_message() -> str:
    return _("JSON parse error - the body is nested more than %(depth)d levels deep.") % {"depth": MAX_DEPTH}


def nested_deeper_than(data: Any, limit: int) -> bool:
    """Without recursion, so that the check cannot overflow the stack itself."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else None
        if children is None:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False
