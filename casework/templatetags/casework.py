"""Readable names for the codes the casework pages show: timeline events and repatriation steps."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

from casework.duplicates import REASON_LABELS
from casework.repatriation_flows import FLOWS
from casework.timeline import CASE_EVENTS

register = template.Library()

# By flow and code: one code can read differently in two flows ("Handover at the border" from
# Thailand, "Handover to provincial police at Boten or Phou Lakkham" from China).
_STEP_TITLES = {(flow, step.code): (step.title_en, step.title_lo) for flow, steps in FLOWS.items() for step in steps}


@register.filter
def event_label(kind: str) -> str:
    """A timeline event's name in the page's language (casework.timeline)."""
    return CASE_EVENTS.label(kind)


@register.filter
def step_title(step: Any) -> str:
    """A repatriation step's title in the page's language (the flows carry both), as its
    repatriation's flow words it."""
    english, lao = _STEP_TITLES.get((step.repatriation.flow, step.code), (step.code, ""))
    return lao if (get_language() or "").startswith("lo") and lao else english


@register.filter
def duplicate_reasons(reasons: Any) -> str:
    """Why a record looks like a duplicate, in the page's language (casework.duplicates)."""
    return ", ".join(str(REASON_LABELS.get(reason, reason)) for reason in reasons)


@register.filter
def person_name(person: Any) -> str:
    """The names in both scripts, Lao first ("ນ້ອຍ ທົດລອງ · Noy Thodlong"); for lists, where an
    include per row would cost more than the row."""
    lao = f"{person.given_name_lo} {person.family_name_lo}".strip()
    latin = f"{person.given_name_latin} {person.family_name_latin}".strip()
    return " · ".join(part for part in (lao, latin) if part)
