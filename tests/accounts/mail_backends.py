"""E-mail backends for the reminder tests: one that always fails, one that is slow (so that a
worker can be killed in the middle of a batch) and writes each message to a file."""

from __future__ import annotations

import time
from typing import Any

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.filebased import EmailBackend as FileBackend


class BrokenBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Any) -> int:
        raise ConnectionRefusedError("the mail server is down")


class SlowFileBackend(FileBackend):
    """The file backend, taking a tenth of a second per message like a slow SMTP server."""

    def send_messages(self, email_messages: Any) -> int:
        time.sleep(0.1)
        return super().send_messages(email_messages)
