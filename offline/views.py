"""The offline app's shell (cached by its service worker), the worker script, the manifest,
and the device registry page where an administrator (or the device's user) orders a wipe."""

from __future__ import annotations

from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.actors import signed_in
from core.errors import ApplicationError
from offline.models import Device
from offline.permissions import manage_device
from offline.services import devices

# Everything the app needs to start without a connection (the service worker caches it at install).
# The app's own files by their plain names (its modules import each other by plain name, which
# collectstatic does not rewrite); the site's stylesheet and Lao font by the names the pages use.
SITE_FILES = ("pathway.css", "fonts/NotoSansLao-Regular.ttf", "fonts/NotoSansLao-Bold.ttf")
SHELL_FILES = (
    "offline/app.js",
    "offline/dom.js",
    "offline/vault.js",
    "offline/rule.js",
    "offline/sync.js",
    "offline/screens.js",
    "offline/forms.js",
    "offline/offline.css",
    "offline/icon-192.png",
    "offline/icon-512.png",
)
SHELL_VERSION = "2"  # raise to make every device fetch the shell again


@login_not_required
@require_GET
def shell(request: HttpRequest) -> HttpResponse:
    """No personal data and no user in it: the same page for everyone, cached on the device."""
    return render(request, "offline/shell.html")


@login_not_required
@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    files = [static(name) for name in SITE_FILES] + [settings.STATIC_URL + name for name in SHELL_FILES]
    response = render(
        request, "offline/sw.js", {"files": files, "version": SHELL_VERSION}, content_type="text/javascript"
    )
    response["Cache-Control"] = "no-cache"
    return response


@login_not_required
@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    context = {
        "icon_192": settings.STATIC_URL + "offline/icon-192.png",
        "icon_512": settings.STATIC_URL + "offline/icon-512.png",
    }
    return render(request, "offline/manifest.webmanifest", context, content_type="application/manifest+json")


@require_GET
def device_list(request: HttpRequest) -> HttpResponse:
    """The devices the user may order wiped (all for an administrator, else their own)."""
    rows = manage_device.scope(signed_in(request), Device.objects.select_related("user")).order_by("-registered_at")
    return render(request, "offline/devices.html", {"devices": rows[:500]})


@require_POST
def device_wipe(request: HttpRequest, device_id: UUID) -> HttpResponse:
    user = signed_in(request)
    device = manage_device.get(user, pk=device_id)
    try:
        devices.device_order_wipe(actor=user, device=device)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The device will wipe its offline data the next time it is online."))
    return redirect("offline:devices")
