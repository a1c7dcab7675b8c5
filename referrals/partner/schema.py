"""The partner API's OpenAPI documentation: examples, error answers, headers, and the schema class
that tags every partner operation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema

from referrals.partner import idempotency
from referrals.partner import serializers as s

TAG = "partner"
EXAMPLE_ID = "5b0f6c1e-8f0a-4d1b-9a8e-2f6c3d7b9a10"
EXAMPLE_REFERRAL = {
    "id": EXAMPLE_ID,
    "case_code": "VT-2026-00042",
    "status": "sent",
    "from_organisation": "mlsw-vt",
    "to_organisation": "vfi",
    "services": ["shelter", "vocational_training"],
    "urgency": "high",
    "reason": "Needs a safe place and training after return from Thailand.",
    "sent_at": "2026-03-02T08:15:00Z",
    "acknowledge_due_at": "2026-03-05T08:15:00Z",
    "answer_due_at": "2026-03-09T08:15:00Z",
    "decline_reason": "",
    "outcome": "",
    "change_seq": 1042,
    "consent_status": "active",
    "disclosed_categories": ["identity", "language"],
    "identity": {
        "given_name_lo": "ນ້ອຍ",
        "family_name_lo": "",
        "given_name_latin": "Noy",
        "family_name_latin": "Example",
        "sex": "female",
        "age": 17,
        "age_estimated": False,
        "child": True,
    },
    "language": {"languages": ["lo", "th"], "interpreter_needed": False, "interpreter_language": ""},
}
EXAMPLE_WITHDRAWN = {
    **{key: value for key, value in EXAMPLE_REFERRAL.items() if key not in ("identity", "language")},
    "change_seq": 1107,
    "consent_status": "withdrawn",
    "disclosed_categories": [],
}


def _error(description: str, **examples: tuple[str, str, dict[str, list[str]]]) -> OpenApiResponse:
    """An error answer in the schema: the shared JSON error shape, one example per
    `name=(detail, code, field errors)` (underscores in the name read as spaces)."""
    return OpenApiResponse(
        s.PartnerErrorSerializer,
        description=description,
        examples=[
            OpenApiExample(name.replace("_", " "), value={"detail": detail, "code": code, "errors": errors})
            for name, (detail, code, errors) in examples.items()
        ],
    )


UNAUTHENTICATED = _error(
    "No token, or an unknown, revoked or expired one (`WWW-Authenticate: Bearer`).",
    unauthenticated=("Invalid, expired or revoked token.", "authentication_failed", {}),
)
NOT_FOUND = _error(
    "No such referral, or not addressed to your organisation (the two look the same).",
    not_found=("Not found.", "not_found", {}),
)
THROTTLED = _error(
    "Over the token's quota (default 120 requests a minute); retry after `Retry-After` seconds.",
    throttled=("Request was throttled. Expected available in 21 seconds.", "throttled", {}),
)
BAD_REQUEST = _error(
    "Invalid input, a missing Idempotency-Key, or a status change the lifecycle does not allow.",
    not_allowed_now=(
        "Cannot change status from sent to in_progress.",
        "invalid",
        {"status": ["Not allowed from the current status."]},
    ),
    no_idempotency_key=(
        "Send an Idempotency-Key header with every change, and the same key when you retry it.",
        "invalid",
        {"Idempotency-Key": ["This header is required."]},
    ),
)
FORBIDDEN = _error("The token was revoked while the request ran.")
CONFLICT = _error(
    "Someone else changed the referral's status first; GET it and decide again.",
    conflict=("Someone else changed this first.", "conflict", {}),
)
KEY_REUSED = _error(
    "This Idempotency-Key was already used for a different request.",
    key_reused=(
        "This Idempotency-Key was already used for a different request. Use a new key for every "
        "new change, and the same key only to retry the same change.",
        "idempotency_key_reused",
        {"Idempotency-Key": ["Already used for a different request."]},
    ),
)
READ_ERRORS = {400: BAD_REQUEST, 401: UNAUTHENTICATED, 429: THROTTLED}
RETRY_AFTER = OpenApiParameter(
    "Retry-After", int, OpenApiParameter.HEADER, response=[429], description="Seconds to wait before retrying."
)
IDEMPOTENCY_KEY = OpenApiParameter(
    idempotency.HEADER,
    str,
    OpenApiParameter.HEADER,
    required=True,
    pattern=idempotency.KEY_PATTERN,
    description=(
        "A new unique value (a UUID) for every change; the same value when you retry that change. A retry gets the "
        "first answer again with `Idempotent-Replayed: true`; the same key with a different body answers 422."
    ),
    examples=[OpenApiExample("a UUID", value="0f8fad5b-d9cb-469f-a165-70867728950e")],
)
REPLAYED = OpenApiParameter(
    idempotency.REPLAYED_HEADER,
    str,
    OpenApiParameter.HEADER,
    enum=["true"],
    response=[200, 201],
    description="Present on a replayed answer to a retried request: the change was made by the first request.",
)


def change_schema(
    summary: str, description: str, request: Any = None, request_example: dict[str, Any] | None = None, *, to: str
) -> Callable[[Any], Any]:
    examples = [
        OpenApiExample("changed", value={"referral": EXAMPLE_ID, "status": to, "seq": 1043}, response_only=True)
    ]
    if request_example is not None:
        examples.append(OpenApiExample("request", value=request_example, request_only=True))
    return extend_schema(
        tags=[TAG],
        summary=summary,
        description=description,
        request=request,
        parameters=[IDEMPOTENCY_KEY, REPLAYED, RETRY_AFTER],
        responses={
            200: s.PartnerChangeResultSerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
            422: KEY_REUSED,
            429: THROTTLED,
        },
        examples=examples,
    )


class PartnerAutoSchema(AutoSchema):
    """The partner lists answer one page object (results, next_after, next), not a bare array:
    the schema must not wrap their response in a list as it does for a viewset's `list`. (The
    list operations name their operationId themselves, which drf-spectacular derives from this.)"""

    def _is_list_view(self, serializer: Any = None) -> bool:
        return False
