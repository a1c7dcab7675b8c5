"""The minimal data set as the receiving worker reads it on the referral page: the disclosure
(referrals.selectors.disclosure, also the API's and partners' shape) carries codes; the page shows
their names in the reader's language. The API keeps the codes."""

from __future__ import annotations

from typing import Any

from accounts.models import District, Province
from casework.choices import CaseCategory, ScreeningOutcome, Sex
from casework.models import ExploitationForm, ServiceType
from core.pages import local_name


def _choice(choices: Any, code: Any) -> Any:
    return choices(code).label if code in choices.values else code


def _names(model: Any, codes: list[str]) -> list[str]:
    found = {row.pk: local_name(row) for row in model.objects.filter(pk__in=codes)}
    return [found.get(code, code) for code in codes]


def _name(model: Any, code: str | None) -> str:
    row = model.objects.filter(code=code).first() if code else None
    return local_name(row) if row else ""


def readable(disclosure: dict[str, Any]) -> dict[str, Any]:
    """A copy of the disclosure with names instead of codes (a query per looked-up list shown)."""
    shown = {key: dict(value) if isinstance(value, dict) else value for key, value in disclosure.items()}
    if identity := shown.get("identity"):
        identity["sex"] = _choice(Sex, identity.get("sex"))
    if origin := shown.get("origin"):
        origin["province"] = _name(Province, origin.get("province"))
        origin["district"] = _name(District, origin.get("district"))
    if summary := shown.get("case_summary"):
        summary["category"] = _choice(CaseCategory, summary.get("category"))
        summary["exploitation_forms"] = _names(ExploitationForm, summary.get("exploitation_forms") or [])
    if screening := shown.get("screening"):
        screening["outcome"] = _choice(ScreeningOutcome, screening.get("outcome")) if screening.get("outcome") else None
    if health := shown.get("health"):
        health["services"] = _names(ServiceType, health.get("services") or [])
    return shown
