"""Django test clients for the pages, logged in as a given user."""

from __future__ import annotations

from typing import Any

from django.test import Client


def client_for(user: Any) -> Client:
    """A client with its own session, logged in as `user` (no password, no second factor)."""
    client = Client()
    client.force_login(user)
    return client
