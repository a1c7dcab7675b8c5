"""A working day under load (Locust): social workers, shelter staff, managers and partner clients,
each doing what they do all day through the same pages and API as people do.

The people sign in through the real login form (session and CSRF cookies, as a browser); the
partner clients pull the referral list with a bearer token. Configured by the environment, which
`bench/load/run.py` (and tests/test_load_smoke.py) set:

- LOAD_PASSWORD: the personas' password (the demo logins', seeds.demo.DEMO_PASSWORD, by default);
- LOAD_SHELTER: the code of the shelter the shelter staff persona is posted to;
- LOAD_PARTNER_TOKENS: comma-separated partner API tokens (one per client, reused round-robin);
- LOAD_EACH: when set, exactly this many people of each kind (Locust's `fixed_count`) instead of
  the weights, so that a short run with few users has every kind (the smoke test).

Run by hand: `locust -f bench/load/locustfile.py --host http://127.0.0.1:8000`.
"""

from __future__ import annotations

import itertools
import os
import random
import re
import uuid
from datetime import date, timedelta

from locust import HttpUser, between, constant, task

PASSWORD = os.environ.get("LOAD_PASSWORD", "pathway-demo-2026")
SHELTER = os.environ.get("LOAD_SHELTER", "lwu-cpc-vientiane")
TOKENS = itertools.cycle([token for token in os.environ.get("LOAD_PARTNER_TOKENS", "").split(",") if token] or [""])
CASE_LINK = re.compile(r'href="/cases/([0-9a-f-]{36})/')
TABS = ("person", "screening", "plan", "services", "notes", "follow_ups", "history")
EACH = int(os.environ.get("LOAD_EACH", "0"))
SEARCHES = ("Kham", "Phon", "Vong", "Souk", "Noy", "Bounmy", "Sisouk")


class Staff(HttpUser):
    """A person who signs in through the login form; `logins` are the personas shared out."""

    abstract = True
    fixed_count = EACH
    logins: tuple[str, ...] = ()
    wait_time = between(2, 8)

    def on_start(self) -> None:
        self.client.get("/accounts/login/", name="login form")
        self.username = username = random.choice(self.logins)
        with self.client.post(
            "/accounts/login/",
            data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": self._csrf()},
            headers={"Referer": self.host or ""},
            name="login",
            catch_response=True,
        ) as response:
            if "sessionid" not in self.client.cookies:
                response.failure(f"{username} could not sign in")

    def _csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")

    def post_form(self, url: str, data: dict[str, object], name: str) -> str:
        """POST a form as the browser does (CSRF token, Referer); the final URL after redirects."""
        response = self.client.post(
            url, data={**data, "csrfmiddlewaretoken": self._csrf()}, headers={"Referer": self.host or ""}, name=name
        )
        return response.url or ""


class SocialWorker(Staff):
    """Registers people, screens them, writes notes, searches and reads case pages."""

    weight = 50
    logins = ("social.worker", "counsellor")

    def on_start(self) -> None:
        super().on_start()
        self.cases: list[str] = []  # the cases this person sees (the list's first page)
        self.mine: list[str] = []  # the cases this person registered (and may write notes on)
        self.list_cases()

    @task(4)
    def list_cases(self) -> None:
        page = self.client.get("/cases/", name="case list").text
        found = CASE_LINK.findall(page)
        if found:
            self.cases = list(dict.fromkeys(found))

    @task(3)
    def search(self) -> None:
        self.client.get("/cases/", params={"search": random.choice(SEARCHES)}, name="case search")

    @task(6)
    def open_case(self) -> None:
        if self.cases:
            case = random.choice(self.cases)
            tab = random.choice(TABS)
            self.client.get(f"/cases/{case}/", params={"tab": tab}, name=f"case tab {tab}")

    @task(2)
    def dashboard(self) -> None:
        self.client.get("/", name="dashboard")

    @task(1)
    def register_and_screen(self) -> None:
        """Intake of a new (synthetic) person, then the screening interview and a first note."""
        self.client.get("/cases/new/", name="intake form")
        today = date.today()
        born = date(random.randint(1975, 2005), random.randint(1, 12), random.randint(1, 28))
        final = self.post_form(
            "/cases/new/",
            {
                "given_name_latin": random.choice(SEARCHES),
                "family_name_latin": f"Load{uuid.uuid4().hex[:10]}",
                "sex": random.choice(("female", "male")),
                "date_of_birth": born.isoformat(),
                "not_a_duplicate": "on",  # a look-alike in the demo data is offered, and confirmed as someone else
                "category": "trafficking",
                "identification_route": "police",
                "identified_on": (today - timedelta(days=2)).isoformat(),
            },
            name="register case",
        )
        match = re.search(r"/cases/([0-9a-f-]{36})/", final)
        if not match:
            return
        case = match.group(1)
        self.mine.append(case)
        self.client.get(f"/cases/{case}/screening/", name="screening form")
        self.post_form(
            f"/cases/{case}/screening/",
            {
                "place": "shelter",
                "screened_on": today.isoformat(),
                "indicators": ["act-recruited-by-third-party"],
                "outcome": "possible_victim",
                "override_reason": "Confirmed by the border office",
            },
            name="screen",
        )
        self.post_form(f"/cases/{case}/notes/", {"kind": "general", "text": "First visit."}, name="add note")

    @task(2)
    def note(self) -> None:
        if self.mine:
            case = random.choice(self.mine)
            self.post_form(f"/cases/{case}/notes/", {"kind": "general", "text": "Phoned the family."}, name="add note")


class ShelterStaff(Staff):
    """Keeps the bed board open and looks at the admission requests."""

    weight = 10
    logins = ("shelter.staff",)

    @task(5)
    def board(self) -> None:
        self.client.get(f"/shelters/{SHELTER}/board/", name="bed board")

    @task(1)
    def requests(self) -> None:
        self.client.get(f"/shelters/{SHELTER}/requests/", name="admission requests")

    @task(1)
    def shelters(self) -> None:
        self.client.get("/shelters/", name="shelter list")

    @task(1)
    def occupancy(self) -> None:
        self.client.get("/shelters/reports/occupancy/", name="occupancy report")


class Manager(Staff):
    """Runs the reports: occupancy (the national manager: a provincial office runs no shelter, and
    is refused it) and the statistics page, between looks at the dashboard."""

    weight = 5
    logins = ("manager", "national.manager")
    wait_time = between(5, 15)

    @task(2)
    def occupancy(self) -> None:
        if self.username == "national.manager":
            self.client.get("/shelters/reports/occupancy/", name="occupancy report")

    @task(2)
    def statistics(self) -> None:
        self.client.get("/statistics/", name="statistics page")

    @task(1)
    def dashboard(self) -> None:
        self.client.get("/", name="dashboard")


class PartnerClient(HttpUser):
    """A partner organisation's system pulling its referrals every few seconds."""

    weight = 3
    fixed_count = EACH
    wait_time = constant(5)

    def on_start(self) -> None:
        self.client.headers["Authorization"] = f"Bearer {next(TOKENS)}"

    @task
    def pull(self) -> None:
        self.client.get("/api/v1/partner/referrals/", name="partner API referrals")
