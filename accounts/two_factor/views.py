"""The second-factor pages: set up an authenticator app (scan, then confirm a code), enter the
code after the password, and an administrator's reset of a user's device."""

from __future__ import annotations

from base64 import b32encode
from uuid import UUID

import django_otp
import segno
from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts import permissions
from accounts.actors import signed_in
from accounts.two_factor import services
from accounts.two_factor.policy import Step, owed_step
from accounts.views import sign_in_throttled
from core.pages import get_or_404, submit


class CodeForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Code from the app"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class ResetForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return "/"


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """The code after the password. Counts against the sign-in rate limit of the address."""
    if owed_step(request.user) is not Step.VERIFY:
        return redirect(_next_url(request))
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        throttled = sign_in_throttled(request)
        if throttled is not None:
            return throttled
        if form.is_valid():
            device, status = submit(form, services.login_verify, user=request.user, token=form.cleaned_data["token"])
            if device is not None:
                django_otp.login(request, device)
                return redirect(_next_url(request))
        else:
            status = 400
    return render(request, "two_factor/verify.html", {"form": form, "next": _next_url(request)}, status=status)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: scan the QR code (or type the key), then confirm with a code."""
    user = signed_in(request)
    if services.confirmed_device(user) is not None:
        required = user.organisation is not None and user.organisation.two_factor_required
        return render(request, "two_factor/enrolled.html", {"required": required})
    device = services.enrolment_start(actor=user)
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            confirmed, status = submit(form, services.enrolment_confirm, actor=user, token=form.cleaned_data["token"])
            if confirmed is not None:
                django_otp.login(request, confirmed)  # the code just typed verifies this session too
                messages.success(request, _("Your authenticator app is set up. Logins now ask for its code."))
                return redirect("home")
        else:
            status = 400
    context = {
        "form": form,
        "qr": segno.make(device.config_url, error="m").svg_inline(scale=4, light="#fff", omitsize=True),
        "secret": " ".join(_groups(b32encode(device.bin_key).decode())),
        "required": owed_step(request.user) is Step.ENROL,
    }
    return render(request, "two_factor/setup.html", context, status=status)


def _groups(text: str, size: int = 4) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def reset(request: HttpRequest, user_id: UUID) -> HttpResponse:
    """An administrator (or the user's manager) removes a user's authenticator app (lost phone),
    with a reason."""
    user = get_or_404(permissions.administer_user, request.user, pk=user_id)
    form = ResetForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            removed, status = submit(
                form, services.device_reset, actor=request.user, user=user, reason=form.cleaned_data["reason"]
            )
            if removed is not None:
                messages.success(request, _("The second factor of %(user)s was reset.") % {"user": user.get_username()})
                return redirect("user", user.pk)
        else:
            status = 400
    has_device = services.confirmed_device(user) is not None
    return render(
        request, "two_factor/reset.html", {"form": form, "target": user, "has_device": has_device}, status=status
    )
