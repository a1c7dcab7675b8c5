"""The case's timeline: the kinds of event each app writes on a case, with their labels, and the
one function that writes a timeline row. Casework registers its own kinds here; shelters and
referrals register theirs from their AppConfig.ready() (shelters/timeline.py,
referrals/timeline.py). The database refuses any other kind (core.timeline)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from accounts.actors import Actor, staff
from core import batch, record_labels
from core.timeline import EventKinds

CASE_EVENTS = EventKinds("casework_caseevent", constraint="case_event_kind_registered")

# What the audit trail calls casework's records (and the accounts it names: casework is the first
# app with an audit trail page).
record_labels.register(
    {
        "accounts.user": _("User account"),
        "casework.person": _("Person"),
        "casework.case": _("Case"),
        "casework.service": _("Service"),
        "casework.casenote": _("Note"),
        "casework.caseplan": _("Case plan"),
        "casework.followupvisit": _("Follow-up visit"),
        "casework.caseshare": _("Sharing with another organisation"),
        "casework.casetransfer": _("Transfer"),
        "casework.familymember": _("Family member"),
        "casework.repatriation": _("Repatriation"),
        "casework.repatriationstep": _("Repatriation step"),
        "casework.screening": _("Screening"),
        "casework.journeyevent": _("Step of the trafficking journey"),
        "casework.attachment": _("Attached file"),
        "casework.caseflag": _("Risk flag"),
        "casework.perpetrator": _("Perpetrator"),
        "casework.caseperpetrator": _("Perpetrator in a case"),
        "casework.legalproceeding": _("Legal proceedings"),
        "casework.hearing": _("Hearing"),
        "casework.assessment": _("Assessment"),
        "casework.bestinterestsdetermination": _("Best-interests determination"),
        "casework.questionnaireversion": _("Questionnaire version"),
        "casework.question": _("Question of a questionnaire"),
        "casework.casegroup": _("Group of linked cases"),
        "casework.casegroupmember": _("Linked case"),
    }
)

CASE_EVENTS.register(
    {
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
        "reopen_requested": _("Reopening requested"),
        "reopen_rejected": _("Reopening refused: the case stays closed"),
        "person_updated": _("Person's details changed"),
        "attachment_added": _("File attached"),
        "attachment_deleted": _("Attached file deleted"),
        "family_member_added": _("Family member added"),
        "family_member_changed": _("Family member's details changed"),
        "family_member_removed": _("Family member removed"),
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
        "follow_up_rescheduled": _("Follow-up visit moved to another day"),
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
        "family_assessment_recorded": _("Family assessment recorded"),
        "return_decided": _("Decision on the return recorded"),
        "journey_event_added": _("Step of the trafficking journey recorded"),
        "journey_event_changed": _("Step of the trafficking journey corrected"),
        "journey_event_removed": _("Step of the trafficking journey removed"),
        "flag_raised": _("Risk flag raised"),
        "case_linked": _("Case linked with other cases"),
        "case_unlinked": _("Case taken out of a group of linked cases"),
        "flag_cleared": _("Risk flag cleared"),
        "perpetrator_added": _("Perpetrator recorded"),
        "perpetrator_changed": _("Perpetrator's record corrected"),
        "perpetrator_linked": _("Known perpetrator linked to this case"),
        "perpetrator_unlinked": _("Perpetrator taken off this case"),
        "proceeding_opened": _("Legal proceedings recorded"),
        "proceeding_changed": _("Legal proceedings' details changed"),
        "proceeding_stage_changed": _("Legal proceedings moved to another stage"),
        "hearing_added": _("Hearing date recorded"),
        "hearing_changed": _("Hearing date changed"),
        "hearing_removed": _("Hearing removed"),
        "assessment_recorded": _("Assessment recorded"),
        "best_interests_determined": _("Best-interests determination recorded"),
    }
)


def write(case: Any, actor: Actor, kind: str, **data: Any) -> Any:
    """One timeline row, in the caller's transaction. `data` holds codes and ids, never names or
    free text. The row names the member of staff who acted; a partner system or Pathway itself
    leave it empty (the data says `via` which partner)."""
    from casework.models import CaseEvent

    row = CaseEvent(case_id=getattr(case, "pk", case), actor=staff(actor), kind=CASE_EVENTS.require(kind), data=data)
    if not batch.defer(row):  # in a batch (core.batch), written with the batch's other rows
        row.save(force_insert=True)
    return row
