"""OpenAPI post-processing: fields a role may not see are *absent* from responses (not null),
so the schema must not list them as required. They are marked by a description starting with
OMITTABLE."""

from __future__ import annotations

from typing import Any

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
