"""The JSON the offline app talks to (under /offline/api/): plain Django views, answering 401
without a session instead of the login redirect the pages give, and a service's refusal as
JSON with field messages (400/403/404/409), like the API."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.middleware.csrf import get_token
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from accounts.actors import signed_in
from casework.choices import (
    CaseCategory,
    Element,
    IdentificationRoute,
    NoteKind,
    ScreeningOutcome,
    ScreeningPlace,
    Sex,
    Wellbeing,
)
from casework.models import AttachmentKind
from core.errors import ApplicationError, NotFound
from offline import selectors
from offline.models import Device, WriteKind
from offline.services import devices, sync
from offline.strings import STRINGS

View = Callable[..., JsonResponse]


def json_api(view: View) -> View:
    @login_not_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
        if not request.user.is_authenticated:
            return JsonResponse({"message": _("Log in first.")}, status=401)
        try:
            return view(request, *args, **kwargs)
        except ApplicationError as error:
            return JsonResponse({"message": error.message, "fields": error.fields}, status=error.status_code)

    return wrapped


def _body(request: HttpRequest) -> dict[str, Any]:
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        body = None
    if not isinstance(body, dict):
        raise ApplicationError(_("Send a JSON object."))
    return body


def _device(request: HttpRequest, body: dict[str, Any]) -> Device:
    device_id, secret = str(body.get("device", "")), str(body.get("secret", ""))
    device = devices.device_for(actor=signed_in(request), device_id=device_id, secret=secret)
    if device is None:
        raise NotFound(_("Not found."), fields={"device": [_("This device is not set up, or was wiped.")]})
    return device


def _is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return isinstance(value, str)


def _choices(choices: Any) -> list[list[str]]:
    return [[value, str(label)] for value, label in choices.choices]


def _reference_in(language: str) -> dict[str, Any]:
    with translation.override(language):
        return {
            "strings": {key: str(text) for key, text in STRINGS.items()},
            "choices": {
                "sex": _choices(Sex),
                "category": _choices(CaseCategory),
                "identification_route": _choices(IdentificationRoute),
                "outcome": _choices(ScreeningOutcome),
                "element": _choices(Element),
                "note_kind": _choices(NoteKind),
                "wellbeing": _choices(Wellbeing),
                "screening_place": _choices(ScreeningPlace),
                "attachment_kind": _choices(AttachmentKind),
            },
        }


@require_GET
@json_api
def reference(request: HttpRequest) -> JsonResponse:
    """What the app needs besides cases, no personal data: the rule, the indicators, the words
    and choices in both languages, how many days without sync before the device wipes itself."""
    return JsonResponse(
        {
            "rule": selectors.screening_rule(),
            "indicators": selectors.indicator_labels(),
            "languages": {code: _reference_in(code) for code, _name in settings.LANGUAGES},
            "wipe_after_days": settings.OFFLINE_WIPE_AFTER_DAYS,
            "photo_max_bytes": settings.ATTACHMENT_MAX_BYTES,
        }
    )


@require_GET
@json_api
def session(request: HttpRequest) -> JsonResponse:
    user = signed_in(request)
    return JsonResponse({"username": user.username, "language": user.language, "csrf": get_token(request)})


@require_POST
@json_api
def device_register(request: HttpRequest) -> JsonResponse:
    label = _body(request).get("label")
    device, secret = devices.device_register(actor=signed_in(request), label=label if isinstance(label, str) else "")
    return JsonResponse({"device": str(device.pk), "secret": secret}, status=201)


@csrf_exempt
@login_not_required
@require_POST
def device_status(request: HttpRequest) -> JsonResponse:
    """Open without a session: a deactivated user's device must still learn to wipe itself (so
    without a CSRF token too: it changes nothing). It answers one yes or no, the same for a
    stranger's guess as for a wiped device."""
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        body = {}
    body = body if isinstance(body, dict) else {}
    wipe = devices.device_must_wipe(device_id=str(body.get("device", "")), secret=str(body.get("secret", "")))
    return JsonResponse({"wipe": wipe})


@require_GET
@json_api
def cases(request: HttpRequest) -> JsonResponse:
    found = selectors.takeable_cases(actor=signed_in(request))
    return JsonResponse(
        {
            "cases": [
                {
                    "id": str(case.pk),
                    "code": case.person.case_code,
                    "name": _name(case.person),
                    "category": case.category,
                }
                for case in found
            ]
        }
    )


def _name(person: Any) -> str:
    given = person.given_name_latin or person.given_name_lo
    return " ".join(filter(None, [given, person.family_name_latin or person.family_name_lo]))


@require_POST
@json_api
def take(request: HttpRequest) -> JsonResponse:
    body = _body(request)
    ids = body.get("cases")
    if not isinstance(ids, list) or len(ids) > selectors.LIST_LIMIT or not all(map(_is_uuid, ids)):
        raise ApplicationError(_("Please correct the errors below."), fields={"cases": [_("Enter a valid value.")]})
    bundles = selectors.case_bundles(actor=signed_in(request), device=_device(request, body), case_ids=ids)
    return JsonResponse({"cases": bundles})


@require_POST
@json_api
def sync_writes(request: HttpRequest) -> JsonResponse:
    body = _body(request)
    device = _device(request, body)
    answers = sync.sync_batch(actor=signed_in(request), device=device, writes=body.get("writes"))
    return JsonResponse({"results": answers})


@require_POST
@json_api
def sync_photo(request: HttpRequest) -> JsonResponse:
    """One photo write, as multipart: the picture travels as a file (as large as any upload may
    be), its write (key, case, device time, kind of document) as JSON beside it."""
    device = _device(request, request.POST.dict())
    try:
        write = json.loads(request.POST.get("write") or "")
    except ValueError:
        write = None
    payload = write.get("payload") if isinstance(write, dict) else None
    if not isinstance(payload, dict) or write.get("kind") != WriteKind.PHOTO:
        raise ApplicationError(_("Please correct the errors below."), fields={"write": [_("Enter a valid value.")]})
    payload["file"] = request.FILES.get("file")
    answers = sync.sync_batch(actor=signed_in(request), device=device, writes=[write])
    return JsonResponse({"results": answers})
