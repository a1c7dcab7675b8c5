"""Readable names for the codes the casework pages show: timeline events and repatriation steps."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from casework.repatriation_flows import FLOWS

register = template.Library()

EVENTS = {
    "case_opened": _("Case opened"),
    "case_updated": _("Case details changed"),
    "case_assigned": _("Case assigned"),
    "case_shared": _("Case shared with another organisation"),
    "case_share_revoked": _("Sharing ended"),
    "transfer_requested": _("Transfer requested"),
    "transfer_accepted": _("Transfer accepted"),
    "transfer_declined": _("Transfer declined"),
    "transfer_cancelled": _("Transfer cancelled"),
    "closure_requested": _("Closure requested"),
    "closure_rejected": _("Closure refused: the case stays open"),
    "case_closed": _("Case closed"),
    "case_reopened": _("Case reopened"),
    "person_updated": _("Person's details changed"),
    "family_member_added": _("Family member added"),
    "person_merged": _("Records of the same person merged"),
    "merged_into": _("Merged into another record"),
    "screening_recorded": _("Screening recorded"),
    "screening_decided": _("Screening decided by a deciding body"),
    "screening_opted_in": _("The person chose to be interviewed"),
    "service_added": _("Service added"),
    "service_status_changed": _("Service status changed"),
    "note_added": _("Note added"),
    "plan_saved": _("Case plan saved"),
    "plan_submitted": _("Case plan submitted for approval"),
    "plan_approved": _("Case plan approved"),
    "plan_returned": _("Case plan returned for changes"),
    "follow_up_recorded": _("Follow-up visit recorded"),
    "follow_ups_replanned": _("Follow-up visits re-planned"),
    "repatriation_started": _("Repatriation started"),
    "repatriation_step_started": _("Repatriation step started"),
    "repatriation_step_done": _("Repatriation step done"),
    "repatriation_step_skipped": _("Repatriation step skipped"),
    "repatriation_step_blocked": _("Repatriation step blocked"),
    "repatriation_step_unblocked": _("Repatriation step unblocked"),
    "repatriation_awaiting_legal_proceedings": _("Repatriation waits for legal proceedings"),
    "repatriation_resumed": _("Repatriation resumed"),
    "repatriation_cancelled": _("Repatriation cancelled"),
    "repatriation_completed": _("Repatriation completed"),
    "break_glass": _("Opened through emergency access"),
}
_STEP_TITLES = {step.code: (step.title_en, step.title_lo) for steps in FLOWS.values() for step in steps}


@register.filter
def event_label(kind: str) -> str:
    """A timeline event's name; an event kind added later shows as its code until named here."""
    return str(EVENTS.get(kind, kind))


@register.filter
def step_title(step: Any) -> str:
    """A repatriation step's title in the page's language (the flows carry both)."""
    english, lao = _STEP_TITLES.get(step.code, (step.code, ""))
    return lao if (get_language() or "").startswith("lo") and lao else english


@register.filter
def person_name(person: Any) -> str:
    """The names in both scripts, Lao first ("ນ້ອຍ ທົດລອງ · Noy Thodlong"); for lists, where an
    include per row would cost more than the row."""
    lao = f"{person.given_name_lo} {person.family_name_lo}".strip()
    latin = f"{person.given_name_latin} {person.family_name_latin}".strip()
    return " · ".join(part for part in (lao, latin) if part)
