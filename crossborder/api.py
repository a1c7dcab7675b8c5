"""The endpoint peers send their messages to (docs/cross-border.md). Not a staff API: no session,
no CSRF token, no token; the request's HTTP message signature is its credential, checked by
crossborder.services.inbox.receive, which also answers every refusal (401, 409, 400, 403)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from crossborder.services import receive
from crossborder.services.directory import serve

SIGNED = ("Signature-Input", "Signature", "Content-Type", "Content-Digest")


@csrf_exempt
@login_not_required
@require_POST
def messages(request: HttpRequest) -> JsonResponse:
    headers = {name: request.headers.get(name, "") for name in SIGNED}
    answer = receive(method=request.method or "POST", path=request.path, headers=headers, body=request.body)
    return JsonResponse(answer.body, status=answer.status)


@login_not_required
@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    """Our directory of services, for a peer that may read it (a signed GET with an empty body)."""
    headers = {name: request.headers.get(name, "") for name in SIGNED}
    status, body = serve(method="GET", path=request.path, headers=headers)
    return HttpResponse(body, status=status, content_type="application/json")
