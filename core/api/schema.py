"""OpenAPI post-processing: fields a role may not see are *absent* from responses (not null),
so the schema must not list them as required. They are marked by a description starting with
OMITTABLE."""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils import translation
from drf_spectacular.generators import SchemaGenerator

OMITTABLE = "Absent unless"


def omittable_fields_not_required(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    for component in result.get("components", {}).get("schemas", {}).values():
        properties = component.get("properties", {})
        omittable = {
            name for name, prop in properties.items() if str(prop.get("description", "")).startswith(OMITTABLE)
        }
        if omittable and "required" in component:
            component["required"] = [name for name in component["required"] if name not in omittable]
            if not component["required"]:
                del component["required"]
    return result


ERROR_SCHEMA = {
    "type": "object",
    "description": "core.api.errors: one shape for every answer that is not a success.",
    "properties": {
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": {}, "description": "Messages per field."},
    },
    "required": ["detail", "code", "errors"],
}


def document_error_answers(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """Add the error answers every staff operation can give (core.api.errors) where a view
    did not describe its own: 400 for bad input or a change the rules refuse, 403 without a
    session or for a forbidden action, 404 for an id (in the path, or in a write's body) that is
    missing or outside the caller's scope (or a page past the end), 409 when a change lost a race,
    413 for a body larger than DATA_UPLOAD_MAX_MEMORY_SIZE.
    The partner API documents its own (referrals.partner.views)."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    descriptions = {
        "400": "Invalid input, or a change the rules refuse now: the messages say what to correct.",
        "403": "Not logged in, or not allowed to do this to a record you can see.",
        "404": "No such record, or outside your scope (the two look the same; `errors` names the body field "
        "that named it); or no such page.",
        "409": "Someone changed the record first, or the change conflicts with another record.",
        "413": "The request body is larger than the server accepts.",
    }
    for path, item in result.get("paths", {}).items():
        if path.startswith("/api/v1/partner/"):
            continue
        for method, operation in item.items():
            parameters = operation.get("parameters", [])
            writes = method in ("post", "put", "patch", "delete")
            statuses = ["403"]
            if writes or any(p.get("in") == "query" for p in parameters):
                statuses.append("400")
            if writes or "{" in path or any(p.get("name") == "page" for p in parameters):
                statuses.append("404")
            if writes:
                statuses.extend(["409", "413"])
            responses = operation.setdefault("responses", {})
            for status in statuses:
                responses.setdefault(status, {"description": descriptions[status], "content": error})
    return result


class CachedSchemaGenerator(SchemaGenerator):
    """The public OpenAPI schema, generated once per process for each language and API version.
    Generating it walks every view and serializer (about a second of CPU), and the public schema
    is the same for everyone who may read it (it describes the API, not the reader's data), so
    a signed-in client asking for it often must not cost the server a second each time. It
    changes only with the code, that is with a restart. A non-public schema depends on the
    reader's permissions and is generated each time."""

    _generated: ClassVar[dict[tuple[str | None, str | None], dict[str, Any]]] = {}

    def get_schema(self, request: Any = None, public: bool = False) -> dict[str, Any]:
        if not public:
            return super().get_schema(request=request, public=public)
        key = (translation.get_language(), self.api_version or getattr(request, "version", None))
        if key not in self._generated:
            self._generated[key] = super().get_schema(request=request, public=public)
        return self._generated[key]
