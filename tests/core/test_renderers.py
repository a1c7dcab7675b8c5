"""The API's orjson renderer writes the JSON that DRF's renderer writes (core.api.renderers)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

from django.utils.translation import gettext_lazy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework import renderers

from core.api.renderers import JSONRenderer

ORJSON, DRF = JSONRenderer(), renderers.JSONRenderer()
MEDIA = "application/json"

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**64 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(),
    st.sampled_from(["\u2028", "a\u2029b", "ລາວ", "</script>"]),
    st.datetimes(timezones=st.sampled_from([UTC, timezone(timedelta(hours=7))])),
    st.dates(),
    st.uuids(),
    st.decimals(allow_nan=False, allow_infinity=False, places=2),
)
documents = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4), max_leaves=20
)


@given(documents)
@settings(suppress_health_check=[HealthCheck.too_slow])  # a loaded CI machine
def test_the_same_json_as_drfs_renderer(data):  # type: ignore[no-untyped-def]
    data = {"value": data}  # a bare None renders as no body at all, in both
    ours, theirs = ORJSON.render(data, MEDIA), DRF.render(data, MEDIA)
    assert json.loads(ours) == json.loads(theirs)
    assert b"\xe2\x80\xa8" not in ours and b"\xe2\x80\xa9" not in ours


def test_the_same_bytes_for_a_page_of_the_partner_api():  # type: ignore[no-untyped-def]
    referral = {
        "id": uuid.uuid4(),
        "case_code": "VT-2026-00042",
        "sent_at": datetime(2026, 5, 1, 8, 30, 0, 123456, tzinfo=UTC),
        "answer_due_at": datetime(2026, 5, 8, tzinfo=UTC),
        "identity": {"given_name_lo": "ນ້ອຍ", "age": 16, "child": True, "age_estimated": False},
        "services": ["shelter", "medical"],
        "reason": gettext_lazy("Not found."),
        "amount": Decimal("12.50"),
        "note": "line\u2028break",
    }
    page = {"results": [referral] * 3, "next_after": 2**62, "next": None}
    assert ORJSON.render(page, MEDIA) == DRF.render(page, MEDIA)


def test_what_orjson_cannot_write_or_indentation_goes_to_drf():  # type: ignore[no-untyped-def]
    huge = {"n": 2**70}
    assert ORJSON.render(huge, MEDIA) == DRF.render(huge, MEDIA) == b'{"n":1180591620717411303424}'
    indented = f"{MEDIA}; indent=2"
    assert ORJSON.render({"a": [1]}, indented) == DRF.render({"a": [1]}, indented)
    assert ORJSON.render(None, MEDIA) == b""
