"""One action for every case of a group (issue 20.5): five people returned together admitted to
a shelter, referred, or moved through a repatriation step at once. All or nothing, in one
transaction: each case goes through the owning app's own service (registered as an
extensions.GroupAction), so every rule is applied once per case; a case refused is named by its
code with the service's reason, and then nothing is saved for any case. Only the members the
actor sees in their own scope are acted on (the others are not there for them)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.actors import Staff
from accounts.models import AuditAction
from accounts.services import audit_record
from casework import extensions, permissions
from casework.models import Case, CaseGroup
from core.errors import ApplicationError, not_found


@dataclass(frozen=True)
class CaseResult:
    case_id: Any
    case_code: str
    done: bool
    message: str


class GroupRefused(ApplicationError):
    """One case or more was refused: nothing was saved. `results` says what each case got."""

    def __init__(self, results: list[CaseResult]) -> None:
        refused = [f"{result.case_code}: {result.message}" for result in results if not result.done]
        message = _("Nothing was saved: %(n)d case(s) refused.") % {"n": len(refused)}
        super().__init__(message, fields={"cases": refused})
        self.results = results


def group_cases(actor: Any, group: CaseGroup, case_ids: Iterable[Any] | None = None) -> list[Case]:
    """The group's members in the actor's own scope (or those of them named), by case code."""
    cases = list(
        permissions.case_in_scope.scope(actor, Case.objects.select_related("person"))
        .filter(group_memberships__group=group)
        .order_by("person__case_code", "created_at")
    )
    if case_ids is not None:
        wanted = {str(pk) for pk in case_ids}
        if not wanted or not wanted <= {str(case.pk) for case in cases}:
            raise not_found("cases")
        cases = [case for case in cases if str(case.pk) in wanted]
    return cases


def _message(error: ApplicationError) -> str:
    details = [message for messages in error.fields.values() for message in messages]
    return " ".join(str(m) for m in dict.fromkeys(details)) if details else str(error.message)


@transaction.atomic
def case_group_act(
    *, actor: Staff, group: CaseGroup, action: str, data: dict[str, Any], case_ids: Iterable[Any] | None = None
) -> list[CaseResult]:
    """Run the action on each case (data: the action form's cleaned data); GroupRefused when any
    case is refused, after trying every case so that the page lists every refusal at once."""
    permissions.view_case_group.require(actor, group, _("You cannot act on this group."))
    chosen = extensions.GROUP_ACTIONS.get(action)
    if chosen is None or not chosen.offered(actor):
        raise ApplicationError(_("Please correct the errors below."), fields={"action": [_("Choose an action.")]})
    cases = group_cases(actor, group, case_ids)
    if not cases:
        raise ApplicationError(_("No case of this group to act on."), fields={"cases": [_("No case to act on.")]})
    results = []
    for case in cases:
        try:
            with transaction.atomic():
                results.append(CaseResult(case.pk, case.person.case_code, True, chosen.run(actor, case, data)))
        except ApplicationError as error:
            results.append(CaseResult(case.pk, case.person.case_code, False, _message(error)))
    if not all(result.done for result in results):
        raise GroupRefused(results)
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=group, fields=[f"action:{action}"])
    return results
