"""DRF glue for accounts.permissions: object checks ask the same Permission that scopes lists."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission


class ActiveUser(BasePermission):
    """Authenticated and active (a deactivated account's session dies with it)."""

    def has_permission(self, request: Any, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.is_active)
