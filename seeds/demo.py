"""Synthetic demo data: one login per role, and (with casework) people and cases at any scale.

Never real people: names come from small lists of common Lao given and family names combined at
random, so any resemblance to a real person is chance. Refuses to run in production."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from accounts import services as account_services
from accounts.models import Organisation, Role, User

# Demo only: printed by `pathway up`, refused in production.
DEMO_PASSWORD = "pathway-demo-2026"  # noqa: S105


@dataclass(frozen=True)
class DemoLogin:
    username: str
    organisation: str
    roles: tuple[str, ...]
    staff: bool = False


DEMO_LOGINS = (
    DemoLogin("social.worker", "mlsw-vt", (Role.SOCIAL_WORKER,)),
    DemoLogin("counsellor", "lwu-cpc", (Role.COUNSELLOR, Role.SOCIAL_WORKER)),
    DemoLogin("shelter.staff", "lwu-cpc", (Role.SHELTER_STAFF,)),
    DemoLogin("manager", "mlsw", (Role.MANAGER,)),
    DemoLogin("police", "mops-atd", (Role.POLICE,)),
    DemoLogin("partner", "vfi", (Role.PARTNER,)),
    DemoLogin("statistician", "ncaw-mc", (Role.STATISTICIAN,)),
    DemoLogin("admin", "mlsw", (Role.ADMIN,), staff=True),
)


def refuse_in_production() -> None:
    if getattr(settings, "PRODUCTION", False):
        raise ImproperlyConfigured("Demo data is never loaded in production.")


@transaction.atomic
def create_demo_logins() -> list[User]:
    refuse_in_production()
    users = []
    for login in DEMO_LOGINS:
        user = User.objects.filter(username=login.username).first()
        if user is None:
            user = account_services.user_create(
                actor=None,
                username=login.username,
                organisation=Organisation.objects.get(code=login.organisation),
                roles=login.roles,
                password=DEMO_PASSWORD,
                language="en",
            )
            if login.staff:
                User.objects.filter(pk=user.pk).update(is_staff=True)
        users.append(user)
    return users
