"""Every write a staff member can make has a page (issue 16): social workers do not use the API.

The list of writes is derived from the code, not kept by hand: every POST/PUT/PATCH/DELETE
action of the staff API (`/api/v1/`, the partner API excluded: partners' systems are its users)
is found through the URL resolver. Each must name the page route that does the same write
(`PAGE_FOR`), or be one of the few writes that are deliberately API-only (`API_ONLY`, each with
its reason). A page route must exist and be linked from a template, so it cannot be a page that
only someone who types its address finds.

A second check reads every service module: a public service function that nothing calls
(outside tests and seeds) is a capability no user can reach, as `case_share_revoke` was.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.test_layering import APPS as LAYERED_APPS

ROOT = Path(__file__).resolve().parent.parent
# The product apps, as the layering test lists them (one list: a new app is read here too); core is
# read separately below, the seeds are no caller.
APPS = [app for app in LAYERED_APPS if app not in ("core", "seeds")]
WRITES = {"post", "put", "patch", "delete"}

# (API basename, action) -> the page route that makes the same write through the same service.
PAGE_FOR: dict[tuple[str, str], str] = {
    ("case", "create"): "casework:intake",
    ("note", "create"): "casework:note-add",
    ("service", "create"): "casework:service-add",
    ("attachment", "create"): "casework:attachment-upload",
    ("attachment", "delete_file"): "casework:attachment-delete",
    ("case", "request_closure"): "casework:closure-request",
    ("case", "approve_closure"): "manage:closure-decide",
    ("case", "reject_closure"): "manage:closure-decide",
    ("case", "partial_update"): "casework:case-edit",
    ("case", "assign"): "casework:case-assign",
    ("case", "share"): "casework:case-shares",
    ("case", "revoke_share"): "casework:share-revoke",
    ("case", "transfer"): "casework:case-transfer",
    ("transfer", "accept"): "casework:transfer-decide",
    ("transfer", "decline"): "casework:transfer-decide",
    ("transfer", "cancel"): "casework:transfer-cancel",
    ("case", "request_reopen"): "casework:reopen-request",
    ("case", "approve_reopen"): "manage:reopen-decide",
    ("case", "reject_reopen"): "manage:reopen-decide",
    ("person", "partial_update"): "casework:person-edit",
    ("person", "family"): "casework:family-add",
    ("person", "family_member"): "casework:family-edit",
    ("person", "merge"): "casework:person-merge",
    ("journey-event", "create"): "casework:journey-add",
    ("journey-event", "partial_update"): "casework:journey-edit",
    ("journey-event", "destroy"): "casework:journey-remove",
    ("case-flag", "create"): "casework:flag-raise",
    ("assessment", "create"): "casework:assessment-new",
    ("best-interests", "create"): "casework:best-interests-new",
    ("case-flag", "clear"): "casework:flag-clear",
    ("case-perpetrator", "create"): "casework:perpetrator-add",
    ("case-perpetrator", "partial_update"): "casework:perpetrator-edit",
    ("case-perpetrator", "destroy"): "casework:perpetrator-unlink",
    ("proceeding", "create"): "casework:proceeding-add",
    ("proceeding", "partial_update"): "casework:proceeding-edit",
    ("proceeding", "move"): "casework:proceeding-move",
    ("hearing", "create"): "casework:hearing-add",
    ("hearing", "partial_update"): "casework:hearing-edit",
    ("hearing", "destroy"): "casework:hearing-remove",
    ("case-group", "create"): "casework:case-link",
    ("case-group", "add"): "casework:group-detail",
    ("case-group", "remove"): "casework:group-remove",
    ("case-group", "act"): "casework:group-act",
    ("case", "plan"): "casework:plan-save",
    ("plan", "submit"): "casework:plan-submit",
    ("plan", "approve"): "casework:plan-decide",
    ("plan", "return_plan"): "casework:plan-decide",
    ("service", "set_status"): "casework:service-status",
    ("follow-up", "record"): "casework:follow-up-record",
    ("follow-up", "reschedule"): "casework:follow-up-reschedule",
    ("screening", "create"): "casework:screening-new",
    ("screening", "evaluate"): "casework:screening-evaluate",
    ("repatriation", "create"): "casework:repatriation-start",
    ("repatriation", "family_assessment"): "casework:repatriation-family-assessment",
    ("repatriation", "return_decision"): "casework:repatriation-return-decision",
    ("repatriation", "await_legal_proceedings"): "casework:repatriation-await-legal-proceedings",
    ("repatriation", "resume"): "casework:repatriation-resume",
    ("repatriation", "cancel"): "casework:repatriation-cancel",
    ("repatriation-step", "start"): "casework:step-update",
    ("repatriation-step", "complete"): "casework:step-update",
    ("repatriation-step", "skip"): "casework:step-update",
    ("repatriation-step", "block"): "casework:step-update",
    ("repatriation-step", "unblock"): "casework:step-update",
    ("stay", "create"): "shelters:admit",
    ("stay", "move_bed"): "shelters:move-bed",
    ("stay", "planned_discharge"): "shelters:planned-discharge",
    ("non-residential", "create"): "shelters:non-residential",
    ("admission-request", "create"): "shelters:request-admission",
    ("admission-request", "accept"): "shelters:request-accept",
    ("admission-request", "decline"): "shelters:request-decline",
    ("register-import", "create"): "shelters:import",
    ("register-import", "confirm"): "shelters:import-confirm",
    ("register-import", "undo"): "shelters:import-undo",
    ("screening", "confirm"): "casework:screening-confirm",
    ("screening", "opt_in"): "casework:screening-opt-in",
    ("stay", "discharge"): "shelters:discharge",
    ("stay", "transfer"): "shelters:transfer",
    ("bed", "out_of_service"): "shelters:bed-out-of-service",
    ("bed-outage", "end"): "shelters:outage-end",
    ("bed", "retire"): "shelters:bed-retire",
    ("shelter", "create"): "shelters:new",
    ("shelter", "partial_update"): "shelters:edit",
    ("shelter", "rooms"): "shelters:room-add",
    ("shelter", "beds"): "shelters:beds-add",
    ("shelter", "post_staff"): "shelters:staff-post",
    ("shelter", "unpost_staff"): "shelters:staff-unpost",
    ("webhook", "create"): "partner-webhooks",
    ("webhook", "deactivate"): "partner-webhooks",
    ("referral", "create"): "referrals:create",
    ("referral", "partial_update"): "referrals:create",
    ("referral", "send"): "referrals:act",
    ("referral", "withdraw"): "referrals:act",
    ("referral", "acknowledge"): "referrals:act",
    ("referral", "accept"): "referrals:act",
    ("referral", "decline"): "referrals:act",
    ("referral", "start"): "referrals:act",
    ("referral", "complete"): "referrals:act",
    ("referral", "close_without_service"): "referrals:act",
    ("referral", "notes"): "referrals:act",
    ("referral", "consent_override"): "referrals:override-request",
    ("consent", "create"): "referrals:consent-create",
    ("consent", "withdraw"): "referrals:consent-withdraw",
    ("consent-override", "approve"): "referrals:override-decide",
    ("consent-override", "reject"): "referrals:override-decide",
}

# Writes that are deliberately API-only, each with its reason.
API_ONLY: dict[tuple[str, str], str] = {
    ("case", "reopen"): (
        "a manager's one-step reopen, kept for API clients written before the four-eyes request; "
        "the pages reopen only by request and another manager's approval"
    ),
}


def api_writes() -> set[tuple[str, str]]:
    """(basename, action) of every write action routed under /api/v1/, the partner API excluded."""
    found: set[tuple[str, str]] = set()

    def walk(patterns: list, prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern) and prefix.startswith("api/v1/") and "partner/" not in prefix:
                actions = getattr(pattern.callback, "actions", None) or {}
                basename = pattern.callback.initkwargs.get("basename") if actions else None
                found.update((basename, action) for method, action in actions.items() if method in WRITES)

    walk(get_resolver().url_patterns, "")
    return found


def page_routes() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, namespace + (f"{pattern.namespace}:" if pattern.namespace else ""))
            elif pattern.name:
                names.add(namespace + pattern.name)

    walk(get_resolver().url_patterns, "")
    return names


def linked_routes() -> set[str]:
    """Route names that a template links to with {% url %}, that a view sends the browser to, or
    (namespaced names) that a view hands to a shared template as the form's target."""
    text = "\n".join(path.read_text() for path in (ROOT / "templates").rglob("*.html"))
    text += "\n".join(path.read_text() for app in APPS for path in (ROOT / app).rglob("*.py"))
    linked = set(re.findall(r"""(?:\{%\s*url|reverse(?:_lazy)?\(|redirect\()\s*['"]([\w:-]+)['"]""", text))
    return linked | set(re.findall(r"""['"]([\w-]+:[\w-]+)['"]""", text))


def test_every_staff_api_write_has_a_page_or_a_reason():
    missing = sorted(api_writes() - PAGE_FOR.keys() - API_ONLY.keys())
    assert missing == [], f"staff API writes with no page (add one, then a PAGE_FOR row): {missing}"


def test_the_lists_name_only_writes_that_exist():
    stale = sorted((PAGE_FOR.keys() | API_ONLY.keys()) - api_writes())
    assert stale == []
    assert not PAGE_FOR.keys() & API_ONLY.keys()


@pytest.mark.parametrize("route", sorted(set(PAGE_FOR.values())))
def test_each_page_exists_and_is_linked(route):
    assert route in page_routes()
    assert route in linked_routes(), f"{route} is reachable only by typing its address"


def public_services() -> dict[str, str]:
    """name -> module of every public function defined in a services module of an app."""
    found = {}
    for app in APPS:
        paths = [*(ROOT / app).glob("services.py"), *(ROOT / app / "services").glob("*.py")]
        for path in paths:
            for node in ast.parse(path.read_text()).body:
                if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                    found[node.name] = str(path.relative_to(ROOT))
    return found


def called_names() -> set[str]:
    """Every name called or referred to as an attribute anywhere in the apps and config (tests and
    seeds left out: a capability only they use is no capability)."""
    names: set[str] = set()
    for folder in [*APPS, "config", "core"]:
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Attribute):
                    names.add(node.attr)
                elif isinstance(node, ast.Name):
                    names.add(node.id)
    return names


# Services that only the seeds call today, each with the reason.
NOT_YET_REACHABLE = {
    "organisation_create": "issue 18: administration in the product (Django admin creates organisations)",
    "user_set_roles": "issue 18: administration in the product (Django admin sets roles)",
}


def test_every_service_has_a_caller():
    services = public_services()
    uncalled = sorted(
        f"{services[name]}: {name}" for name in services.keys() - called_names() - NOT_YET_REACHABLE.keys()
    )
    assert uncalled == []
    assert NOT_YET_REACHABLE.keys() <= services.keys()


# GET pages that no link leads to, each with its reason.
UNLINKED_PAGES = {
    "password-set": "opened from the link in the e-mail that sets or resets a password",
    "two_factor:verify": "the second-factor middleware sends the user there after the password",
    "offline:api-cases": "JSON the field app fetches (static/offline/sync.js), not a page",
    "offline:api-reference": "JSON the field app fetches at every online start, not a page",
    "offline:api-session": "JSON the field app fetches at every online start, not a page",
    "crossborder:directory-feed": "JSON a partner instance fetches with a signed request (docs/cross-border.md)",
}


def get_page_routes() -> set[str]:
    """Named routes of the pages people open in a browser (GET), from the access matrix: the API,
    its schema and viewers, the health probes and the admin left out."""
    from tests.test_access_matrix import ROWS

    machine = {"schema", "healthz", "readyz", "statistics:chart"}
    return {
        row.name for row in ROWS if row.method == "get" and not row.name.startswith("v1:") and row.name not in machine
    }


def test_every_page_is_linked_from_somewhere():
    """Issue 17: no page of the app is reachable only by typing its address."""
    unlinked = sorted(get_page_routes() - linked_routes() - UNLINKED_PAGES.keys())
    assert unlinked == [], f"pages no link leads to (add a link, or a reason to UNLINKED_PAGES): {unlinked}"
    assert UNLINKED_PAGES.keys() <= get_page_routes()
