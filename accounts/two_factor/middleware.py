"""Pages wait for the second factor: a logged-in user who owes one (accounts.two_factor.policy)
is sent to enter a code, or to set up an app when the organisation requires one and they have
none, before any other page, the admin included. The API is left to DRF, which refuses such a
session (accounts.api.authentication) and sees partner tokens this middleware cannot."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from accounts.two_factor.policy import Step, owed_step

STEP_PAGES = {Step.VERIFY: "two_factor:verify", Step.ENROL: "two_factor:setup"}
# Open while a step is owed: the step's own page, and leaving or changing the language.
ALWAYS_OPEN = ("logout", "set_language", "healthz", "readyz")


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):  # type: ignore[no-untyped-def]
        if request.path_info.startswith("/api/") or not request.user.is_authenticated:
            return None
        match = request.resolver_match
        if match is not None and match.view_name in ALWAYS_OPEN:
            return None
        step = owed_step(request.user)
        if step is None:
            return None
        page = STEP_PAGES[step]
        if match is not None and match.view_name == page:
            return None
        target = reverse(page)
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return redirect(target)
