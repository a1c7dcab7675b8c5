"""The synthetic demo-data generator: people, cases, screenings, services, notes, repatriations
and family members at any scale (100 to 1,000,000 people), written with bulk inserts.

Never real people: names are combinations drawn at random from short lists of common Lao given
and family names, phone numbers are never generated, and free text is a handful of fixed
sentences. Proportions follow the shelters' published tables: many more trafficking and
risk-group cases than rape, about a third children, three quarters women and girls, most
people from Savannakhet, Champasak, Vientiane Capital and the northern border provinces, and
most repatriations from Thailand, then China.

How it stays fast: every object of a batch is built in Python first, with its UUID drawn from
the seeded random generator so that relations are linked without reading anything back; then
each table gets one COPY (or bulk_create). Case codes are taken for a whole batch with one
UPSERT of the province-year counters, which also locks them until the batch commits: codes stay
gap-free and an interactive registration afterwards (or meanwhile, waiting on the lock) takes
the next number. The database's own triggers (pghistory) fire as for any insert.

Determinism: the same seed, batch size and day on the same database give the same rows, UUIDs
included. The random stream also depends on how many people exist already, so a second run
appends new people instead of repeating the first run's UUIDs.
"""

from __future__ import annotations

import random
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import accumulate
from time import perf_counter
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from accounts import services as account_services
from accounts.models import Country, District, Organisation, Province, Role, User
from casework.ages import is_child_on, whole_years
from casework.choices import (
    AppliesTo,
    CancellationReason,
    CaseCategory,
    CaseStatus,
    ClosureReason,
    DecidingBody,
    Element,
    ExploitationKind,
    FamilyAssessment,
    IdentificationRoute,
    NoteKind,
    Relationship,
    RepatriationFlow,
    RepatriationStatus,
    ReturnDestination,
    ScreeningOutcome,
    ScreeningPlace,
    ServiceStatus,
    Sex,
    StepStatus,
    Strength,
    Tier,
)
from casework.models import (
    BorderPoint,
    Case,
    CaseEvent,
    CaseNote,
    CaseShare,
    ElementThreshold,
    Ethnicity,
    ExploitationForm,
    FamilyMember,
    Indicator,
    Person,
    Repatriation,
    RepatriationStep,
    Screening,
    ScreeningIndicator,
    Service,
    ServiceType,
)
from casework.names import name_key
from seeds.demo import DEMO_LOGINS, refuse_in_production

MIN_PEOPLE, MAX_PEOPLE = 1, 1_000_000
YEARS_OF_DATA = 6
LOCAL = ZoneInfo(settings.TIME_ZONE)
T = TypeVar("T")

# --- Synthetic names: (Latin, Lao script). Combined at random, never a real person's. ---------
# fmt: off
GIVEN_FEMALE = (
    ("Bouasone", "ບົວສອນ"), ("Chanthala", "ຈັນທະລາ"), ("Daovone", "ດາວວອນ"), ("Khamla", "ຄຳລາ"),
    ("Khamphone", "ຄຳພອນ"), ("Malaythong", "ມາໄລທອງ"), ("Manivone", "ມະນີວອນ"), ("Noy", "ນ້ອຍ"),
    ("Phonsavanh", "ພອນສະຫວັນ"), ("Sengdao", "ແສງດາວ"), ("Souksavanh", "ສຸກສະຫວັນ"), ("Vilayvanh", "ວິໄລວັນ"),
    ("Viengkham", "ວຽງຄຳ"), ("Latsamy", "ລັດສະໝີ"), ("Bounmy", "ບຸນມີ"), ("Keo", "ແກ້ວ"),
)
GIVEN_MALE = (
    ("Bounthanh", "ບຸນທັນ"), ("Khamsing", "ຄຳສິງ"), ("Khampheng", "ຄຳເພັງ"), ("Phouvong", "ພູວົງ"),
    ("Sengphet", "ແສງເພັດ"), ("Somphone", "ສົມພອນ"), ("Souliya", "ສຸລິຍາ"), ("Thongchanh", "ທອງຈັນ"),
    ("Vanxay", "ວັນໄຊ"), ("Bounleuth", "ບຸນເລີດ"), ("Sisavath", "ສີສະຫວາດ"), ("Anousone", "ອານຸສອນ"),
)
FAMILY = (
    ("Chanthavong", "ຈັນທະວົງ"), ("Douangmala", "ດວງມາລາ"), ("Inthavong", "ອິນທະວົງ"), ("Keomany", "ແກ້ວມະນີ"),
    ("Keophila", "ແກ້ວພິລາ"), ("Luangrath", "ຫຼວງລາດ"), ("Phimmasone", "ພິມມະສອນ"), ("Phommachanh", "ພົມມະຈັນ"),
    ("Sayasith", "ໄຊຍະສິດ"), ("Sihalath", "ສີຫາລາດ"), ("Sisouphanh", "ສີສຸພັນ"), ("Souvannavong", "ສຸວັນນະວົງ"),
    ("Thammavong", "ທຳມະວົງ"), ("Vongphachanh", "ວົງພະຈັນ"), ("Vongsa", "ວົງສາ"), ("Xayavong", "ໄຊຍະວົງ"),
)
# fmt: on
HMONG_FAMILY = (("Vang", "ວ່າງ"), ("Xiong", "ຊົ່ງ"), ("Lee", "ລີ"), ("Yang", "ຢ່າງ"), ("Thao", "ທໍ່"))
# Common village-name elements (places, not people).
VILLAGES = ("Ban Phonsavang", "Ban Nongbua", "Ban Donkoi", "Ban Nakham", "Ban Houayhong", "Ban Phonthong")
# How a second registration of the same person gets romanised differently.
RESPELLINGS = (("ph", "p"), ("th", "t"), ("kh", "k"), ("x", "s"), ("v", "w"), ("ou", "u"), ("nh", "n"), ("y", "i"))

# --- Proportions ----------------------------------------------------------------------------
# fmt: off
CATEGORIES = (
    (CaseCategory.TRAFFICKING, 35), (CaseCategory.RISK_GROUP, 30), (CaseCategory.DOMESTIC_VIOLENCE, 10),
    (CaseCategory.VULNERABLE, 8), (CaseCategory.CHILD_LABOUR, 7), (CaseCategory.SEXUAL_EXPLOITATION, 6),
    (CaseCategory.RAPE, 4),
)
# Shares of children and of women and girls per category: about 1/3 children, 3/4 female overall.
CHILD_SHARE = {
    CaseCategory.TRAFFICKING: 0.25, CaseCategory.RISK_GROUP: 0.25, CaseCategory.DOMESTIC_VIOLENCE: 0.10,
    CaseCategory.VULNERABLE: 0.95, CaseCategory.CHILD_LABOUR: 0.95, CaseCategory.SEXUAL_EXPLOITATION: 0.35,
    CaseCategory.RAPE: 0.50,
}
FEMALE_SHARE = {
    CaseCategory.TRAFFICKING: 0.75, CaseCategory.RISK_GROUP: 0.70, CaseCategory.DOMESTIC_VIOLENCE: 0.95,
    CaseCategory.VULNERABLE: 0.50, CaseCategory.CHILD_LABOUR: 0.45, CaseCategory.SEXUAL_EXPLOITATION: 0.95,
    CaseCategory.RAPE: 0.97,
}
ORIGIN_PROVINCES = (
    ("SV", 18), ("CH", 14), ("VT", 10), ("LM", 8), ("BK", 8), ("VI", 6), ("KH", 6), ("SL", 5), ("OU", 4),
    ("LP", 4), ("XA", 3), ("BL", 3), ("PH", 2), ("HO", 2), ("XI", 2), ("XE", 2), ("AT", 2), ("XS", 1),
)
# fmt: on
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
PARTNER_PROVIDERS = ("world-vision", "save-the-children", "friends-international", "vfi", "iom")
WORKERS_PER_ORG = 3
STAFF_PREFIX = "demo."

NATIONALITIES = (("LA", 960), ("VN", 15), ("TH", 10), ("CN", 5), ("MM", 5), ("XX", 5))
ETHNICITIES = (("lao", 55), ("khmu", 15), ("hmong", 10), ("phouthay", 6), ("tai", 4), ("akha", 3), ("katang", 3))
LANGUAGE_OF = {"khmu": "kjg", "hmong": "hnj", "akha": "ahk", "VN": "vi", "TH": "th", "CN": "zh", "MM": "my"}
# fmt: off
TRAFFICKING_FORMS = (
    ("forced_labour", 35), ("sexual_exploitation", 30), ("forced_marriage", 15), ("domestic_servitude", 12),
    ("forced_begging", 3), ("other", 5),
)
# fmt: on
# Trafficking cases not repatriated by us: mostly Thailand, a quarter within Lao PDR.
EXPLOITED_IN = (("TH", 55), ("CN", 12), ("MY", 4), ("LA", 29))
REPATRIATION_SHARE = 0.15
REPATRIATED_FROM = (("TH", 80), ("CN", 15), ("MY", 5))
FLOW_OF = {"TH": RepatriationFlow.THAILAND_MOU, "CN": RepatriationFlow.CHINA}
BORDER_POINTS = {
    "TH": (("friendship_bridge_1", 40), ("friendship_bridge_2", 25), ("vang_tao", 20), ("friendship_bridge_3", 15)),
    "CN": (("boten", 80), ("phou_lakkham", 20)),
}
PARTNER_ABROAD = {
    "TH": "Thai MSDHS protection and occupational development centre",
    "CN": "Chinese public security border unit",
    "MY": "Malaysian government shelter",
}
# fmt: off
ROUTES = (
    (IdentificationRoute.POLICE, 25), (IdentificationRoute.BORDER_POLICE, 12),
    (IdentificationRoute.VILLAGE_AUTHORITY, 14), (IdentificationRoute.SELF_REFERRAL, 8),
    (IdentificationRoute.HOTLINE_1362, 10), (IdentificationRoute.NGO, 15), (IdentificationRoute.IMMIGRATION, 5),
    (IdentificationRoute.RETURNED_UNDER_MOU, 8), (IdentificationRoute.OTHER, 3),
)
CLOSURE_REASONS = (
    (ClosureReason.REINTEGRATED, 55), (ClosureReason.TRANSFERRED, 10), (ClosureReason.LOST_CONTACT, 15),
    (ClosureReason.DECLINED, 10), (ClosureReason.DIED, 1), (ClosureReason.OTHER, 9),
)
# fmt: on
# (service type, probability) per category; interpreter and repatriation services are added apart.
# fmt: off
SERVICES = {
    CaseCategory.TRAFFICKING: (
        ("shelter", 0.8), ("basic_needs", 0.8), ("medical_care", 0.6), ("counselling", 0.7), ("legal_aid", 0.4),
        ("vocational_training", 0.35), ("education", 0.2), ("reintegration", 0.5), ("financial_support", 0.15),
        ("employment_support", 0.1),
    ),
    CaseCategory.RISK_GROUP: (
        ("counselling", 0.3), ("vocational_training", 0.4), ("education", 0.3), ("basic_needs", 0.3),
        ("employment_support", 0.2), ("other", 0.1),
    ),
    CaseCategory.RAPE: (
        ("shelter", 0.6), ("medical_care", 0.9), ("counselling", 0.9), ("legal_aid", 0.7), ("basic_needs", 0.5),
    ),
    CaseCategory.DOMESTIC_VIOLENCE: (
        ("shelter", 0.6), ("counselling", 0.8), ("legal_aid", 0.5), ("medical_care", 0.4), ("basic_needs", 0.4),
    ),
    CaseCategory.CHILD_LABOUR: (
        ("education", 0.8), ("family_tracing", 0.4), ("basic_needs", 0.5), ("counselling", 0.4),
        ("reintegration", 0.4),
    ),
    CaseCategory.SEXUAL_EXPLOITATION: (
        ("shelter", 0.7), ("medical_care", 0.8), ("counselling", 0.8), ("legal_aid", 0.5),
        ("vocational_training", 0.3),
    ),
    CaseCategory.VULNERABLE: (
        ("shelter", 0.6), ("education", 0.8), ("basic_needs", 0.8), ("family_tracing", 0.5), ("counselling", 0.3),
    ),
}
# fmt: on
# Screening: share of cases screened, and of those the share meant to show all three elements,
# some, or none. The stored outcome is always what the rule makes of the indicators chosen.
SCREENED = {
    CaseCategory.TRAFFICKING: (0.9, 0.75, 0.2),
    CaseCategory.RISK_GROUP: (0.7, 0.1, 0.5),
    CaseCategory.SEXUAL_EXPLOITATION: (0.5, 0.5, 0.4),
    CaseCategory.CHILD_LABOUR: (0.4, 0.45, 0.4),
}
SCREENED_OTHERWISE = (0.05, 0.05, 0.4)
NOTE_TEXTS = {
    NoteKind.GENERAL: (
        "Home visit done; the person is settled and attends the weekly group.",
        "Phone follow-up; no new concerns raised.",
        "Met the village authority about the return plan.",
        "Travel allowance paid for the clinic appointment.",
        "ປະຊຸມກັບອຳນາດການປົກຄອງບ້ານ ກ່ຽວກັບແຜນການກັບຄືນ.",
    ),
    NoteKind.LEGAL: (
        "Statement taken with the legal aid officer present.",
        "Court hearing postponed; accompaniment planned for the new date.",
    ),
    NoteKind.COUNSELLING: (
        "Counselling session: sleep improving, anxiety at night reported.",
        "Counselling session: discussed fears about returning to the village.",
    ),
    NoteKind.MEDICAL: (
        "Health check at the provincial hospital; follow-up in two weeks.",
        "Medication collected; treatment continues.",
    ),
}
NOTE_KINDS = ((NoteKind.GENERAL, 70), (NoteKind.LEGAL, 10))
NOTE_KINDS_COUNSELLOR = (*NOTE_KINDS, (NoteKind.COUNSELLING, 15), (NoteKind.MEDICAL, 5))
CLOSURE_NOTE = "Closed after the review with the manager."
OVERRIDE_REASON = "The screener's assessment of the interview differs from the indicators recorded."
CONFIRMED_REASON = "Confirmed by the deciding body."
BLOCK_REASON = "Waiting for travel documents from the partner abroad."
BEST_INTERESTS = "Best-interests determination recorded by the provincial social welfare office."


# --- Reference data and staff, loaded once per run -------------------------------------------
@dataclass
class Reference:
    provinces: dict[str, Province]
    districts: dict[int, list[int]]
    organisations: dict[str, Organisation]
    ethnicities: list[str]
    forms: dict[str, str]  # code -> exploitation kind
    service_types: list[str]
    border_points: list[str]
    indicators: list[Indicator]
    thresholds: dict[str, Any]
    countries: set[str]
    reflection_days: int
    registers_in: dict[str, int] = field(
        default_factory=dict
    )  # owner code -> its province    organisation_codes: dict[Any, str] = field(default_factory=dict)  # pk -> code
    province_codes: dict[int, str] = field(default_factory=dict)  # pk -> code

    def __post_init__(self) -> None:
        self.organisation_codes = {o.pk: code for code, o in self.organisations.items()}
        self.province_codes = {p.pk: code for code, p in self.provinces.items()}

    @classmethod
    def load(cls) -> Reference:
        from casework.screening_rule import DEFAULT_THRESHOLD, Threshold

        districts: dict[int, list[int]] = defaultdict(list)
        for pk, province_id in District.objects.order_by("code").values_list("pk", "province_id"):
            districts[province_id].append(pk)
        thresholds = dict.fromkeys(Element.values, DEFAULT_THRESHOLD)
        for row in ElementThreshold.objects.filter(element__in=Element.values):
            thresholds[row.element] = Threshold(strong=row.strong, medium=row.medium, weak=row.weak or None)
        return cls(
            provinces={p.code: p for p in Province.objects.order_by("number")},
            districts=dict(districts),
            organisations={o.code: o for o in Organisation.objects.order_by("code")},
            ethnicities=list(Ethnicity.objects.order_by("code").values_list("code", flat=True)),
            forms=dict(ExploitationForm.objects.filter(active=True).order_by("code").values_list("code", "kind")),
            service_types=list(ServiceType.objects.filter(active=True).order_by("code").values_list("code", flat=True)),
            border_points=list(BorderPoint.objects.filter(active=True).order_by("code").values_list("code", flat=True)),
            indicators=list(Indicator.objects.filter(active=True).order_by("code")),
            thresholds=thresholds,
            countries=set(Country.objects.values_list("code", flat=True)),
            reflection_days=getattr(settings, "SCREENING_REFLECTION_DAYS", 30),
        )

    def check(self) -> None:
        missing = [code for code in (*OWNER_ORGS, POLICE_DEFAULT) if code not in self.organisations]
        if missing or not self.indicators or not self.districts:
            raise RuntimeError(f"Load the reference data first (manage.py load_reference); missing: {missing}")
        for code in OWNER_ORGS:
            province_id = self.organisations[code].province_id
            if province_id is None:
                raise RuntimeError(f"{code} owns demo cases and needs a province: its office registers people")
            self.registers_in[code] = province_id


@dataclass
class Staff:
    """Who works the generated cases: a few synthetic workers per organisation (the demo logins
    join their organisation's pool when they exist) and one manager who approves closures."""

    workers: dict[str, list[User]]
    managers: dict[str, User]


def ensure_staff(reference: Reference) -> Staff:
    """Create the synthetic worker and manager accounts once (idempotent, through the accounts
    service so that the role rules apply). They have no usable password: nobody logs in as them."""
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
        organisation = reference.organisations[code]
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
    return Staff(workers=workers, managers=managers)


# --- One batch: every row built in Python, then one bulk insert per table ----------------------
@dataclass
class Batch:
    rows: dict[type[models.Model], list[models.Model]] = field(default_factory=lambda: defaultdict(list))

    def add(self, obj: models.Model) -> None:
        self.rows[type(obj)].append(obj)

    def write(self, method: str, batch_size: int, timings: dict[str, float] | None = None) -> Counter[str]:
        counts: Counter[str] = Counter()
        for model in WRITE_ORDER:
            objs = self.rows.get(model, [])
            if objs:
                started = perf_counter()
                (_copy if method == "copy" else _bulk_create)(model, objs, batch_size)
                label = model._meta.label_lower
                counts[label] += len(objs)
                if timings is not None:
                    timings[label] = timings.get(label, 0.0) + perf_counter() - started
        return counts


CaseForms = Case.exploitation_forms.through
StepDependency = RepatriationStep.depends_on.through
WRITE_ORDER: tuple[type[models.Model], ...] = (
    Person,
    FamilyMember,
    Case,
    CaseForms,
    CaseShare,
    Screening,
    ScreeningIndicator,
    Service,
    CaseNote,
    Repatriation,
    RepatriationStep,
    StepDependency,
    CaseEvent,
)


def _copy(model: type[models.Model], objs: list[models.Model], batch_size: int) -> None:
    """COPY FROM STDIN: the fastest bulk insert PostgreSQL has; row triggers fire as usual.
    Values go through each field's own database preparation, as bulk_create does."""
    fields = [f for f in model._meta.concrete_fields if not (f.primary_key and isinstance(f, models.AutoField))]
    columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
    prepare = [(f.attname, f.get_db_prep_save) for f in fields]
    sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        for obj in objs:
            copy.write_row([prep(getattr(obj, name), connection) for name, prep in prepare])


def _bulk_create(model: type[models.Model], objs: list[models.Model], batch_size: int) -> None:
    """Plain bulk_create (slower; auto_now_add fields become the time of the run)."""
    model._default_manager.bulk_create(objs, batch_size=batch_size)


def immediate_constraints() -> None:
    """Check foreign keys row by row instead of at commit. Nothing is disabled; the checks just
    run earlier (rows are written parents first). Measured: with the checks deferred, every
    pghistory trigger's nested INSERT gets slower as the transaction's queue of pending checks
    grows, so a batch costs O(rows squared) -- 20,000 services took 9.7 s deferred, 1.1 s
    immediate (PostgreSQL 15)."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def restore_constraints() -> None:
    """Back to the schema's default (every deferrable constraint here is initially deferred), for
    a caller whose own transaction goes on after the batch."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def allocate_case_codes(people: Sequence[Person]) -> None:
    """Give every person of the batch the next gap-free code of its province and year: one
    UPSERT adds each group's size to its counter and returns the new last number, so the group
    takes the range just below it. The counter rows stay locked until the batch commits."""
    groups: dict[tuple[int, int], list[Person]] = defaultdict(list)
    for person in people:
        groups[(person.registration_province_id, person.registered_on.year)].append(person)
    keys = sorted(groups)  # one lock order for every writer
    values = ", ".join(["(%s, %s, %s)"] * len(keys))
    params = [value for key in keys for value in (*key, len(groups[key]))]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO casework_casecodecounter (province_id, year, last_number) VALUES {values}
            ON CONFLICT (province_id, year)
            DO UPDATE SET last_number = casework_casecodecounter.last_number + EXCLUDED.last_number
            RETURNING province_id, year, last_number
            """,  # noqa: S608 - placeholders only
            params,
        )
        last = {(province_id, year): number for province_id, year, number in cursor.fetchall()}
    codes = {p.pk: p.code for p in Province.objects.filter(pk__in={k[0] for k in keys})}
    for key in keys:
        members = sorted(groups[key], key=lambda p: (p.registered_on, p.created_at))
        first = last[key] - len(members) + 1
        for offset, person in enumerate(members):
            person.case_code = f"{codes[key[0]]}-{key[1]}-{first + offset:05d}"


class Generator:
    def __init__(self, *, rng: random.Random, reference: Reference, staff: Staff, today: date) -> None:
        self.rng = rng
        self.ref = reference
        self.staff = staff
        self.today = today
        self._indicator_pools: dict[tuple[str, str, bool | None, str], list[Indicator]] = {}
        self._weights: dict[Any, tuple[list[Any], list[float]]] = {}

    # -- small helpers --
    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def pick(self, weighted: Sequence[tuple[T, float]]) -> T:
        """One value by weight (the same draw as random.choices with weights, cumulated once)."""
        cached = self._weights.get(weighted)
        if cached is None:
            cached = self._weights[weighted] = ([v for v, _w in weighted], list(accumulate(w for _v, w in weighted)))
        return self.rng.choices(cached[0], cum_weights=cached[1])[0]  # type: ignore[no-any-return]

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def at(self, day: date) -> datetime:
        """A working-hours moment of `day`, in Vientiane time."""
        moment = time(self.rng.randint(8, 16), self.rng.randint(0, 59), self.rng.randint(0, 59))
        return datetime.combine(day, moment, tzinfo=LOCAL)

    def after(self, day: date, low: int, high: int, limit: date | None = None) -> date:
        return min(day + timedelta(days=self.rng.randint(low, high)), limit or self.today)

    # -- people --
    def batch(self, size: int) -> Batch:
        batch = Batch()
        people: list[tuple[Person, dict[str, Any]]] = []
        for _ in range(size):
            if people and self.chance(0.01):
                people.append(self.registered_again(*self.rng.choice(people)))
            else:
                people.append(self.person())
        allocate_case_codes([person for person, _facts in people])
        for person, facts in people:
            batch.add(person)
            self.family(batch, person, facts)
            first = self.case(batch, person, facts, identified_on=person.registered_on)
            if self.chance(0.08):
                second_on = first.identified_on + timedelta(days=self.rng.randint(60, 900))
                if second_on <= self.today:
                    category = self.pick(((CaseCategory.TRAFFICKING, 6), (CaseCategory.RISK_GROUP, 4)))
                    again = {**facts, "category": category, "worker": None, "repatriated": False}
                    self.case(batch, person, again, identified_on=second_on)
        return batch

    def person(self) -> tuple[Person, dict[str, Any]]:
        category = self.pick(CATEGORIES)
        female = self.chance(FEMALE_SHARE[category])
        sex = Sex.FEMALE if female else (Sex.OTHER if self.chance(0.01) else Sex.MALE)
        child = self.chance(CHILD_SHARE[category])
        if child:
            age = self.rng.randint(6 if category == CaseCategory.VULNERABLE else 10, 17)
        else:
            age = min(18 + int(self.rng.expovariate(1 / 8)), 65)
        registered_on = self.today - timedelta(days=int(self.rng.triangular(0, 365 * YEARS_OF_DATA, 0)))
        repatriated = category == CaseCategory.TRAFFICKING and self.chance(REPATRIATION_SHARE)
        origin = self.pick(ORIGIN_PROVINCES)
        owners: Sequence[tuple[str, int]] = OWNERS_BY_ORIGIN.get(origin, CENTRAL_OWNERS)
        if repatriated and self.chance(0.4):
            owners = (("mlsw-transit-centre", 1),)
        owner = self.ref.organisations[self.pick(owners)]
        worker = self.rng.choice(self.staff.workers[owner.code])  # registers the person, opens the case
        nationality = self.pick(NATIONALITIES)
        ethnicity = self.pick(ETHNICITIES) if nationality == "LA" else "foreign"
        given = self.rng.choice(GIVEN_FEMALE if female else GIVEN_MALE)
        family = self.rng.choice(HMONG_FAMILY if ethnicity == "hmong" else FAMILY)
        province = self.ref.provinces[origin]
        born = registered_on - timedelta(days=365 * age + self.rng.randint(0, 364))
        person = Person(
            id=self.uuid(),
            registration_province_id=self.ref.registers_in[owner.code],
            registered_on=registered_on,
            given_name_latin=given[0],
            family_name_latin=family[0],
            given_name_lo=given[1],
            family_name_lo=family[1],
            sex=sex,
            nationality_id=nationality,
            ethnicity_id=ethnicity if ethnicity in self.ref.ethnicities else None,
            origin_province_id=province.pk if nationality == "LA" else None,
            origin_district_id=self.rng.choice(self.ref.districts[province.pk]) if nationality == "LA" else None,
            origin_village=self.rng.choice(VILLAGES) if nationality == "LA" and self.chance(0.7) else "",
            created_by_id=worker.pk,
            created_at=self.at(registered_on),
        )
        self.birth(person, born)
        self.languages(person, nationality, ethnicity)
        person.updated_at = person.created_at
        person.name_key = name_key(person.given_name_latin, person.family_name_latin)
        return person, {"category": category, "owner": owner, "worker": worker, "repatriated": repatriated}

    def birth(self, person: Person, born: date) -> None:
        roll = self.rng.random()
        if roll < 0.80:
            person.date_of_birth = born
        elif roll < 0.88:  # only the year is known
            person.date_of_birth, person.birth_date_estimated = date(born.year, 7, 1), True
        else:
            person.estimated_age = whole_years(born, person.registered_on)
            person.age_estimated_on = person.registered_on

    def languages(self, person: Person, nationality: str, ethnicity: str) -> None:
        own = LANGUAGE_OF.get(nationality if nationality != "LA" else ethnicity)
        person.languages = ["lo"] if nationality == "LA" else []
        if own:
            person.languages.append(own)
        needs = nationality != "LA" or (own is not None and self.chance(0.3))
        if needs and own:
            person.interpreter_needed, person.interpreter_language = True, own

    def registered_again(self, first: Person, facts: dict[str, Any]) -> tuple[Person, dict[str, Any]]:
        """The same person registered a second time elsewhere, the name romanised differently:
        what casework.duplicates exists to find."""
        person, new_facts = self.person()
        for name in ("sex", "nationality_id", "ethnicity_id", "origin_province_id", "origin_district_id"):
            setattr(person, name, getattr(first, name))
        for name in ("given_name_lo", "family_name_lo", "languages", "interpreter_needed", "interpreter_language"):
            setattr(person, name, getattr(first, name))
        person.given_name_latin = self.respell(first.given_name_latin)
        person.family_name_latin = self.respell(first.family_name_latin)
        if self.chance(0.3):  # given and family name swapped on the other document
            person.given_name_latin, person.family_name_latin = person.family_name_latin, person.given_name_latin
        person.date_of_birth, person.birth_date_estimated = first.date_of_birth, first.birth_date_estimated
        person.estimated_age = person.age_estimated_on = None
        if first.estimated_age is not None and first.age_estimated_on is not None:
            born = first.age_estimated_on - timedelta(days=365 * first.estimated_age)
            person.estimated_age = max(0, whole_years(born, person.registered_on))
            person.age_estimated_on = person.registered_on
        person.name_key = name_key(person.given_name_latin, person.family_name_latin)
        return person, {**new_facts, "category": facts["category"], "repatriated": False}

    def respell(self, name: str) -> str:
        lowered = name.lower()
        for spelling, other in self.rng.sample(RESPELLINGS, 3):
            lowered = lowered.replace(spelling, other)
        return lowered.capitalize()

    def family(self, batch: Batch, person: Person, facts: dict[str, Any]) -> None:
        child = is_child_on(person, person.registered_on)
        if child:
            relationship = self.pick(
                ((Relationship.MOTHER, 6), (Relationship.FATHER, 2), (Relationship.GRANDPARENT, 2))
            )
            guardian = True
        elif self.chance(0.3):
            relationship = self.pick(((Relationship.SPOUSE, 4), (Relationship.SIBLING, 4), (Relationship.MOTHER, 2)))
            guardian = False
        else:
            return
        female = relationship == Relationship.MOTHER or (relationship != Relationship.FATHER and self.chance(0.6))
        given = self.rng.choice(GIVEN_FEMALE if female else GIVEN_MALE)[0]
        family = person.family_name_latin if relationship != Relationship.SPOUSE else self.rng.choice(FAMILY)[0]
        batch.add(
            FamilyMember(
                id=self.uuid(),
                person_id=person.pk,
                relationship=relationship,
                name=f"{given} {family}",
                is_guardian=guardian,
                lives_in_village_of_origin=self.chance(0.8),
            )
        )

    # -- cases --
    def case(self, batch: Batch, person: Person, facts: dict[str, Any], *, identified_on: date) -> Case:
        category: str = facts["category"]
        owner: Organisation = facts["owner"]
        repatriated = facts["repatriated"]
        worker = facts["worker"] or self.rng.choice(self.staff.workers[owner.code])
        case = Case(
            id=self.uuid(),
            person_id=person.pk,
            owner_id=owner.pk,
            category=category,
            identified_on=identified_on,
            child_at_identification=is_child_on(person, identified_on),
            created_by_id=worker.pk,
            created_at=self.at(identified_on),
        )
        case.person = person
        forms = self.exploitation(case, repatriated)
        case.identification_route = self.route(case, repatriated)
        batch.add(case)
        for code in forms:
            batch.add(CaseForms(case_id=case.pk, exploitationform_id=code))
        self.event(batch, case, worker, case.created_at, "case_opened", category=category, case_code=person.case_code)

        repatriation, returned_on = self.repatriation(batch, case, worker) if repatriated else (None, None)
        self.status(batch, case, worker, repatriation, returned_on)
        case.updated_at = case.closed_at or case.created_at
        if category == CaseCategory.TRAFFICKING and self.chance(0.25):
            police = POLICE_BY_PROVINCE.get(self.ref.province_codes[person.registration_province_id], POLICE_DEFAULT)
            batch.add(
                CaseShare(
                    id=self.uuid(),
                    case_id=case.pk,
                    organisation_id=self.ref.organisations[police].pk,
                    purpose="Investigation",
                    granted_by_id=worker.pk,
                    granted_at=self.at(self.after(identified_on, 0, 10)),
                )
            )
        self.screening(batch, case, forms, owner)
        self.services(batch, case, owner, person, repatriation is not None)
        self.notes(batch, case)
        return case

    def exploitation(self, case: Case, repatriated: bool) -> list[str]:
        category = case.category
        if category == CaseCategory.TRAFFICKING:
            forms = [self.pick(TRAFFICKING_FORMS)]
            if self.chance(0.1):
                forms.append(self.pick(TRAFFICKING_FORMS))
            country = self.pick(REPATRIATED_FROM if repatriated else EXPLOITED_IN)
        elif category == CaseCategory.SEXUAL_EXPLOITATION:
            forms, country = ["sexual_exploitation"], self.pick((("LA", 70), ("TH", 30)))
        elif category == CaseCategory.CHILD_LABOUR:
            forms, country = ["child_labour"], self.pick((("LA", 60), ("TH", 40)))
        else:
            return []
        forms = [code for code in dict.fromkeys(forms) if code in self.ref.forms]
        case.exploitation_country_id = country
        if country == "LA":
            case.exploitation_province_id = self.ref.provinces[self.pick(ORIGIN_PROVINCES[:6])].pk
        case.exploitation_started_on = case.identified_on - timedelta(days=self.rng.randint(14, 540))
        case.exploitation_ended_on = case.identified_on - timedelta(days=self.rng.randint(0, 13))
        return forms

    def route(self, case: Case, repatriated: bool) -> str:
        if repatriated:
            return (
                IdentificationRoute.RETURNED_UNDER_MOU
                if case.exploitation_country_id == "TH"
                else IdentificationRoute.BORDER_POLICE
            )
        if case.category in (CaseCategory.RAPE, CaseCategory.DOMESTIC_VIOLENCE):
            return self.pick(
                (
                    (IdentificationRoute.HOTLINE_1362, 4),
                    (IdentificationRoute.SELF_REFERRAL, 3),
                    (IdentificationRoute.VILLAGE_AUTHORITY, 2),
                    (IdentificationRoute.POLICE, 2),
                )
            )
        return self.pick(ROUTES)

    def status(
        self, batch: Batch, case: Case, worker: User, repatriation: Repatriation | None, last_step_on: date | None
    ) -> None:
        """Open, active or closed by the case's age; never closed while its repatriation runs,
        and closed only after the repatriation's last step."""
        age = (self.today - case.identified_on).days
        if age < 30:
            status = self.pick(((CaseStatus.OPEN, 35), (CaseStatus.ACTIVE, 65)))
        elif age < 365:
            status = self.pick(((CaseStatus.OPEN, 5), (CaseStatus.ACTIVE, 60), (CaseStatus.CLOSED, 35)))
        else:
            status = self.pick(((CaseStatus.ACTIVE, 25), (CaseStatus.CLOSED, 75)))
        if repatriation is not None:
            finished = repatriation.status in (RepatriationStatus.COMPLETED, RepatriationStatus.CANCELLED)
            status = status if finished or status != CaseStatus.CLOSED else CaseStatus.ACTIVE
            status = CaseStatus.ACTIVE if status == CaseStatus.OPEN else status
        case.status = status
        case.assigned_worker_id = None if status == CaseStatus.OPEN else worker.pk
        if status != CaseStatus.CLOSED:
            return
        earliest = case.identified_on + timedelta(days=60)
        if last_step_on is not None:
            earliest = max(earliest, last_step_on)
        requested = self.after(earliest, 0, max(0, (self.today - earliest).days))
        reason = self.pick(CLOSURE_REASONS)
        case.closure_reason = reason
        case.closure_note = CLOSURE_NOTE if reason == ClosureReason.OTHER else ""
        case.closure_requested_by_id = worker.pk
        case.closure_requested_at = self.at(requested)
        case.closure_approved_by_id = self.staff.managers[self.ref.organisation_codes[case.owner_id]].pk
        case.closed_at = case.closure_requested_at + timedelta(days=self.rng.randint(0, 5))
        case.closed_at = min(case.closed_at, datetime.combine(self.today, time(17), tzinfo=LOCAL))
        self.event(
            batch,
            case,
            self.staff.managers[self.ref.organisation_codes[case.owner_id]],
            case.closed_at,
            "case_closed",
            reason=reason,
        )

    def event(self, batch: Batch, case: Case, actor: User, at: datetime, kind: str, **data: Any) -> None:
        batch.add(CaseEvent(case_id=case.pk, actor_id=actor.pk, at=at, kind=kind, data={**data, "generated": True}))

    def worker_for(self, case: Case) -> User:
        if case.assigned_worker_id:
            return next(
                u
                for u in self.staff.workers[self.ref.organisation_codes[case.owner_id]]
                if u.pk == case.assigned_worker_id
            )
        return self.rng.choice(self.staff.workers[self.ref.organisation_codes[case.owner_id]])

    def end_of(self, case: Case) -> date:
        """The last day something can happen on the case: its closure, or today."""
        return case.closed_at.astimezone(LOCAL).date() if case.closed_at else self.today

    # -- screening --
    def screening(self, batch: Batch, case: Case, forms: list[str], owner: Organisation) -> None:
        from casework.screening_rule import age_at_exploitation, evaluate

        screened, full, partial = SCREENED.get(case.category, SCREENED_OTHERWISE)  # type: ignore[call-overload]
        if not self.chance(screened):
            return
        age = age_at_exploitation(case.person, case)
        child = None if age is None else age < 18
        kinds = {self.ref.forms.get(code, ExploitationKind.BOTH) for code in forms}
        kind = kinds.pop() if len(kinds) == 1 else ExploitationKind.BOTH
        roll = self.rng.random()
        scenario = "full" if roll < full else ("partial" if roll < full + partial else "none")
        observed = self.indicators(scenario, child, kind)
        result = evaluate(observed, age_at_exploitation=age, thresholds=self.ref.thresholds)
        screener = self.worker_for(case)
        screened_on = self.after(case.identified_on, 0, 10, self.end_of(case))
        outcome, reason, body, decided_on = result.suggested, "", "", None
        if result.suggested == ScreeningOutcome.POSSIBLE_VICTIM and self.chance(0.25):
            decided_on = self.after(screened_on, 7, 120)
            outcome, reason = ScreeningOutcome.ACTUAL_VICTIM, CONFIRMED_REASON
            body = self.pick(
                (
                    (DecidingBody.POLICE, 5),
                    (DecidingBody.COURT_OR_PROSECUTION, 2),
                    (DecidingBody.NON_POLICE_GOVERNMENT, 3),
                )
            )
        elif result.suggested == ScreeningOutcome.NEEDS_FURTHER_ASSESSMENT and self.chance(0.05):
            outcome, reason = ScreeningOutcome.POSSIBLE_VICTIM, OVERRIDE_REASON
        interpreter = case.person.interpreter_needed and self.chance(0.9)
        screening = Screening(
            id=self.uuid(),
            case_id=case.pk,
            screener_organisation_id=owner.pk,
            screener_id=screener.pk,
            place=self.place(case),
            screened_on=screened_on,
            interpreter_used=interpreter,
            interpreter_language=case.person.interpreter_language if interpreter else "",
            same_gender_interviewer_offered=self.chance(0.9),
            guardian_or_social_worker_present=self.chance(0.95) if is_child_on(case.person, screened_on) else None,
            age_at_exploitation=result.age,
            act_present=result.act,
            means_present=result.means,
            purpose_present=result.purpose,
            suggested_outcome=result.suggested,
            outcome=outcome,
            override_reason=reason,
            deciding_body=body,
            decided_on=decided_on,
            reflection_period_ends_on=(
                screened_on + timedelta(days=self.ref.reflection_days)
                if outcome in (ScreeningOutcome.POSSIBLE_VICTIM, ScreeningOutcome.ACTUAL_VICTIM)
                else None
            ),
            created_at=self.at(screened_on),
        )
        consent = self.chance(0.95)
        for name in (
            "consent_assents_to_interview",
            "consent_told_purpose",
            "consent_told_data_use",
            "consent_told_research_use",
            "consent_told_right_to_own_data",
            "consent_told_retention",
            "consent_told_how_to_withdraw",
        ):
            setattr(screening, name, consent)
        batch.add(screening)
        for indicator in observed:
            batch.add(ScreeningIndicator(screening_id=screening.pk, indicator_id=indicator.pk))
        self.event(
            batch,
            case,
            screener,
            screening.created_at,
            "screening_recorded",
            outcome=str(outcome),
            suggested_outcome=str(result.suggested),
        )

    def place(self, case: Case) -> str:
        if case.identification_route in (IdentificationRoute.RETURNED_UNDER_MOU, IdentificationRoute.BORDER_POLICE):
            return self.pick(
                ((ScreeningPlace.RECEPTION_CENTRE, 5), (ScreeningPlace.BORDER_OFFICE, 3), (ScreeningPlace.ABROAD, 2))
            )
        return self.pick(
            ((ScreeningPlace.SHELTER, 5), (ScreeningPlace.VILLAGE_OFFICE, 2), (ScreeningPlace.POLICE_STATION, 3))
        )

    def indicators(self, scenario: str, child: bool | None, kind: str) -> list[Indicator]:
        """Indicators of the right age group and exploitation kind: for `full` enough of each
        element (means optional for a child), for `partial` one or two elements, for `none` a
        single medium or weak one."""
        chosen: list[Indicator] = []
        if scenario == "full":
            elements = [Element.ACT, Element.PURPOSE]
            if not child or self.chance(0.5):
                elements.append(Element.MEANS)
        elif scenario == "partial":
            elements = self.rng.sample([Element.ACT, Element.MEANS, Element.PURPOSE], self.rng.randint(1, 2))
        else:
            pool = self.pool(self.rng.choice(Element.values), Strength.WEAK, child, kind) or self.pool(
                Element.MEANS, Strength.MEDIUM, child, kind
            )
            return self.rng.sample(pool, 1) if pool and self.chance(0.6) else []
        for element in elements:
            strong = self.pool(element, Strength.STRONG, child, kind)
            medium = self.pool(element, Strength.MEDIUM, child, kind)
            if strong and (self.chance(0.5) or len(medium) < 2):
                chosen += self.rng.sample(strong, 1)
            elif len(medium) >= 2:
                chosen += self.rng.sample(medium, 2)
            if self.chance(0.3):  # a further, weaker observation
                extra = [i for i in self.pool(element, Strength.WEAK, child, kind) + medium if i not in chosen]
                if extra:
                    chosen.append(self.rng.choice(extra))
        return chosen

    def pool(self, element: str, strength: str, child: bool | None, kind: str) -> list[Indicator]:
        key = (element, strength, child, kind)
        if key not in self._indicator_pools:
            excluded_age = {True: AppliesTo.ADULT, False: AppliesTo.CHILD}.get(child)  # type: ignore[arg-type]
            self._indicator_pools[key] = [
                i
                for i in self.ref.indicators
                if i.element == element
                and i.strength == strength
                and i.applies_to != excluded_age
                and (kind == ExploitationKind.BOTH or i.exploitation_kind in (ExploitationKind.BOTH, kind))
            ]
        return self._indicator_pools[key]

    # -- services and notes --
    def services(self, batch: Batch, case: Case, owner: Organisation, person: Person, repatriated: bool) -> None:
        wanted = [code for code, p in SERVICES[case.category] if self.chance(p)]  # type: ignore[index]
        if case.child_at_identification:
            wanted = [code for code in wanted if code != "vocational_training"]
        elif "education" in wanted and self.chance(0.7):
            wanted.remove("education")
        if person.interpreter_needed and self.chance(0.9):
            wanted.append("interpreter")
        if repatriated:
            wanted += ["family_tracing", "reintegration"]
        end = self.end_of(case)
        author = self.worker_for(case)
        for code in dict.fromkeys(wanted):
            if code not in self.ref.service_types:
                continue
            planned = self.after(case.identified_on, 0, 14, end)
            status = self.service_status(case)
            started = ended = None
            if status in (ServiceStatus.IN_PROGRESS, ServiceStatus.DONE):
                started = self.after(planned, 0, 21, end)
            if status == ServiceStatus.DONE:
                ended = self.after(started or planned, 1, 180, end)
            elif status == ServiceStatus.DECLINED:
                ended = self.after(planned, 0, 14, end)
            provider: Any = owner.pk
            provider_name = ""
            if code == "medical_care":
                provider, provider_name = None, self.rng.choice(("Provincial hospital", "District health centre"))
            elif code in ("vocational_training", "employment_support", "education") and self.chance(0.4):
                partner = self.ref.organisations.get(self.rng.choice(PARTNER_PROVIDERS))
                provider = partner.pk if partner else owner.pk
            batch.add(
                Service(
                    id=self.uuid(),
                    case_id=case.pk,
                    service_type_id=code,
                    provider_id=provider,
                    provider_name=provider_name,
                    status=status,
                    planned_on=planned,
                    started_on=started,
                    ended_on=ended,
                    created_by_id=author.pk,
                    created_at=self.at(planned),
                )
            )

    def service_status(self, case: Case) -> str:
        if case.status == CaseStatus.OPEN:
            return ServiceStatus.PLANNED
        if case.status == CaseStatus.CLOSED:
            return self.pick(((ServiceStatus.DONE, 85), (ServiceStatus.DECLINED, 15)))
        return self.pick(
            (
                (ServiceStatus.PLANNED, 25),
                (ServiceStatus.IN_PROGRESS, 45),
                (ServiceStatus.DONE, 25),
                (ServiceStatus.DECLINED, 5),
            )
        )

    def notes(self, batch: Batch, case: Case) -> None:
        low, high = {CaseStatus.OPEN: (0, 1), CaseStatus.ACTIVE: (1, 3), CaseStatus.CLOSED: (2, 4)}[case.status]  # type: ignore[index]
        author = self.worker_for(case)
        counsellor = Role.COUNSELLOR in author.roles and case.assigned_worker_id == author.pk
        end = self.end_of(case)
        for _ in range(self.rng.randint(low, high)):
            # Tier 3 is written (and read) only by the assigned counsellor.
            kind = self.pick(NOTE_KINDS_COUNSELLOR if counsellor else NOTE_KINDS)
            if kind in (NoteKind.COUNSELLING, NoteKind.MEDICAL):
                tier = Tier.SENSITIVE
            elif kind == NoteKind.LEGAL:
                tier = Tier.IDENTITY
            else:
                tier = self.pick(((Tier.METADATA, 5), (Tier.IDENTITY, 5)))
            batch.add(
                CaseNote(
                    id=self.uuid(),
                    case_id=case.pk,
                    author_id=author.pk,
                    written_at=self.at(self.after(case.identified_on, 0, max(0, (end - case.identified_on).days), end)),
                    kind=kind,
                    tier=tier,
                    text=self.rng.choice(NOTE_TEXTS[kind]),
                )
            )

    # -- repatriation --
    def repatriation(self, batch: Batch, case: Case, worker: User) -> tuple[Repatriation, date]:
        """The repatriation with its flow's steps, as far as time has let them progress; with
        the day of its last finished step."""
        from casework.repatriation_flows import ASSESSMENT_STEPS, RETURN_STEP, flow_steps

        country = case.exploitation_country_id or "TH"
        flow = FLOW_OF.get(country, RepatriationFlow.OTHER_COUNTRY)
        started_on = self.after(case.identified_on, 0, 7)
        border = BORDER_POINTS.get(country)
        repatriation = Repatriation(
            id=self.uuid(),
            case_id=case.pk,
            flow=flow,
            from_country_id=country,
            partner_abroad=PARTNER_ABROAD.get(country, ""),
            border_point_id=self.pick(border) if border else "wattay_airport",
            started_by_id=worker.pk,
            started_at=self.at(started_on),
        )
        if repatriation.border_point_id not in self.ref.border_points:
            repatriation.border_point_id = None
        roll = self.rng.random()
        halt = "legal" if roll < 0.08 else ("cancel" if roll < 0.14 else "")
        templates = flow_steps(flow)
        stop_at = 1 if halt == "legal" else (self.rng.randint(1, len(templates) - 1) if halt == "cancel" else None)
        steps: dict[str, RepatriationStep] = {}
        due: dict[str, int] = {}
        child = is_child_on(case.person, self.today) is not False
        for position, template in enumerate(templates, start=1):
            step = RepatriationStep(
                id=self.uuid(),
                repatriation_id=repatriation.pk,
                position=position,
                code=template.code,
                responsible_in_laos_id=case.owner_id if template.side != "abroad" else None,
                responsible_abroad=repatriation.partner_abroad if template.side != "laos" else "",
                due_on=started_on + timedelta(days=template.due_days) if template.due_days is not None else None,
            )
            needed = [steps[code] for code in template.depends_on]
            due[template.code] = template.due_days or 0
            ready = all(s.status == StepStatus.DONE for s in needed)
            if ready and (stop_at is None or position <= stop_at):
                since = max([started_on, *(s.done_on for s in needed if s.done_on)])
                span = template.due_days - max([0, *(due[c] for c in template.depends_on)]) if template.due_days else 7
                done_on = since + timedelta(days=max(1, round(span * self.rng.uniform(0.6, 1.6))))
                if done_on <= self.today:
                    step.status, step.done_on, step.done_by_id = StepStatus.DONE, done_on, worker.pk
                else:
                    step.status = self.pick(
                        ((StepStatus.IN_PROGRESS, 6), (StepStatus.PENDING, 3), (StepStatus.BLOCKED, 1))
                    )
                    step.reason = BLOCK_REASON if step.status == StepStatus.BLOCKED else ""
            if step.status == StepStatus.DONE and template.code in ASSESSMENT_STEPS:
                repatriation.family_assessment = self.pick(
                    ((FamilyAssessment.SAFE, 75), (FamilyAssessment.UNSAFE, 15), (FamilyAssessment.NOT_FOUND, 10))
                )
            if step.status == StepStatus.DONE and template.code == RETURN_STEP:
                # The safeguarding rule: home only after a safe family assessment.
                safe = repatriation.family_assessment == FamilyAssessment.SAFE
                home = safe and self.chance(0.9)
                repatriation.destination = ReturnDestination.FAMILY if home else ReturnDestination.SHELTER
                repatriation.best_interests_decision = BEST_INTERESTS if child else ""
            steps[template.code] = step
            batch.add(step)
            for code in template.depends_on:
                batch.add(StepDependency(from_repatriationstep_id=step.pk, to_repatriationstep_id=steps[code].pk))
        last_step_on = max([started_on, *(step.done_on for step in steps.values() if step.done_on)])
        finished = all(step.status == StepStatus.DONE for step in steps.values())
        if finished:
            repatriation.status = RepatriationStatus.COMPLETED
            repatriation.completed_at = self.at(last_step_on)
        elif halt == "legal":
            repatriation.status = RepatriationStatus.AWAITING_LEGAL_PROCEEDINGS
        elif halt == "cancel":
            repatriation.status = RepatriationStatus.CANCELLED
            repatriation.cancellation_reason = self.pick(
                (
                    (CancellationReason.VICTIM_DECLINED, 5),
                    (CancellationReason.STAY_IN_DESTINATION, 3),
                    (CancellationReason.OTHER, 2),
                )
            )
            repatriation.cancellation_note = (
                "Synthetic cancellation." if repatriation.cancellation_reason == "other" else ""
            )
        else:
            repatriation.status = RepatriationStatus.IN_PROGRESS
        batch.add(repatriation)
        self.event(
            batch,
            case,
            worker,
            repatriation.started_at,
            "repatriation_started",
            repatriation=str(repatriation.pk),
            flow=str(flow),
            from_country=country,
        )
        return repatriation, last_step_on


def generate(
    *,
    people: int,
    seed: int = 2026,
    batch_size: int = 5000,
    today: date | None = None,
    method: str = "copy",
    progress: Callable[[int, Counter[str]], None] | None = None,
    timings: dict[str, float] | None = None,
) -> dict[str, int]:
    """Add `people` synthetic people with their cases and everything that goes with them;
    return the number of rows written per model (app_label.model). One transaction per batch:
    an interrupted run keeps the batches it finished, each whole, with gap-free codes."""
    refuse_in_production()
    if not MIN_PEOPLE <= people <= MAX_PEOPLE:
        raise ValueError(f"people must be between {MIN_PEOPLE} and {MAX_PEOPLE:,}")
    if batch_size < 1:
        raise ValueError("batch_size must be positive")
    if method not in ("copy", "bulk_create"):
        raise ValueError("method is 'copy' or 'bulk_create'")
    today = today or timezone.localdate()
    reference = Reference.load()
    reference.check()
    staff = ensure_staff(reference)
    rng = random.Random(f"pathway-demo:{seed}:{Person.objects.count()}")
    generator = Generator(rng=rng, reference=reference, staff=staff, today=today)
    counts: Counter[str] = Counter()
    done = 0
    while done < people:
        size = min(batch_size, people - done)
        with transaction.atomic():
            immediate_constraints()
            started = perf_counter()
            batch = generator.batch(size)
            built = perf_counter()
            counts += batch.write(method, batch_size, timings)
            restore_constraints()
            written = perf_counter()
        if timings is not None:
            for label, seconds in (
                ("build in python (incl. case-code upsert)", built - started),
                ("commit", perf_counter() - written),
            ):
                timings[label] = timings.get(label, 0.0) + seconds
        done += size
        if progress is not None:
            progress(done, counts)
    analyze(counts)
    return dict(sorted(counts.items()))


def analyze(counts: Counter[str]) -> None:
    """Refresh the planner's statistics of the tables just filled: until autovacuum gets to it,
    the planner still believes them empty and, e.g., reads every person instead of using the
    trigram index for the duplicate search (measured: 466 ms instead of 96 ms at 140,000)."""
    from django.apps import apps

    tables = [apps.get_model(label)._meta.db_table for label in sorted(counts)]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
