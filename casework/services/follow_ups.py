"""Follow-up visits after reintegration: which policy a case follows, planning its visits,
re-planning those still to come when the policy changes, and recording a visit.

A policy change never touches what already happened: recorded visits and visits already due
(overdue ones are still to be done) stay; only visits due after today and not recorded are
replaced by the new cadence's, counted from the same return home (FollowUpVisit.reintegrated_on);
a visit a worker moved to another day keeps its day while its planned slot stays in the cadence.
A removed visit's open reminders close at the next resolution pass (casework/reminders.py)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions as account_permissions
from accounts.actors import Staff
from accounts.models import AuditAction, Organisation
from accounts.services import audit_record
from casework import permissions
from casework.cadence import validate_months, visit_dates
from casework.models import Case, FollowUpPolicy, FollowUpVisit
from casework.services.common import record, require, validate
from core.errors import ApplicationError, Conflict, PermissionDenied
from core.validation import required_text
from notifications import permissions as notification_permissions
from notifications.engine import resolve_about


def policy_for(case: Case) -> FollowUpPolicy | None:
    """The policy the case plan chose, else the owner organisation's own cadence, else the
    shared default."""
    return (
        FollowUpPolicy.objects.filter(caseplan__case=case).first()
        or FollowUpPolicy.objects.filter(organisation_id=case.owner_id).first()
        or FollowUpPolicy.objects.filter(is_default=True).first()
    )


def follow_ups_schedule(*, case: Case, start: date, policy: FollowUpPolicy | None = None) -> int:
    """Create the visits of the case's policy counted from `start`, the day of the return home
    (idempotent: a date already scheduled is kept). Called by the services that end a
    repatriation in reintegration; returns how many are new."""
    policy = policy or policy_for(case)
    if policy is None:
        return 0
    visits = [FollowUpVisit(case=case, reintegrated_on=start, due_on=due) for due in visit_dates(policy.months, start)]
    before = case.follow_ups.count()
    FollowUpVisit.objects.bulk_create(visits, ignore_conflicts=True)
    return case.follow_ups.count() - before


def follow_ups_replan(*, actor: Staff, case: Case, today: date | None = None) -> tuple[int, int]:
    """Make the visits still to come follow the case's policy now; (added, removed). Writes the
    timeline and audit rows only when something changed."""
    policy = policy_for(case)
    today = today or timezone.localdate()
    if policy is None:
        return 0, 0
    starts = {
        start
        for start in case.follow_ups.filter(reintegrated_on__isnull=False)
        .values_list("reintegrated_on", flat=True)
        .distinct()
        if start is not None
    }
    planned = {(start, due) for start in starts for due in visit_dates(policy.months, start) if due > today}
    to_come = _to_come(today).filter(case=case)
    # A visit moved to another day (follow_up_reschedule) holds the slot it was planned for.
    current = {(visit.reintegrated_on, visit.rescheduled_from or visit.due_on): visit.pk for visit in to_come}
    removed = [pk for key, pk in current.items() if key not in planned]
    FollowUpVisit.objects.filter(pk__in=removed).delete()
    before = case.follow_ups.count()
    FollowUpVisit.objects.bulk_create(
        [FollowUpVisit(case=case, reintegrated_on=start, due_on=due) for start, due in planned - current.keys()],
        ignore_conflicts=True,
    )
    added = case.follow_ups.count() - before
    if added or removed:
        record(case, actor, "follow_ups_replanned", follow_up_policy=policy.pk, added=added, removed=len(removed))
    return added, len(removed)


def _to_come(today: date) -> QuerySet[FollowUpVisit]:
    """Visits a policy change may move: not recorded, due after today, from a known return home."""
    return FollowUpVisit.objects.filter(done_on__isnull=True, due_on__gt=today, reintegrated_on__isnull=False)


def _cases_following(policy: FollowUpPolicy, today: date) -> QuerySet[Case]:
    """The cases whose visits to come follow `policy` (see policy_for)."""
    unchosen = Q(plan__isnull=True) | Q(plan__follow_up_policy__isnull=True)
    following = Q(plan__follow_up_policy=policy)
    if policy.organisation_id:
        following |= unchosen & Q(owner_id=policy.organisation_id)
    elif policy.is_default:
        following |= unchosen & Q(owner__follow_up_policy__isnull=True)
    return Case.objects.filter(following).filter(Exists(_to_come(today).filter(case=OuterRef("pk"))))


def _replan_following(actor: Staff, policy: FollowUpPolicy) -> int:
    """Re-plan every case that follows `policy`; how many cases changed."""
    today = timezone.localdate()
    return sum(
        any(follow_ups_replan(actor=actor, case=case, today=today))
        for case in _cases_following(policy, today).order_by("pk")
    )


@transaction.atomic
def organisation_cadence_save(*, actor: Staff, organisation: Organisation, months: list[int]) -> FollowUpPolicy:
    """An organisation's own cadence (its managers, on the reminder rules page): used by its
    cases whose plan chose no policy; their visits still to come are re-planned."""
    if not notification_permissions.can_manage_reminders_of(actor, organisation):
        raise PermissionDenied(_("Only the organisation's managers can change its follow-up visits."))
    try:
        validate_months(months)
    except ValidationError as error:
        raise ApplicationError(_("Correct the follow-up visits."), fields={"months": error.messages}) from error
    policy, created = FollowUpPolicy.objects.select_for_update().get_or_create(
        organisation=organisation,
        defaults={"code": f"org-{organisation.pk}", "name_en": f"Own cadence of {organisation.code}", "months": months},
    )
    if not created:
        policy.months = months
        policy.save(update_fields=["months"])
    action = AuditAction.CREATE if created else AuditAction.UPDATE
    audit_record(actor=actor, action=action, obj=policy, fields=["months"])
    _replan_following(actor, policy)
    return policy


@transaction.atomic
def follow_up_policy_save(*, actor: Staff, policy: FollowUpPolicy, created: bool) -> FollowUpPolicy:
    """A policy as an administrator edits it in the admin: validated, audited, and the cases that
    follow it re-planned."""
    if not account_permissions.change_organisation.allows(actor, None):
        raise PermissionDenied(_("Only an administrator changes the shared follow-up policies."))
    validate(policy)
    policy.save()
    audit_record(actor=actor, action=AuditAction.CREATE if created else AuditAction.UPDATE, obj=policy)
    _replan_following(actor, policy)
    return policy


VISIT_REMINDERS = ("follow_up_due", "follow_up_overdue")  # casework/reminders.py


@transaction.atomic
def follow_up_record(
    *,
    actor: Staff,
    visit: FollowUpVisit,
    done_on: date,
    notes: str = "",
    place: str = "",
    met_with: str = "",
    wellbeing: str = "",
    next_step: str = "",
) -> FollowUpVisit:
    """Record a visit as done, with what the worker found; its reminders close at once."""
    require(permissions.change_case, actor, visit.case, _("You cannot record visits on this case."))
    if done_on > timezone.localdate():
        raise ApplicationError(
            _("Please correct the errors below."), fields={"done_on": [_("This date is in the future.")]}
        )
    findings = {"notes": notes, "place": place, "met_with": met_with, "wellbeing": wellbeing, "next_step": next_step}
    validate(FollowUpVisit(case=visit.case, due_on=visit.due_on, done_on=done_on, **findings), exclude=["case"])
    if (
        FollowUpVisit.objects.filter(pk=visit.pk, done_on__isnull=True).update(
            done_on=done_on, done_by=actor, **findings
        )
        != 1
    ):
        raise ApplicationError(_("This visit was already recorded."), fields={"done_on": [_("Already recorded.")]})
    visit.refresh_from_db()
    resolve_about(rules=VISIT_REMINDERS, object_id=visit.pk)
    record(visit.case, actor, "follow_up_recorded", obj=visit, due_on=visit.due_on.isoformat())
    return visit


@transaction.atomic
def follow_up_reschedule(*, actor: Staff, visit: FollowUpVisit, due_on: date, reason: str) -> FollowUpVisit:
    """Move a visit not yet made to another day, with the reason (kept on the visit and in the
    audit row); its open reminders close, and the new day brings new ones."""
    require(permissions.change_case, actor, visit.case, _("You cannot reschedule visits on this case."))
    required_text(reason, field="reason", message=_("Say why the visit moves."))
    errors: dict[str, list[str]] = {}
    if due_on < timezone.localdate():
        errors["due_on"] = [_("The new day is in the past.")]
    elif due_on == visit.due_on:
        errors["due_on"] = [_("The visit is already due that day.")]
    elif FollowUpVisit.objects.filter(case_id=visit.case_id, due_on=due_on).exists():
        errors["due_on"] = [_("Another visit is due that day.")]
    if errors:
        raise ApplicationError(_("Please correct the errors below."), fields=errors)
    validate(FollowUpVisit(case=visit.case, due_on=due_on, reschedule_reason=reason), exclude=["case"])
    before = visit.due_on
    moved = FollowUpVisit.objects.filter(pk=visit.pk, done_on__isnull=True, due_on=before).update(
        due_on=due_on, rescheduled_from=visit.rescheduled_from or before, reschedule_reason=reason
    )
    if moved != 1:
        raise Conflict(_("This record was changed by someone else. Reload it and try again."))
    visit.refresh_from_db()
    resolve_about(rules=VISIT_REMINDERS, object_id=visit.pk)
    record(
        visit.case,
        actor,
        "follow_up_rescheduled",
        obj=visit,
        fields=["due_on", "reschedule_reason"],
        reason=reason,
        due_on=due_on.isoformat(),
        was_due_on=before.isoformat(),
    )
    return visit
