"""A browser's session over real HTTP against the production web server (tests/processes.py's
`web_server`): pages read and forms posted with the session and CSRF cookies of
`signed_in_over_http`."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from typing import Any

from core.replica import PIN_COOKIE


def get(opener: Any, url: str) -> str:
    """A page's HTML; fails on anything but 200."""
    with opener.open(url, timeout=60) as response:
        assert response.status == 200, url
        return str(response.read().decode())


def status_of(opener: Any, url: str, **headers: str) -> int:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (local)
    try:
        with opener.open(request, timeout=60) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def post_form(opener: Any, url: str, fields: dict[str, Any], token: str) -> int:
    """POST a form (a list value: a field given several times, as checkboxes send it)."""
    body = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token}, doseq=True).encode()
    request = urllib.request.Request(url, data=body, headers={"Referer": url})  # noqa: S310 (local)
    try:
        with opener.open(request, timeout=60) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def forget_the_write(jar: CookieJar) -> None:
    """What a few seconds do to the browser: the cookie that pins it to the primary after a
    write (core/replica.py) expires."""
    for cookie in list(jar):
        if cookie.name == PIN_COOKIE:
            jar.clear(cookie.domain, cookie.path, cookie.name)
