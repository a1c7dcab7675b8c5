"""Trafficking journeys and HTCDS consents for the demo (issue 20.3, 20.6), so that a newcomer
sees the journey on a trafficking case and the HTCDS export (national_statistics/htcds.py) has
rows: for the open trafficking cases without a journey, up to `limit` of them, the case's worker
records a realistic journey through the service (`casework.services.journey`): a recruitment in
the person's home province (how, by whom, with the app where online, what was promised), the
transit with the border crossing when the exploitation was abroad (through Thailand to Myanmar
or Cambodia for the scam compounds), the exploitation (form, sector, means of control, forced
criminality) and the exit (rescue, escape, deportation). About half of those people then consent
to the HTCDS export (`referrals.services.consent_record`, a best-interest decision for a child).

Through the services, one case at a time (audit and timeline rows as for a worker at the page):
slower than the generator's COPY, hence the limit (a few seconds for 300 cases). seed_demo runs
it on every `pathway up`; a case with a journey is left alone, so a second run adds nothing."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta
from typing import Any

from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.models import Country, Organisation
from casework import permissions
from casework.choices import CaseCategory, CaseStatus, JourneyStage
from casework.models import BorderPoint, Case, JourneyEvent
from casework.services.journey import journey_event_add
from referrals.choices import ConsentGivenBy, DataCategory
from referrals.permissions import is_child_for_consent
from referrals.services.consent import consent_record

MAX_CASES = 300
CONSENT_SHARE = 0.5
HTCDS_RECIPIENT = "iom"
HTCDS_PURPOSE = "Anonymous case data for IOM's Human Trafficking Case Data Standard."
BEST_INTEREST = "The child's guardian cannot be reached; the data shared carry no identity."
PROMISES = (
    "A job in a restaurant with a good salary.",
    "Work in a factory and money to send home.",
    "A job in an office abroad, travel paid.",
    "Marriage to a man with a good income.",
    "Work on a farm, paid every month.",
)
BORDERS = {"TH": ("friendship_bridge_1", "friendship_bridge_2", "friendship_bridge_3", "vang_tao"), "CN": ("boten",)}
# The crossing into Thailand nearest to the home province (the bridges 1-4: Vientiane, Savannakhet,
# Thakhek, Houayxay; Vang Tao for the south); elsewhere one of them at random.
THAI_CROSSING = {
    **dict.fromkeys(("VT", "VI", "BL", "XS"), "friendship_bridge_1"),
    "SV": "friendship_bridge_2",
    "KH": "friendship_bridge_3",
    **dict.fromkeys(("BK", "LM", "OU", "PH", "LP", "XA"), "friendship_bridge_4"),
    **dict.fromkeys(("CH", "SL", "XE", "AT"), "vang_tao"),
}
# Scam compounds: reached through Thailand.
THROUGH_THAILAND = {"MM", "KH"}
ONLINE = ("through_online_social_networks", "through_an_online_advertisement")
OFFLINE = ("through_friends_or_social_events", "through_family_or_family_events", "at_work", "at_a_place_of_business")
APPS = ("facebook", "facebookmessenger", "tiktok", "whatsapp", "line", "wechat", "telegram")
CONTROL = (
    "false_promises",
    "debt_bondage",
    "withholds_documents",
    "takes_earnings",
    "excessive_working_hours",
    "physical_threats",
    "psychological_abuse",
)
INDUSTRIES = (
    "accommodation_and_food_service_activities",
    "manufacturing",
    "agriculture_forestry_and_fishing",
    "construction",
    "wholesale_and_retail_trade_repair_of_motor_vehicles",
)
# The case's form of exploitation (casework.ExploitationForm) -> the journey's HTCDS codes.
FORMS: dict[str, dict[str, Any]] = {
    "sexual_exploitation": {"exploitation_types": ["sexual_exploitation"], "sex_exploitation_types": ["prostitution"]},
    "child_pornography": {"exploitation_types": ["sexual_exploitation"], "sex_exploitation_types": ["pornography"]},
    "domestic_servitude": {
        "exploitation_types": ["servitude"],
        "labour_industry": "activities_of_households_as_employers",
    },
    "forced_marriage": {"exploitation_types": ["forced_marriage"]},
    "forced_begging": {"exploitation_types": ["forced_begging"]},
    "child_labour": {"exploitation_types": ["child_labour"], "labour_industry": "agriculture_forestry_and_fishing"},
    "surrogacy": {"exploitation_types": ["surrogacy"]},
    "organ_removal": {"exploitation_types": ["organ_removal"]},
}
EXITS = (("rescued", 4), ("deported", 3), ("escaped", 2), ("rescued_by_ngo", 1))


def _candidates(limit: int) -> list[Case]:
    has_journey = Exists(JourneyEvent.objects.filter(case_id=OuterRef("pk")))
    return list(
        Case.objects.filter(category=CaseCategory.TRAFFICKING, assigned_worker__isnull=False)
        .exclude(status=CaseStatus.CLOSED)
        .exclude(has_journey)
        .select_related("assigned_worker", "person__origin_province", "person")
        .prefetch_related("exploitation_forms")
        .order_by("created_at", "id")[:limit]
    )


def _exploitation(rng: random.Random, case: Case, country: str) -> dict[str, Any]:
    forms = [form.code for form in case.exploitation_forms.all()]
    values: dict[str, Any] = {"methods_of_control": sorted(rng.sample(CONTROL, rng.randint(1, 3)))}
    if country in THROUGH_THAILAND or (forms == ["forced_labour"] and rng.random() < 0.25):
        return values | {
            "exploitation_types": ["forced_labour"],
            "labour_industry": "information_and_communication",
            "forced_criminality": ["online_scam"],
            "apps": ["telegram"],
        }
    for form in forms:
        if form in FORMS:
            return values | FORMS[form]
    return values | {"exploitation_types": ["forced_labour"], "labour_industry": rng.choice(INDUSTRIES)}


def _steps(rng: random.Random, case: Case, today: date) -> list[tuple[str, dict[str, Any]]]:
    """The journey's events in order: (stage, the service's keyword arguments)."""
    country = case.exploitation_country_id or "TH"
    end = min(case.identified_on, today)
    exploited_from = case.exploitation_started_on or end - timedelta(days=rng.randint(30, 400))
    exploited_until = min(case.exploitation_ended_on or end, end)
    recruited = exploited_from - timedelta(days=rng.randint(7, 60))
    online = rng.random() < 0.4
    province = case.person.origin_province
    home = province.name_en if province is not None else ""
    recruitment = {
        "country": "LA",
        "place": home,
        "started_on": recruited,
        "recruitment_methods": [rng.choice(ONLINE if online else OFFLINE)],
        "recruiter_relationship": rng.choice(("acquainted", "unaquainted") if online else ("familial", "acquainted")),
        "recruiter_roles": [rng.choice(("recruiter_or_intermediary", "broker_travel_agent"))],
        "promise": rng.choice(PROMISES),
    } | ({"apps": [rng.choice(APPS)]} if online else {})
    steps: list[tuple[str, dict[str, Any]]] = [(JourneyStage.RECRUITMENT, recruitment)]
    if country != "LA":
        first = "TH" if country in THROUGH_THAILAND or country not in BORDERS else country
        crossing: dict[str, Any] = {"crossed_border": True, "irregular_crossing": rng.random() < 0.3}
        if first == "TH" and province is not None and province.code in THAI_CROSSING:
            crossing["border_point"] = THAI_CROSSING[province.code]
        elif first in BORDERS:
            crossing["border_point"] = rng.choice(BORDERS[first])
        day = recruited + timedelta(days=rng.randint(1, 5))
        steps.append((JourneyStage.TRANSIT, {"country": first, "started_on": day, "ended_on": day} | crossing))
        if first != country:
            steps.append(
                (
                    JourneyStage.TRANSIT,
                    {
                        "country": country,
                        "started_on": exploited_from,
                        "ended_on": exploited_from,
                        "crossed_border": True,
                    },
                )
            )
    exploitation = {"country": country, "started_on": exploited_from, "ended_on": max(exploited_from, exploited_until)}
    steps.append((JourneyStage.EXPLOITATION, exploitation | _exploitation(rng, case, country)))
    exit_kind = rng.choices([kind for kind, _w in EXITS], [weight for _k, weight in EXITS])[0]
    exit_day = max(exploited_from, exploited_until)
    steps.append((JourneyStage.EXIT, {"country": country, "started_on": exit_day, "exit_kind": exit_kind}))
    return steps


def demo_journeys(*, seed: int = 2026, limit: int = MAX_CASES) -> Counter[str]:
    """Record the journeys (and half of the HTCDS consents); returns the rows added by kind."""
    rng = random.Random(f"pathway-demo-journeys:{seed}")
    today = timezone.localdate()
    recipient = Organisation.objects.filter(code=HTCDS_RECIPIENT).first()
    countries = Country.objects.in_bulk()
    border_points = BorderPoint.objects.in_bulk(field_name="code")
    added: Counter[str] = Counter()
    for case in _candidates(limit):
        worker = case.assigned_worker
        if worker is None or not permissions.change_journey.allows(worker, case):
            continue
        for stage, values in _steps(rng, case, today):
            values["country"] = countries[values["country"]]
            if "border_point" in values:
                values["border_point"] = border_points[values["border_point"]]
            journey_event_add(actor=worker, case=case, stage=stage, **values)
            added["journey events"] += 1
        added["journeys"] += 1
        if recipient is None or rng.random() >= CONSENT_SHARE:
            continue
        child = is_child_for_consent(case.person, today)
        consent_record(
            actor=worker,
            case=case,
            recipient=recipient,
            data_categories=[DataCategory.HTCDS],
            service_types=[],
            purpose=HTCDS_PURPOSE,
            given_by=ConsentGivenBy.BEST_INTEREST if child else ConsentGivenBy.PERSON,
            best_interest_reason=BEST_INTEREST if child else "",
        )
        added["htcds consents"] += 1
    return added
