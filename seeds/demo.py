"""Synthetic demo data: one login per role, and (with casework) people and cases at any scale.

Never real people: names come from small lists of common Lao given and family names combined at
random, so any resemblance to a real person is chance. Refuses to run in production."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from accounts import services as account_services
from accounts.models import Organisation, Role, User
from seeds.demo_assessments import demo_assessments
from seeds.demo_directory import demo_directory
from seeds.demo_journeys import demo_journeys
from seeds.demo_legal import demo_legal
from seeds.demo_links import demo_links
from seeds.demo_reminders import demo_reminders
from shelters.models import Shelter, ShelterStaff

# Demo only: printed by `pathway up`, refused in production.
DEMO_PASSWORD = "pathway-demo-2026"  # noqa: S105


@dataclass(frozen=True)
class DemoLogin:
    username: str
    organisation: str
    roles: tuple[str, ...]
    staff: bool = False
    shelter: str = ""  # the shelter a shelter_staff login is posted to


DEMO_LOGINS = (
    DemoLogin("social.worker", "mlsw-vt", (Role.SOCIAL_WORKER,)),
    DemoLogin("counsellor", "lwu-cpc", (Role.COUNSELLOR, Role.SOCIAL_WORKER)),
    DemoLogin("shelter.staff", "lwu-cpc", (Role.SHELTER_STAFF,), shelter="lwu-cpc-vientiane"),
    # The provincial office whose cases the demo social worker works: its overdue reminders are
    # escalated to this manager, so its Reminders page is not empty.
    DemoLogin("manager", "mlsw-vt", (Role.MANAGER,)),
    # A national manager overseeing every MLSW office (counts, decisions; no escalations).
    DemoLogin("national.manager", "mlsw", (Role.MANAGER,)),
    DemoLogin("police", "mops-atd", (Role.POLICE,)),
    DemoLogin("partner", "vfi", (Role.PARTNER,)),
    DemoLogin("statistician", "ncaw-mc", (Role.STATISTICIAN,)),
    DemoLogin("admin", "mlsw", (Role.ADMIN,), staff=True),
)


# The roles a case can be assigned to: their demo logins are told about reminders.
WORKER_ROLES = frozenset({Role.SOCIAL_WORKER, Role.COUNSELLOR})


def reminded_logins() -> list[str]:
    """The demo logins that get follow-up visits due, overdue and upcoming (seeds.demo_reminders)."""
    return [login.username for login in DEMO_LOGINS if WORKER_ROLES & set(login.roles)]


def escalated_logins() -> list[str]:
    """The demo managers of an organisation a reminded login belongs to: the engine escalates the
    overdue reminders of those cases to them, so their Reminders page lists them."""
    worker_orgs = {login.organisation for login in DEMO_LOGINS if login.username in reminded_logins()}
    return [
        login.username for login in DEMO_LOGINS if Role.MANAGER in login.roles and login.organisation in worker_orgs
    ]


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
        if login.shelter:
            shelter = Shelter.objects.filter(code=login.shelter).first()
            if shelter is not None:
                ShelterStaff.objects.get_or_create(shelter=shelter, user=user)
        users.append(user)
    return users


def seed_demo(
    *,
    people: int,
    seed: int = 2026,
    if_empty: bool = False,
    batch_size: int = 5000,
    progress: Callable[[int, Counter[str]], None] | None = None,
) -> dict[str, int] | None:
    """The demo logins (always), then `people` synthetic people with their cases. The demo
    social worker and counsellor join their organisations' worker pools, so they are assigned a
    share of the generated cases; the demo manager (MLSW Vientiane Capital, the social worker's
    office) manages that office's cases and the national manager (MLSW) oversees every MLSW
    office's; the demo police unit gets investigation shares; the demo shelter staff, posted to
    the LWU shelter in Vientiane, admits and discharges its residents. With `if_empty`, nothing
    is generated when people exist already (None is returned). Either way open trafficking cases
    without a journey get one, half of them with an HTCDS consent (seeds.demo_journeys), a third of
    those get legal proceedings and perpetrators (seeds.demo_legal), open cases without an
    assessment get one to three (seeds.demo_assessments), some siblings and people returned
    together are linked (seeds.demo_links), and the
    demo workers get reminders due, overdue and upcoming relative to today (seeds.demo_reminders);
    the demo organisations get their directory entries (seeds.demo_directory)."""
    from casework.models import Person
    from seeds.generator import generate

    refuse_in_production()
    create_demo_logins()
    demo_directory()
    counts = None
    if not (if_empty and Person.objects.exists()):
        counts = generate(people=people, seed=seed, batch_size=batch_size, progress=progress)
    journeys = demo_journeys(seed=seed) + demo_legal(seed=seed) + demo_assessments(seed=seed) + demo_links(seed=seed)
    if counts is not None:
        counts |= {f"demo.{kind}": number for kind, number in journeys.items()}
    demo_reminders(usernames=reminded_logins())
    return counts
