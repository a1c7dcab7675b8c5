"""The endpoint peers send their messages to (docs/cross-border.md). Not a staff API: no session,
no CSRF token, no token; the request's HTTP message signature is its credential, checked by
crossborder.services.inbox.receive, which also answers every refusal (401, 409, 400, 403)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from crossborder.services import receive


@csrf_exempt
@login_not_required
@require_POST
def messages(request: HttpRequest) -> JsonResponse:
    headers = {
        name: request.headers.get(name, "")
        for name in ("Signature-Input", "Signature", "Content-Type", "Content-Digest")
    }
    answer = receive(method=request.method or "POST", path=request.path, headers=headers, body=request.body)
    return JsonResponse(answer.body, status=answer.status)
