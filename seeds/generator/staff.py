"""Who works the generated cases: the organisations that own them (by the person's province of
origin), a few synthetic workers per organisation (the demo logins join their organisation's
pool when they exist), one manager per organisation who approves closures and plans, and the
staff posted to each shelter."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from accounts import services as account_services
from accounts.models import Organisation, Role, User
from seeds.demo import DEMO_LOGINS
from seeds.generator.names import FAMILY, GIVEN_FEMALE, GIVEN_MALE

# Which organisations take people from which provinces (their own province, the nearest shelter).
CENTRAL_OWNERS = (("mlsw-vt", 4), ("lwu-cpc", 3), ("mlsw-transit-centre", 2), ("friends-international", 1))
SOUTH_OWNERS = (("mlsw-ch", 6), ("vfi", 4))
NORTH_OWNERS = (("mlsw-lm", 6), ("lwu-lm", 4))
OWNERS_BY_ORIGIN = {
    "SV": (("mlsw-sv", 6), ("sengsavang", 4)),
    "CH": SOUTH_OWNERS,
    "SL": SOUTH_OWNERS,
    "XE": SOUTH_OWNERS,
    "AT": SOUTH_OWNERS,
    "LM": NORTH_OWNERS,
    "BK": NORTH_OWNERS,
    "OU": NORTH_OWNERS,
    "PH": NORTH_OWNERS,
}
OWNER_ORGS = tuple(
    dict.fromkeys(code for owners in (CENTRAL_OWNERS, *OWNERS_BY_ORIGIN.values()) for code, _w in owners)
)
COUNSELLING_ORGS = ("lwu-cpc", "lwu-lm", "vfi", "sengsavang", "friends-international")
POLICE_BY_PROVINCE = {"SV": "mops-atd-sv"}
POLICE_DEFAULT = "mops-atd"
WORKERS_PER_ORG = 3
STAFF_PREFIX = "demo."


@dataclass
class Staff:
    workers: dict[str, list[User]]  # organisation code -> social workers and counsellors
    managers: dict[str, User]  # organisation code -> its manager
    posted: dict[str, list[User]] = field(default_factory=dict)  # shelter code -> shelter staff posted there


def ensure_staff(organisations: dict[str, Organisation]) -> Staff:
    """Create the synthetic worker and manager accounts once (idempotent, through the accounts
    service so that the role rules apply). They have no usable password: nobody logs in as them."""
    from shelters.models import ShelterStaff

    existing = {user.username: user for user in User.objects.filter(username__startswith=STAFF_PREFIX)}
    demo = {user.username: user for user in User.objects.filter(username__in=[d.username for d in DEMO_LOGINS])}
    rng = random.Random("pathway-demo-staff")
    workers: dict[str, list[User]] = {}
    managers: dict[str, User] = {}

    def account(username: str, organisation: Organisation, roles: Sequence[str]) -> User:
        given, family = rng.choice(GIVEN_FEMALE + GIVEN_MALE), rng.choice(FAMILY)
        if username in existing:
            return existing[username]
        return account_services.user_create(
            actor=None,
            username=username,
            organisation=organisation,
            roles=roles,
            first_name=given[0],
            last_name=family[0],
            language="lo",
        )

    for code in OWNER_ORGS:
        organisation = organisations[code]
        pool = [
            demo[login.username]
            for login in DEMO_LOGINS
            if login.organisation == code
            and login.username in demo
            and set(login.roles) & {Role.SOCIAL_WORKER, Role.COUNSELLOR}
        ]
        for number in range(1, WORKERS_PER_ORG + 1):
            roles = [Role.SOCIAL_WORKER]
            if code in COUNSELLING_ORGS and number == 1:
                roles.append(Role.COUNSELLOR)
            pool.append(account(f"{STAFF_PREFIX}{code}.worker{number}", organisation, roles))
        workers[code] = pool
        managers[code] = account(f"{STAFF_PREFIX}{code}.manager", organisation, [Role.MANAGER])
    posted: dict[str, list[User]] = defaultdict(list)
    postings = ShelterStaff.objects.filter(user__is_active=True).select_related("shelter", "user")
    for posting in postings.order_by("shelter__code", "user__username"):
        if posting.user.has_role(Role.SHELTER_STAFF):
            posted[posting.shelter.code].append(posting.user)
    return Staff(workers=workers, managers=managers, posted=dict(posted))
