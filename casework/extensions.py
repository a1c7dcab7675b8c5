"""Places where apps that build on casework (shelters, referrals, reminders) add to its pages
and its data protection without casework importing them: a tab of the case page, a panel of
the dashboard, the records each app holds about a person (PersonRecords), and the cases an
app addresses to an organisation (a referral sent to it: `referred_cases`), and what an app
still has open on a case when its closure is requested (`closure_warnings`).

Each app registers in its AppConfig.ready(); the `context` function gets the request (and the
case, for a tab), calls that app's own selectors (scoped and audited there) and returns the
template's context, or None to show nothing (the user may not see that kind of record)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.http import HttpRequest


@dataclass(frozen=True)
class CaseTab:
    key: str
    label: Any  # a lazy translation
    template: str
    context: Callable[[HttpRequest, Any], dict[str, Any] | None]
    position: int


@dataclass(frozen=True)
class DashboardPanel:
    key: str
    template: str
    context: Callable[[HttpRequest], dict[str, Any] | None]
    position: int


@dataclass(frozen=True)
class ManagerDecision:
    """A kind of request waiting for a manager's decision, counted on the manager's home page and
    linked to the page where it is decided. `count(user)` counts what waits for this manager."""

    key: str
    label: Any  # a lazy translation
    url_name: str
    count: Callable[[Any], int]
    position: int


@dataclass(frozen=True)
class PersonRecords:
    """What one app holds about people. `collect(person, case_ids)` returns {section: [records]}
    of the person on those cases (the ones the exporting manager may see) for a subject access
    export; `anonymise(person_ids)` clears that app's personal data of those people (and its row
    history) for the retention rule, keeping what the statistics count. Both run inside
    casework's transaction, which writes the audit rows."""

    key: str
    collect: Callable[[Any, list[Any]], dict[str, list[dict[str, Any]]]]
    anonymise: Callable[[list[Any]], None]


CASE_TABS: dict[str, CaseTab] = {}
DASHBOARD_PANELS: dict[str, DashboardPanel] = {}
MANAGER_DECISIONS: dict[str, ManagerDecision] = {}
PERSON_RECORDS: dict[str, PersonRecords] = {}
# key -> function(organisation ids or a subquery of them, service type code) -> Q over Case
CASE_REFERRALS: dict[str, Callable[[Any, str], Q]] = {}
# key -> function(case) -> a warning (or None) shown before a closure is requested
CLOSURE_WARNINGS: dict[str, Callable[[Any], str | None]] = {}
# key -> function(actor, step) called, in the step's transaction, when a member of staff
# completes a repatriation step (crossborder tells the partner instance)
STEP_DONE: dict[str, Callable[[Any, Any], None]] = {}
# key -> function(actor, repatriation) called, in the start's transaction, when a repatriation
# starts (crossborder completes the steps a partner instance already reported)
REPATRIATION_STARTED: dict[str, Callable[[Any, Any], None]] = {}


def register_case_tab(tab: CaseTab) -> None:
    CASE_TABS[tab.key] = tab


def register_dashboard_panel(panel: DashboardPanel) -> None:
    DASHBOARD_PANELS[panel.key] = panel


def register_manager_decision(decision: ManagerDecision) -> None:
    MANAGER_DECISIONS[decision.key] = decision


def register_person_records(records: PersonRecords) -> None:
    PERSON_RECORDS[records.key] = records


def register_case_referrals(key: str, cases: Callable[[Any, str], Q]) -> None:
    CASE_REFERRALS[key] = cases


def referred_cases(organisation_ids: Any, service_type: str) -> Q:
    """Cases referred to one of these organisations for this service (a filter over Case) and
    still waiting for it or receiving it, from every app that refers cases."""
    q = Q(pk__in=[])
    for cases in CASE_REFERRALS.values():
        q |= cases(organisation_ids, service_type)
    return q


def dashboard_panels(request: HttpRequest) -> list[tuple[str, dict[str, Any]]]:
    """(template, context) of every panel that has something for this user, in order."""
    shown = []
    for panel in sorted(DASHBOARD_PANELS.values(), key=lambda p: p.position):
        context = panel.context(request)
        if context is not None:
            shown.append((panel.template, context))
    return shown


def register_step_done(key: str, listener: Callable[[Any, Any], None]) -> None:
    STEP_DONE[key] = listener


def register_repatriation_started(key: str, listener: Callable[[Any, Any], None]) -> None:
    REPATRIATION_STARTED[key] = listener


def register_closure_warning(key: str, warning: Callable[[Any], str | None]) -> None:
    CLOSURE_WARNINGS[key] = warning


def closure_warnings(case: Any) -> list[str]:
    """What is still open on the case (a stay, a referral, a repatriation), from every app, for
    the worker to settle or mention before asking for the closure: warnings, not refusals."""
    return [message for warning in CLOSURE_WARNINGS.values() if (message := warning(case))]


@dataclass(frozen=True)
class AttachmentOwner:
    """A kind of record files can be attached to (casework.attachments), registered by the app that
    holds it. `resolve(user, id)` returns the record if the user may see it (raises NotFound
    otherwise); `where(record)` says whose it is: (person, case or None, whether it is health
    data); `may_add(user, record)` whether the user may attach a file to it; `choices(user, case)`
    the records of a case the user may attach to, with their labels, for the upload form.

    `also_visible` / `also_filter` (predicate and filter over Attachment, side by side) widen who
    reads the owner's files beyond the case's readers: a referral's receiver, a stay's shelter."""

    key: str
    label: Any  # a lazy translation
    resolve: Callable[[Any, Any], Any]
    where: Callable[[Any], tuple[Any, Any, bool]]
    may_add: Callable[[Any, Any], bool]
    choices: Callable[[Any, Any], list[tuple[Any, str]]]
    position: int
    also_visible: Callable[[Any, Any], bool] | None = None
    also_filter: Callable[[Any], Q] | None = None


ATTACHMENT_OWNERS: dict[str, AttachmentOwner] = {}


def register_attachment_owner(owner: AttachmentOwner) -> None:
    ATTACHMENT_OWNERS[owner.key] = owner


def attachment_owners() -> list[AttachmentOwner]:
    return sorted(ATTACHMENT_OWNERS.values(), key=lambda owner: owner.position)


@dataclass(frozen=True)
class GroupAction:
    """Something done to every case of a group in one action (casework.services.group_actions):
    admitting them to a shelter, referring them, completing a repatriation step. `form(user,
    data)` is the bound form of the action's fields (data None: unbound), also used to validate
    the API's `params`; `run(actor, case, cleaned_data)` calls that app's own service for one case
    and returns a short summary; `offered(user)` whether to offer it at all."""

    key: str
    label: Any  # a lazy translation
    form: Callable[[Any, Any], Any]
    run: Callable[[Any, Any, dict[str, Any]], str]
    offered: Callable[[Any], bool]
    position: int


GROUP_ACTIONS: dict[str, GroupAction] = {}


def register_group_action(action: GroupAction) -> None:
    GROUP_ACTIONS[action.key] = action


def group_actions(user: Any) -> list[GroupAction]:
    return sorted((a for a in GROUP_ACTIONS.values() if a.offered(user)), key=lambda a: a.position)
