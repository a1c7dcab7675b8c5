"""The access matrix (docs/design/access.md): every role x every route x an object inside or outside scope.

Every named route of the URL conf must have at least one row here, so a new endpoint without a
row fails `test_every_route_has_a_row`. Allowed means the request got past the access gate
(any status but 401/403/404 and the login redirect); denied means 401/403/404 or the redirect.
Objects belong to `t-mlsw-vt` (the social worker's and manager's office) and the case is shared
with the police unit, so every persona is either inside or outside scope of each object.

Personas: the staff of `tests/conftest.py` (one session each), `anonymous` (no credentials),
and three partner API clients that carry a token and no session: `partner_token` (t-ngo's,
to which one referral is addressed), `other_partner_token` (t-ngo-2's: outside scope) and
`revoked_token` (t-ngo's, revoked). Every persona tries every row: `len(ROWS) x len(PERSONAS)`
cells, plus the list rows' in/out-of-scope check; the figure is in the generated table of
docs/roles.md (`test_roles_doc_shows_the_matrix`; regenerate with
`PATHWAY_WRITE_DOCS=1 python3 pathway test tests/test_access_matrix.py -k roles_doc`).
"""

from __future__ import annotations

import copy
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.models import Country, Notification, ReminderOccurrence
from casework.models import FollowUpPolicy, Indicator, Questionnaire, ServiceType
from casework.permissions import view_case
from casework.services import (
    assessments,
    assistance,
    cases,
    flags,
    follow_ups,
    journey,
    links,
    perpetrators,
    proceedings,
    questionnaires,
    repatriation,
    screening,
)
from casework.services.attachments import attachment_add
from casework.services.people import family_member_add
from crossborder import services as crossborder_services
from crossborder import signatures as crossborder_signatures
from crossborder.models import InboxMessage
from offline.services.devices import device_register
from referrals import services as referral_services
from referrals import webhooks
from referrals.partner.tokens import token_issue, token_revoke
from shelters import services as shelter_services
from shelters.imports import services as import_services
from shelters.models import NonResidentialAssistance
from shelters.permissions import admit_case
from tests import snapshot
from tests.attachments import pdf, upload
from tests.factories import BedFactory, ShelterFactory, open_case
from tests.referrals import sent_for
from tests.registers import as_csv, stay_row

AUTHENTICATED = {
    "social_worker",
    "manager",
    "outsider",
    "national_manager",
    "counsellor",
    "shelter_staff",
    "police",
    "partner",
    "statistician",
    "admin",
}
TOKENS = {"partner_token", "other_partner_token", "revoked_token"}  # partner API clients: a token, no session
UNAUTHENTICATED = {"anonymous"} | TOKENS  # staff routes ignore tokens: these are all strangers there
EVERYONE = AUTHENTICATED | UNAUTHENTICATED
PERSONAS = sorted(EVERYONE, key=lambda name: (name in UNAUTHENTICATED, name))  # the docs table's columns
PUBLIC_ROUTES = {
    "login",
    "logout",
    "healthz",
    "readyz",
    "set_language",
    "password-forgot",
    "password-set",
    "password-set-done",
    "offline:shell",  # the field app's shell, worker and manifest: no data, cached on the device
    "offline:service-worker",
    "offline:manifest",
    "offline:api-device-status",  # one yes/no to the holder of a device's secret: must it wipe
}  # the only rows open to strangers
PARTNER_API = {"partner_token"}  # the valid token of the organisation the partner referral is addressed to
PARTNER_CLIENTS = {"partner_token", "other_partner_token"}  # valid tokens: their own lists, empty or not
CASE_READERS = {"social_worker", "manager", "police"}
CASE_WORKER = {"social_worker"}
CASE_MANAGER = {"manager"}
CASE_OPENERS = {"social_worker", "outsider", "counsellor", "police"}
FLAGGERS = {"social_worker", "manager"}  # the case's workers and its managers (casework.raise_flag)
GROUP_READERS = {"social_worker", "manager"}  # who see two cases of the world's group (police see one)
CASE_SCREENERS = {"social_worker", "police"}  # the case's workers, and police on cases shared with them
# Perpetrators are tier 3 with police access by their own rule: the assigned counsellor (the
# case's worker is a social worker, not a counsellor) and police who see the case: police only.
PERPETRATOR_READERS = {"police"}
SHELTER_WORKERS = {"shelter_staff", "social_worker", "manager"}  # posted staff, the operator's worker and manager
BED_MANAGERS = {"shelter_staff", "manager", "admin"}
SHELTER_CREATORS = {"manager", "national_manager", "admin"}  # for the organisations they manage; admins any
SHELTER_MANAGERS = {"manager", "admin"}  # the operator's managers: describe the shelter, post its staff
DENIED = {401, 403, 404}
REFERRAL_RECEIVER = {"counsellor"}  # an LWU social worker and counsellor: answers for LWU
REFERRAL_READERS = CASE_READERS | REFERRAL_RECEIVER
HEALTH_READERS = CASE_READERS - {"police"}  # casework view_health: police never see health data
REMINDER_MANAGERS = {"manager", "national_manager", "admin"}  # each for their own organisation
BREAK_GLASSERS = {"manager", "national_manager", "admin"}  # docs/design/access.md: break-glass, with a reason


def report_period(o: Any) -> dict[str, str]:
    return {"shelter": o.shelter.code, "start": "2026-01-01", "end": "2026-03-31"}


STATISTICIANS = {"statistician", "manager", "national_manager"}  # aggregates only (docs/design/access.md)


def statistics_years(o: Any) -> dict[str, str]:
    return {"first": "2025", "last": "2026"}


# Routes left out on purpose, with the reason.
NOT_IN_MATRIX = {
    "v1:api-root": "DRF's browsable index; lists route names only (checked below for anonymous)",
}


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    allowed: set[str]
    args: Callable[[Any], list[Any]] = field(default=lambda o: [])
    body: Callable[[Any], dict[str, Any]] = field(default=lambda o: {})
    contains: set[str] | None = None  # for lists: who sees the in-scope object in the results
    redirect_to_login_is_success: bool = False  # logout ends on the login page
    form: bool = False  # posted as a multipart form (a file upload), not JSON


def object_id(o: Any, key: str) -> list[Any]:
    return [getattr(o, key).pk]


R = Row
ROWS = [
    # --- pages and infrastructure -----------------------------------------------------------
    R("home", "get", AUTHENTICATED),
    R("login", "get", EVERYONE),
    R("logout", "post", EVERYONE, redirect_to_login_is_success=True),
    # the second factor: your own code and set-up pages (with nothing owed, verify sends you on);
    # an administrator resets another user's device
    R("two_factor:verify", "get", AUTHENTICATED),
    R("two_factor:verify", "post", AUTHENTICATED),
    R("two_factor:setup", "get", AUTHENTICATED),
    R("two_factor:setup", "post", AUTHENTICATED),
    # accounts: an administrator all, a manager those of their own organisation (the social
    # worker is the manager's colleague; the national manager's organisation is another)
    R("two_factor:reset", "get", {"admin", "manager"}, args=lambda o: [o.people.social_worker.pk]),
    R("two_factor:reset", "post", {"admin", "manager"}, args=lambda o: [o.people.social_worker.pk]),
    R("users", "get", {"admin", "manager", "national_manager"}),
    R("user-new", "get", {"admin", "manager", "national_manager"}),
    R("user-new", "post", {"admin", "manager", "national_manager"}),
    R("user", "get", {"admin", "manager"}, args=lambda o: [o.people.social_worker.pk]),
    R("user", "post", {"admin", "manager"}, args=lambda o: [o.people.social_worker.pk]),
    # a forgotten password and the e-mailed link: for people without a session
    R("password-forgot", "get", EVERYONE),
    R("password-forgot", "post", EVERYONE),
    R("password-set", "get", EVERYONE, args=lambda o: ["MQ", "set-password"]),
    R("password-set-done", "get", EVERYONE),
    R("healthz", "get", EVERYONE),
    R("readyz", "get", EVERYONE),
    # --- reminders: your own notifications; managers set their organisation's rules ------------
    R("notifications:list", "get", AUTHENTICATED),
    R("notifications:read", "post", CASE_WORKER, args=lambda o: [o.notification.pk]),
    R("notifications:read-all", "post", AUTHENTICATED),
    R("notifications:rules", "get", REMINDER_MANAGERS),
    R("notifications:rules", "post", REMINDER_MANAGERS),
    R("set_language", "post", EVERYONE, body=lambda o: {"language": "lo"}),
    R("schema", "get", AUTHENTICATED),
    R("swagger", "get", AUTHENTICATED),
    R("redoc", "get", AUTHENTICATED),
    # --- casework pages (forms posted empty: past the gate they answer 400) -----------------------
    R("casework:case-list", "get", AUTHENTICATED),
    R("casework:intake", "get", CASE_OPENERS),
    R("casework:intake", "post", CASE_OPENERS),
    R("casework:case-detail", "get", CASE_READERS, args=lambda o: object_id(o, "case")),
    R("casework:screening-new", "get", CASE_SCREENERS, args=lambda o: object_id(o, "case")),
    R("casework:screening-evaluate", "post", CASE_SCREENERS, args=lambda o: object_id(o, "case")),
    *[
        R(f"casework:{name}", "post", CASE_WORKER, args=lambda o: object_id(o, "case"))
        for name in ("note-add", "service-add", "closure-request")
    ],
    R("casework:step-update", "post", CASE_WORKER, args=lambda o: [o.case.pk, o.step.pk]),
    R("casework:case-audit", "get", CASE_MANAGER, args=lambda o: object_id(o, "case")),
    # A person's data export (subject access): the managers over the case; never a child's record.
    R("casework:subject-access", "get", CASE_MANAGER, args=lambda o: object_id(o, "adult_case")),
    R("casework:subject-access", "get", set(), args=lambda o: object_id(o, "case")),
    R("casework:subject-access-zip", "get", CASE_MANAGER, args=lambda o: object_id(o, "adult_case")),
    R("casework:subject-access-zip", "get", set(), args=lambda o: object_id(o, "case")),
    # --- attached files: with their record; medical never police; a referral's under its consent;
    # a stay's for the shelter's staff (forms posted empty: past the gate they answer 400) ---------
    R("casework:attachment-upload", "post", CASE_SCREENERS, args=lambda o: object_id(o, "case")),
    R("casework:attachment-download", "get", CASE_READERS, args=lambda o: object_id(o, "attachment")),
    R("casework:attachment-download", "get", HEALTH_READERS, args=lambda o: object_id(o, "medical_attachment")),
    R(
        "casework:attachment-download",
        "get",
        CASE_READERS | REFERRAL_RECEIVER,
        args=lambda o: object_id(o, "referral_attachment"),
    ),
    R(
        "casework:attachment-download",
        "get",
        CASE_READERS | {"shelter_staff"},
        args=lambda o: object_id(o, "stay_attachment"),
    ),
    R("casework:attachment-delete", "post", CASE_WORKER, args=lambda o: object_id(o, "attachment")),
    R("v1:attachment-list", "get", AUTHENTICATED, contains=CASE_READERS),
    # Who may attach anything at all; then the record named in the multipart body decides
    # (tests/casework/test_attachments.py): this JSON body is refused by them as invalid (400).
    R("v1:attachment-list", "post", CASE_OPENERS),
    R("v1:attachment-detail", "get", CASE_READERS, args=lambda o: object_id(o, "attachment")),
    R("v1:attachment-detail", "get", HEALTH_READERS, args=lambda o: object_id(o, "medical_attachment")),
    R("v1:attachment-download", "get", CASE_READERS, args=lambda o: object_id(o, "attachment")),
    R("v1:attachment-download", "get", HEALTH_READERS, args=lambda o: object_id(o, "medical_attachment")),
    R(
        "v1:attachment-delete-file",
        "post",
        CASE_WORKER,
        args=lambda o: object_id(o, "attachment"),
        body=lambda o: {"reason": "wrong case"},
    ),
    # --- reference data (tier 0) ------------------------------------------------------------
    R("v1:province-list", "get", AUTHENTICATED),
    R("v1:province-detail", "get", AUTHENTICATED, args=lambda o: ["VT"]),
    R("v1:district-list", "get", AUTHENTICATED),
    R("v1:district-detail", "get", AUTHENTICATED, args=lambda o: ["0101"]),
    R("v1:organisation-list", "get", AUTHENTICATED),
    R("v1:organisation-detail", "get", AUTHENTICATED, args=lambda o: [o.orgs.ngo.pk]),
    *[
        R(f"v1:{name}-list", "get", AUTHENTICATED)
        for name in ("exploitation-form", "service-type", "border-point", "ethnicity", "country", "indicator")
    ],
    R("v1:journey-code-list", "get", AUTHENTICATED),
    R("v1:exploitation-form-detail", "get", AUTHENTICATED, args=lambda o: ["forced_labour"]),
    R("v1:service-type-detail", "get", AUTHENTICATED, args=lambda o: ["legal_aid"]),
    R("v1:border-point-detail", "get", AUTHENTICATED, args=lambda o: ["boten"]),
    R("v1:ethnicity-detail", "get", AUTHENTICATED, args=lambda o: ["khmu"]),
    R("v1:country-detail", "get", AUTHENTICATED, args=lambda o: ["TH"]),
    R("v1:indicator-detail", "get", AUTHENTICATED, args=lambda o: [o.indicator_code]),
    # --- accounts -----------------------------------------------------------------------------
    R("v1:user-list", "get", AUTHENTICATED),
    R("v1:user-me", "get", AUTHENTICATED),
    R("v1:user-detail", "get", {"social_worker", "manager", "admin"}, args=lambda o: [o.people.social_worker.pk]),
    # --- cases ----------------------------------------------------------------------------------
    R("v1:case-list", "get", AUTHENTICATED, contains=CASE_READERS),
    R(
        "v1:case-list",
        "post",
        CASE_OPENERS,
        body=lambda o: {
            "category": "risk_group",
            "identification_route": "ngo",
            "identified_on": "2026-03-01",
            "registration_province": "VT",
            "person_values": {"given_name_latin": "Matrix", "sex": "female", "estimated_age": 20},
        },
    ),
    # a case for a person already registered: only those who see the person (a missing and an
    # unseen person answer alike, test_a_record_named_in_a_body_answers_outsiders_as_if_it_did_not_exist)
    R(
        "v1:case-list",
        "post",
        {"social_worker", "police"},
        body=lambda o: {
            "person": str(o.case.person_id),
            "category": "risk_group",
            "identification_route": "ngo",
            "identified_on": "2026-03-01",
        },
    ),
    R("v1:case-detail", "get", CASE_READERS, args=lambda o: object_id(o, "case")),
    R("v1:case-detail", "patch", CASE_WORKER, args=lambda o: object_id(o, "case"), body=lambda o: {"category": "rape"}),
    R("v1:case-timeline", "get", CASE_READERS, args=lambda o: object_id(o, "case")),
    R("v1:case-changes", "get", {"social_worker", "manager"}, args=lambda o: object_id(o, "case")),
    R("v1:case-access-log", "get", CASE_MANAGER, args=lambda o: object_id(o, "case")),
    R(
        "v1:case-assign",
        "post",
        CASE_MANAGER,
        args=lambda o: object_id(o, "case"),
        body=lambda o: {"worker": str(o.people.social_worker.pk)},
    ),
    R(
        "v1:case-share",
        "post",
        {"social_worker", "manager"},
        args=lambda o: object_id(o, "case"),
        body=lambda o: {"organisation": "t-ngo", "purpose": "vocational training"},
    ),
    R(
        "v1:case-transfer",
        "post",
        {"social_worker", "manager"},
        args=lambda o: object_id(o, "case"),
        body=lambda o: {"to_organisation": "t-ngo-2", "reason": "moves to Savannakhet"},
    ),
    R(
        "v1:case-request-closure",
        "post",
        CASE_WORKER,
        args=lambda o: object_id(o, "case"),
        body=lambda o: {"reason": "reintegrated"},
    ),
    R("v1:case-approve-closure", "post", CASE_MANAGER, args=lambda o: object_id(o, "case")),
    R(
        "v1:case-reject-closure",
        "post",
        CASE_MANAGER,
        args=lambda o: object_id(o, "case"),
        body=lambda o: {"reason": "not yet"},
    ),
    R("v1:case-reopen", "post", CASE_MANAGER, args=lambda o: object_id(o, "case"), body=lambda o: {"reason": "x"}),
    R("v1:case-plan", "get", CASE_READERS, args=lambda o: object_id(o, "case")),
    R(
        "v1:case-plan",
        "put",
        CASE_WORKER,
        args=lambda o: object_id(o, "case"),
        body=lambda o: {"summary": "s", "goals": [{"support_type": "education", "objective": "school"}]},
    ),
    # --- manager pages: any manager opens them, over the organisations they manage -------------
    R("manage:workload", "get", {"manager", "national_manager"}),
    R("manage:closures", "get", {"manager", "national_manager"}),
    R("manage:closure-decide", "post", CASE_MANAGER, args=lambda o: [o.case.pk, "approve"]),
    # --- emergency access (break-glass): managers and administrators only, with a reason -----------
    R("manage:emergency-access", "get", BREAK_GLASSERS),
    R("manage:emergency-access", "post", BREAK_GLASSERS),
    R("v1:plan-submit", "post", CASE_WORKER, args=lambda o: object_id(o, "plan")),
    R("v1:plan-approve", "post", CASE_MANAGER, args=lambda o: object_id(o, "plan")),
    R("v1:plan-return-plan", "post", CASE_MANAGER, args=lambda o: object_id(o, "plan"), body=lambda o: {"reason": "x"}),
    # --- transfers (the receiving organisation, LWU, decides) -------------------------------------
    R("v1:transfer-list", "get", AUTHENTICATED, contains=CASE_READERS | {"counsellor"}),
    R("v1:transfer-detail", "get", CASE_READERS | {"counsellor"}, args=lambda o: object_id(o, "transfer")),
    R("v1:transfer-accept", "post", {"counsellor"}, args=lambda o: object_id(o, "transfer")),
    R(
        "v1:transfer-decline",
        "post",
        {"counsellor"},
        args=lambda o: object_id(o, "transfer"),
        body=lambda o: {"reason": "full"},
    ),
    R("v1:transfer-cancel", "post", {"social_worker", "manager"}, args=lambda o: object_id(o, "transfer")),
    # --- people -------------------------------------------------------------------------------------
    R("v1:person-list", "get", AUTHENTICATED, contains=CASE_READERS),
    R("v1:person-detail", "get", CASE_READERS, args=lambda o: [o.case.person_id]),
    R(
        "v1:person-detail",
        "patch",
        CASE_WORKER,
        args=lambda o: [o.case.person_id],
        body=lambda o: {"family_name_latin": "Changed"},
    ),
    R("v1:person-duplicates", "get", CASE_OPENERS | {"manager", "national_manager"}),
    R(
        "v1:person-merge",
        "post",
        CASE_MANAGER,
        args=lambda o: [o.case.person_id],
        body=lambda o: {"merge": str(o.case.person_id), "reason": "same person"},
    ),
    R(
        "v1:person-family",
        "post",
        CASE_WORKER,
        args=lambda o: [o.case.person_id],
        body=lambda o: {"relationship": "mother", "name": "Synthetic mother"},
    ),
    # --- services, notes, follow-ups ---------------------------------------------------------------
    R("v1:service-list", "get", AUTHENTICATED, contains=CASE_READERS),
    R("v1:service-list", "post", CASE_WORKER, body=lambda o: {"case": str(o.case.pk), "service_type": "education"}),
    R("v1:service-detail", "get", CASE_READERS, args=lambda o: object_id(o, "service")),
    R(
        "v1:service-set-status",
        "post",
        CASE_WORKER,
        args=lambda o: object_id(o, "service"),
        body=lambda o: {"status": "in_progress"},
    ),
    R("v1:note-list", "get", AUTHENTICATED, contains=CASE_READERS),
    R("v1:note-list", "post", CASE_WORKER, body=lambda o: {"case": str(o.case.pk), "text": "visited"}),
    R("v1:note-detail", "get", CASE_READERS, args=lambda o: object_id(o, "note")),
    # --- the trafficking journey (tier 2: whoever sees the case; recorded like a screening) -------
    R("v1:journey-event-list", "get", AUTHENTICATED, contains=CASE_READERS),
    R(
        "v1:journey-event-list",
        "post",
        CASE_SCREENERS,
        body=lambda o: {"case": str(o.case.pk), "stage": "exit", "exit_kind": "rescued"},
    ),
    R("v1:journey-event-detail", "get", CASE_READERS, args=lambda o: object_id(o, "journey_event")),
    R(
        "v1:journey-event-detail",
        "patch",
        CASE_SCREENERS,
        args=lambda o: object_id(o, "journey_event"),
        body=lambda o: {"place": "Bokeo"},
    ),
    R("v1:journey-event-detail", "delete", CASE_SCREENERS, args=lambda o: object_id(o, "journey_event")),
    *[
        R(name, method, CASE_SCREENERS, args=args)
        for name, args in (
            ("casework:journey-add", lambda o: [o.case.pk, "recruitment"]),
            ("casework:journey-edit", lambda o: [o.case.pk, o.journey_event.pk]),
        )
        for method in ("get", "post")
    ],
    R("casework:journey-remove", "post", CASE_SCREENERS, args=lambda o: [o.case.pk, o.journey_event.pk]),
    # --- assessments (each form by its tier rule: risk with the case, needs never police,
    # wellbeing the assigned counsellor only) and a child's best-interests determination -------
    R("v1:assessment-list", "get", AUTHENTICATED, contains=CASE_READERS),
    R("v1:assessment-list", "post", CASE_WORKER, body=lambda o: assessment_body(o.case)),
    R("v1:assessment-detail", "get", CASE_READERS, args=lambda o: object_id(o, "assessment")),
    R("v1:assessment-detail", "get", HEALTH_READERS, args=lambda o: object_id(o, "needs_assessment")),
    R("v1:assessment-detail", "get", {"counsellor"}, args=lambda o: object_id(o, "wellbeing")),
    R("v1:best-interests-list", "get", AUTHENTICATED, contains=CASE_READERS),
    R("v1:best-interests-list", "post", FLAGGERS, body=lambda o: determination_body(o.child_case)),
    R("v1:best-interests-detail", "get", CASE_READERS, args=lambda o: object_id(o, "determination")),
    R("v1:questionnaire-list", "get", AUTHENTICATED),
    *[
        R("casework:assessment-new", method, CASE_WORKER, args=lambda o: [o.case.pk, "risk"])
        for method in ("get", "post")
    ],
    R("casework:assessment-detail", "get", CASE_READERS, args=lambda o: [o.case.pk, o.assessment.pk]),
    R("casework:assessment-detail", "get", {"counsellor"}, args=lambda o: [o.wellbeing.case_id, o.wellbeing.pk]),
    *[
        R("casework:best-interests-new", method, FLAGGERS, args=lambda o: [o.child_case.pk])
        for method in ("get", "post")
    ],
    # the questionnaires: reference data an administrator versions
    R("casework:questionnaires", "get", {"admin"}),
    R("casework:questionnaire-draft", "post", {"admin"}, args=lambda o: ["needs"]),
    *[
        R("casework:questionnaire-version", method, {"admin"}, args=lambda o: [o.questionnaire_draft.pk])
        for method in ("get", "post")
    ],
    R(
        "casework:question-remove",
        "post",
        {"admin"},
        args=lambda o: [o.questionnaire_draft.pk, o.questionnaire_draft.questions.first().pk],
    ),
    R("casework:questionnaire-publish", "post", {"admin"}, args=lambda o: [o.questionnaire_draft.pk]),
    # --- risk flags (seen with the case; raised and cleared by its workers and managers) ----------
    R("v1:case-flag-list", "get", AUTHENTICATED, contains=CASE_READERS),
    R(
        "v1:case-flag-list",
        "post",
        FLAGGERS,
        body=lambda o: {"case": str(o.case.pk), "level": "high", "reason": "Seen near the home"},
    ),
    R("v1:case-flag-detail", "get", CASE_READERS, args=lambda o: object_id(o, "flag")),
    R("v1:case-flag-clear", "post", FLAGGERS, args=lambda o: object_id(o, "flag"), body=lambda o: {"reason": "Gone"}),
    *[
        R(name, method, FLAGGERS, args=args)
        for name, args in (
            ("casework:flag-raise", lambda o: [o.case.pk]),
            ("casework:flag-clear", lambda o: [o.case.pk, o.flag.pk]),
        )
        for method in ("get", "post")
    ],
    R("casework:flag-many", "post", {"social_worker", "outsider", "counsellor", "manager", "national_manager"}),
    # --- perpetrators (tier 3: police in scope and the assigned counsellor) and legal proceedings
    # (tier 2: seen with the case; recorded like a screening) ------------------------------------
    R("v1:perpetrator-list", "get", AUTHENTICATED, contains=PERPETRATOR_READERS),
    R("v1:perpetrator-detail", "get", PERPETRATOR_READERS, args=lambda o: [o.perpetrator_link.perpetrator_id]),
    R("v1:case-perpetrator-list", "get", AUTHENTICATED, contains=PERPETRATOR_READERS),
    R(
        "v1:case-perpetrator-list",
        "post",
        PERPETRATOR_READERS,
        body=lambda o: {"case": str(o.case.pk), "roles": ["exploiter"], "known_as": "Second"},
    ),
    R("v1:case-perpetrator-detail", "get", PERPETRATOR_READERS, args=lambda o: object_id(o, "perpetrator_link")),
    R(
        "v1:case-perpetrator-detail",
        "patch",
        PERPETRATOR_READERS,
        args=lambda o: object_id(o, "perpetrator_link"),
        body=lambda o: {"roles": ["recruiter", "sold"]},
    ),
    R("v1:case-perpetrator-detail", "delete", PERPETRATOR_READERS, args=lambda o: object_id(o, "perpetrator_link")),
    *[
        R(name, method, PERPETRATOR_READERS, args=args)
        for name, args in (
            ("casework:perpetrator-add", lambda o: [o.case.pk]),
            ("casework:perpetrator-link", lambda o: [o.case.pk]),
            ("casework:perpetrator-edit", lambda o: [o.case.pk, o.perpetrator_link.pk]),
        )
        for method in ("get", "post")
    ],
    R("casework:perpetrator-unlink", "post", PERPETRATOR_READERS, args=lambda o: [o.case.pk, o.perpetrator_link.pk]),
    R("casework:perpetrator-detail", "get", PERPETRATOR_READERS, args=lambda o: [o.perpetrator_link.perpetrator_id]),
    R("v1:proceeding-list", "get", AUTHENTICATED, contains=CASE_READERS),
    R("v1:proceeding-list", "post", CASE_SCREENERS, body=lambda o: {"case": str(o.case.pk)}),
    R("v1:proceeding-detail", "get", CASE_READERS, args=lambda o: object_id(o, "proceeding")),
    R(
        "v1:proceeding-detail",
        "patch",
        CASE_SCREENERS,
        args=lambda o: object_id(o, "proceeding"),
        body=lambda o: {"court": "Vientiane"},
    ),
    R(
        "v1:proceeding-move",
        "post",
        CASE_SCREENERS,
        args=lambda o: object_id(o, "proceeding"),
        body=lambda o: {"stage": "investigation"},
    ),
    R("v1:hearing-list", "get", AUTHENTICATED, contains=CASE_READERS),
    R(
        "v1:hearing-list",
        "post",
        CASE_SCREENERS,
        body=lambda o: {"proceeding": str(o.proceeding.pk), "held_on": "2030-02-01"},
    ),
    R("v1:hearing-detail", "get", CASE_READERS, args=lambda o: object_id(o, "hearing")),
    R(
        "v1:hearing-detail",
        "patch",
        CASE_SCREENERS,
        args=lambda o: object_id(o, "hearing"),
        body=lambda o: {"place": "Vientiane"},
    ),
    R("v1:hearing-detail", "delete", CASE_SCREENERS, args=lambda o: object_id(o, "hearing")),
    *[
        R(name, method, CASE_SCREENERS, args=args)
        for name, args in (
            ("casework:proceeding-add", lambda o: [o.case.pk]),
            ("casework:proceeding-edit", lambda o: [o.case.pk, o.proceeding.pk]),
            ("casework:proceeding-move", lambda o: [o.case.pk, o.proceeding.pk]),
            ("casework:hearing-add", lambda o: [o.case.pk, o.proceeding.pk]),
            ("casework:hearing-edit", lambda o: [o.case.pk, o.hearing.pk]),
        )
        for method in ("get", "post")
    ],
    R("casework:hearing-remove", "post", CASE_SCREENERS, args=lambda o: [o.case.pk, o.hearing.pk]),
    # --- linked cases (a group seen through a member case; linked and unlinked by who may move them;
    # acting on a group: whoever sees it, then each case's own service decides) --------------------
    R("v1:case-group-list", "get", AUTHENTICATED, contains=GROUP_READERS),
    R(
        "v1:case-group-list",
        "post",
        FLAGGERS,
        body=lambda o: {"kind": "family", "reason": "Cousins", "cases": [str(o.case.pk), str(o.adult_case.pk)]},
    ),
    R("v1:case-group-detail", "get", GROUP_READERS, args=lambda o: object_id(o, "group")),
    R(
        "v1:case-group-add",
        "post",
        FLAGGERS,
        args=lambda o: object_id(o, "group"),
        body=lambda o: {"case": str(o.case.pk)},
    ),
    R(
        "v1:case-group-remove",
        "post",
        FLAGGERS,
        args=lambda o: object_id(o, "group"),
        body=lambda o: {"case": str(o.case.pk), "reason": "Recorded by mistake"},
    ),
    R(
        "v1:case-group-act",
        "post",
        GROUP_READERS,
        args=lambda o: object_id(o, "group"),
        body=lambda o: {"action": "repatriation_step", "params": {"step": "case_interview_documentation"}},
    ),
    *[R("casework:case-link", method, FLAGGERS, args=lambda o: [o.case.pk]) for method in ("get", "post")],
    R("casework:group-list", "get", AUTHENTICATED),
    *[
        R(name, method, GROUP_READERS, args=args)
        for name, args in (
            ("casework:group-detail", lambda o: [o.group.pk]),
            ("casework:group-act", lambda o: [o.group.pk]),
            ("casework:group-remove", lambda o: [o.group.pk, o.case.pk]),
        )
        for method in ("get", "post")
    ],
    R("v1:follow-up-list", "get", AUTHENTICATED, contains=CASE_READERS),
    R(
        "v1:follow-up-record",
        "post",
        CASE_WORKER,
        args=lambda o: object_id(o, "visit"),
        body=lambda o: {"done_on": "2026-03-10"},
    ),
    # --- screening (police record it on cases shared with them) ------------------------------------
    R("v1:screening-list", "get", AUTHENTICATED, contains=CASE_READERS),
    R(
        "v1:screening-list",
        "post",
        CASE_WORKER | {"police"},
        body=lambda o: {
            "case": str(o.case.pk),
            "place": "police_station",
            "screened_on": "2026-03-03",
            "indicators": [{"indicator": o.indicator_code}],
            "guardian_or_social_worker_present": True,
        },
    ),
    R("v1:screening-detail", "get", CASE_READERS, args=lambda o: object_id(o, "screening")),
    R(
        "v1:screening-evaluate",
        "post",
        CASE_READERS,
        body=lambda o: {"case": str(o.case.pk), "indicators": [o.indicator_code]},
    ),
    R(
        "v1:screening-confirm",
        "post",
        CASE_WORKER | {"police"},
        args=lambda o: object_id(o, "screening"),
        body=lambda o: {
            "outcome": "actual_victim",
            "deciding_body": "police",
            "decided_on": "2026-03-04",
            "reason": "court",
        },
    ),
    R(
        "v1:screening-opt-in",
        "post",
        CASE_WORKER | {"police"},
        args=lambda o: object_id(o, "screening"),
        body=lambda o: {"on": "2026-03-05"},
    ),
    # --- shelters: staff posted there, and the operator (the MLSW office) -------------------------
    R("shelters:occupancy-report", "get", {"manager", "shelter_staff"}, body=report_period),
    R(
        "shelters:report-download",
        "get",
        {"manager", "shelter_staff"},
        args=lambda o: ["occupancy", "csv"],
        body=report_period,
    ),
    R(
        "shelters:report-download",
        "get",
        {"manager", "shelter_staff"},
        args=lambda o: ["utilisation", "xlsx"],
        body=lambda o: {**report_period(o), "columns": "codes"},
    ),
    # the same four reports as data (shelters/api/reports.py): the same scope as the page
    *[
        R("v1:report-detail", "get", {"manager", "shelter_staff"}, args=lambda o, n=name: [n], body=report_period)
        for name in ("occupancy", "shelter-table", "by-year", "utilisation")
    ],
    # --- national statistics: protected aggregates and k-anonymous records, never a person -----
    R("statistics:page", "get", STATISTICIANS, body=statistics_years),
    R(
        "statistics:download",
        "get",
        STATISTICIANS,
        args=lambda o: ["by-year", "csv"],
        body=statistics_years,
    ),
    R("statistics:ctdc-report", "get", STATISTICIANS, body=statistics_years),
    R("statistics:ctdc", "get", STATISTICIANS, args=lambda o: ["xlsx"], body=statistics_years),
    R("statistics:chart", "get", STATISTICIANS, args=lambda o: ["provinces"], body=statistics_years),
    # the HTCDS export: de-identified records of consenting people, for IOM (docs/htcds.md)
    R("statistics:htcds", "get", STATISTICIANS),
    R("statistics:htcds-csv", "get", STATISTICIANS, args=lambda o: ["events"]),
    R("statistics:htcds-xlsx", "get", STATISTICIANS),
    R("v1:htcds-export-list", "get", STATISTICIANS),
    # perpetrators' codes (never the tier-3 record) and the legal proceedings' aggregates
    R("statistics:htcds-csv", "get", STATISTICIANS, args=lambda o: ["perpetrators"]),
    R("statistics:download", "get", STATISTICIANS, args=lambda o: ["verdicts", "csv"], body=statistics_years),
    R(
        "v1:statistics-list",
        "get",
        STATISTICIANS,
        body=lambda o: {"measure": "identified", "breakdown": "sex", "first": "2025", "last": "2026"},
    ),
    R("shelters:list", "get", SHELTER_WORKERS | SHELTER_CREATORS),
    R("shelters:board", "get", SHELTER_WORKERS, args=lambda o: [o.shelter.code]),
    R("shelters:admit", "get", SHELTER_WORKERS, args=lambda o: [o.shelter.code]),
    R("shelters:admit", "post", SHELTER_WORKERS, args=lambda o: [o.shelter.code]),
    R("shelters:discharge", "get", SHELTER_WORKERS, args=lambda o: object_id(o, "stay")),
    R("shelters:discharge", "post", SHELTER_WORKERS, args=lambda o: object_id(o, "stay")),
    R("shelters:transfer", "get", SHELTER_WORKERS, args=lambda o: object_id(o, "stay")),
    R("shelters:bed-out-of-service", "get", BED_MANAGERS, args=lambda o: object_id(o, "spare_bed")),
    R("v1:shelter-list", "get", AUTHENTICATED),
    R("v1:shelter-detail", "get", AUTHENTICATED, args=lambda o: object_id(o, "shelter")),
    R("v1:shelter-board", "get", SHELTER_WORKERS, args=lambda o: object_id(o, "shelter")),
    R("v1:shelter-residents", "get", SHELTER_WORKERS, args=lambda o: object_id(o, "shelter")),
    R("v1:stay-list", "get", AUTHENTICATED, contains=SHELTER_WORKERS | {"police"}),
    R(
        "v1:stay-list",
        "post",
        SHELTER_WORKERS,
        body=lambda o: {"shelter": o.shelter.code, "case": str(o.case.pk), "admitted_on": "2026-03-01"},
    ),
    R("v1:stay-detail", "get", SHELTER_WORKERS | {"police"}, args=lambda o: object_id(o, "stay")),
    R(
        "v1:stay-discharge",
        "post",
        SHELTER_WORKERS,
        args=lambda o: object_id(o, "stay"),
        body=lambda o: {"discharged_on": "2026-03-20", "destination": "family_reunification_home_village"},
    ),
    R(
        "v1:stay-transfer",
        "post",
        SHELTER_WORKERS,
        args=lambda o: object_id(o, "stay"),
        body=lambda o: {"to_shelter": o.shelter.code, "on": "2026-03-20"},
    ),
    R(
        "v1:stay-move-bed",
        "post",
        SHELTER_WORKERS,
        args=lambda o: object_id(o, "stay"),
        body=lambda o: {"to_bed": str(o.spare_bed.pk), "on": "2026-03-20"},
    ),
    R(
        "v1:stay-planned-discharge",
        "post",
        SHELTER_WORKERS,
        args=lambda o: object_id(o, "stay"),
        body=lambda o: {"planned_discharge_on": "2026-12-31"},
    ),
    R(
        "v1:bed-out-of-service",
        "post",
        BED_MANAGERS,
        args=lambda o: object_id(o, "spare_bed"),
        body=lambda o: {"start": "2026-04-01", "reason": "repairs"},
    ),
    R(
        "v1:bed-outage-end",
        "post",
        BED_MANAGERS,
        args=lambda o: object_id(o, "outage"),
        body=lambda o: {"end": "2026-02-20"},
    ),
    # the shelter's staff see the day's assistance only (the world's is in January): issue 14
    R("v1:non-residential-list", "get", AUTHENTICATED, contains={"social_worker", "manager", "police"}),
    R(
        "v1:non-residential-list",
        "post",
        SHELTER_WORKERS,
        body=lambda o: {
            "shelter": o.shelter.code,
            "case": str(o.case.pk),
            "assisted_on": "2026-02-01",
            "service_types": ["counselling"],
        },
    ),
    # --- partner API: tokens only (a staff session is refused); its behaviour is tested in
    # tests/referrals/test_partner_api.py --------------------------------------------------------
    R("v1:partner-referral-list", "get", PARTNER_CLIENTS, contains=PARTNER_API),
    R("v1:partner-referral-detail", "get", PARTNER_API, args=lambda o: object_id(o, "partner_referral")),
    *[
        R(
            f"v1:partner-referral-{verb}",
            "post",
            PARTNER_API,
            args=lambda o: object_id(o, "partner_referral"),
            body=body,
        )
        for verb, body in (
            ("acknowledge", lambda o: {}),
            ("accept", lambda o: {}),
            ("decline", lambda o: {"reason": "full"}),
            ("start", lambda o: {}),
            ("complete", lambda o: {"outcome": "done"}),
            ("close-without-service", lambda o: {"reason": "never came"}),
            ("notes", lambda o: {"note": "x"}),
        )
    ],
    R("v1:partner-event-list", "get", PARTNER_CLIENTS),  # each client's own change stream
    R("partner-tokens", "get", {"partner", "admin"}),
    R("partner-tokens", "post", {"partner", "admin"}),
    # --- repatriation ----------------------------------------------------------------------------
    R("v1:repatriation-list", "get", AUTHENTICATED, contains=CASE_READERS),
    R(
        "v1:repatriation-list",
        "post",
        CASE_WORKER,
        body=lambda o: {"case": str(o.case.pk), "flow": "thailand_mou", "from_country": "TH"},
    ),
    R("v1:repatriation-detail", "get", CASE_READERS, args=lambda o: object_id(o, "repatriation")),
    R(
        "v1:repatriation-family-assessment",
        "post",
        CASE_WORKER,
        args=lambda o: object_id(o, "repatriation"),
        body=lambda o: {"result": "safe", "reason": "urgent"},
    ),
    R(
        "v1:repatriation-return-decision",
        "post",
        CASE_WORKER,
        args=lambda o: object_id(o, "repatriation"),
        body=lambda o: {"destination": "shelter", "best_interests_decision": "safer", "reason": "urgent"},
    ),
    R(
        "v1:repatriation-await-legal-proceedings",
        "post",
        CASE_WORKER,
        args=lambda o: object_id(o, "repatriation"),
        body=lambda o: {"note": "trial in Bangkok"},
    ),
    R("v1:repatriation-resume", "post", CASE_WORKER, args=lambda o: object_id(o, "repatriation")),
    R(
        "v1:repatriation-cancel",
        "post",
        CASE_WORKER,
        args=lambda o: object_id(o, "repatriation"),
        body=lambda o: {"reason": "victim_declined"},
    ),
    R("v1:repatriation-step-detail", "get", CASE_READERS, args=lambda o: object_id(o, "step")),
    *[
        R(f"v1:repatriation-step-{verb}", "post", CASE_WORKER, args=lambda o: object_id(o, "step"), body=body)
        for verb, body in (
            ("start", lambda o: {}),
            ("complete", lambda o: {"done_on": "2026-03-10"}),
            ("skip", lambda o: {"reason": "not needed"}),
            ("block", lambda o: {"reason": "waiting for papers"}),
            ("unblock", lambda o: {}),
        )
    ],
    # --- referrals: from the social worker's office to LWU (the counsellor answers for LWU) --------
    R("v1:consent-list", "get", AUTHENTICATED, contains=CASE_READERS),
    R(
        "v1:consent-list",
        "post",
        CASE_WORKER,
        body=lambda o: {
            "case": str(o.case.pk),
            "recipient": "t-lwu",
            "data_categories": ["identity"],
            "service_types": ["counselling"],
            "purpose": "counselling",
            "given_by": "person",
        },
    ),
    R("v1:consent-detail", "get", CASE_READERS, args=lambda o: object_id(o, "consent")),
    R("v1:consent-withdraw", "post", CASE_WORKER | CASE_MANAGER, args=lambda o: object_id(o, "consent")),
    R("referrals:inbox", "get", AUTHENTICATED),
    R("referrals:sent", "get", AUTHENTICATED),
    R("referrals:create", "get", CASE_WORKER, args=lambda o: object_id(o, "case")),
    R("referrals:create", "post", CASE_WORKER, args=lambda o: object_id(o, "case")),
    R("referrals:detail", "get", REFERRAL_READERS, args=lambda o: object_id(o, "referral")),
    R("referrals:act", "post", REFERRAL_RECEIVER, args=lambda o: [o.referral.pk, "acknowledge"]),
    R("referrals:act", "post", CASE_WORKER, args=lambda o: [o.referral.pk, "withdraw"]),
    R("referrals:act", "post", CASE_WORKER, args=lambda o: [o.draft.pk, "send"]),
    # --- consent override: the case's worker asks, a manager of the sending office decides --------
    R("referrals:override-request", "post", CASE_WORKER, args=lambda o: object_id(o, "override_draft")),
    R("referrals:overrides", "get", {"manager", "national_manager"}),
    # --- the directory of services: every member of staff reads it (a partner account's list is
    # empty); a manager keeps their organisation's entry, an admin any ------------------------------
    R("referrals:directory", "get", AUTHENTICATED - {"partner"}),
    R("v1:directory-list", "get", AUTHENTICATED),
    R("referrals:our-services", "get", {"manager", "national_manager", "admin"}),
    R("referrals:directory-edit", "get", CASE_MANAGER | {"admin"}, args=lambda o: [o.orgs.mlsw_vt.pk]),
    R("referrals:directory-edit", "post", CASE_MANAGER | {"admin"}, args=lambda o: [o.orgs.mlsw_vt.pk]),
    R("referrals:directory-edit", "get", {"admin"}, args=lambda o: [o.orgs.lwu.pk]),
    R("referrals:override-decide", "post", CASE_MANAGER, args=lambda o: [o.override.pk, "approve"]),
    R(
        "v1:referral-consent-override",
        "post",
        CASE_WORKER,
        args=lambda o: object_id(o, "override_draft"),
        body=lambda o: {"reason": "threatened"},
    ),
    R("v1:consent-override-list", "get", AUTHENTICATED, contains=CASE_READERS),
    R("v1:consent-override-detail", "get", CASE_READERS, args=lambda o: object_id(o, "override")),
    R("v1:consent-override-approve", "post", CASE_MANAGER, args=lambda o: object_id(o, "override")),
    R(
        "v1:consent-override-reject",
        "post",
        CASE_MANAGER,
        args=lambda o: object_id(o, "override"),
        body=lambda o: {"note": "ask the person first"},
    ),
    R("v1:referral-list", "get", AUTHENTICATED, contains=REFERRAL_READERS),
    R(
        "v1:referral-list",
        "post",
        CASE_WORKER,
        body=lambda o: {
            "case": str(o.case.pk),
            "to_organisation": "t-lwu",
            "service_types": ["counselling"],
            "reason": "counselling",
        },
    ),
    R("v1:referral-inbox", "get", AUTHENTICATED, contains=REFERRAL_RECEIVER),
    R("v1:referral-detail", "get", REFERRAL_READERS, args=lambda o: object_id(o, "referral")),
    R("v1:referral-detail", "patch", CASE_WORKER, args=lambda o: object_id(o, "draft"), body=lambda o: {"reason": "y"}),
    R("v1:referral-events", "get", REFERRAL_READERS, args=lambda o: object_id(o, "referral")),
    R("v1:referral-send", "post", CASE_WORKER, args=lambda o: object_id(o, "draft")),
    R(
        "v1:referral-withdraw",
        "post",
        CASE_WORKER,
        args=lambda o: object_id(o, "referral"),
        body=lambda o: {"reason": "x"},
    ),
    R(
        "v1:referral-notes",
        "post",
        CASE_WORKER | REFERRAL_RECEIVER,
        args=lambda o: object_id(o, "referral"),
        body=lambda o: {"note": "x"},
    ),
    *[
        R(f"v1:referral-{verb}", "post", REFERRAL_RECEIVER, args=lambda o: object_id(o, "referral"), body=body)
        for verb, body in (
            ("acknowledge", lambda o: {}),
            ("accept", lambda o: {}),
            ("decline", lambda o: {"reason": "full"}),
            ("start", lambda o: {}),
            ("complete", lambda o: {"outcome": "done"}),
            ("close-without-service", lambda o: {"reason": "never came"}),
        )
    ],
    # --- webhooks: the partner NGO's; partner and manager accounts register their organisation's ----
    R("v1:webhook-list", "get", AUTHENTICATED, contains={"partner", "admin"}),
    R(
        "v1:webhook-list",
        "post",
        {"partner", "manager", "national_manager", "admin"},
        body=lambda o: {"url": "https://hooks.example.org/pathway"},
    ),
    R("v1:webhook-deactivate", "post", {"partner", "admin"}, args=lambda o: object_id(o, "webhook")),
    # i16-case: the case itself on pages (edit, assign, share and revoke, transfer, reopen) and the
    # API actions added with them. Forms posted empty answer 400 past the gate; the world's case is
    # active (a reopening asked for answers 400), shared with police, with a transfer offered to LWU.
    *[
        R(f"casework:{name}", method, CASE_WORKER, args=lambda o: object_id(o, "case"))
        for name in ("case-edit", "reopen-request")
        for method in ("get", "post")
    ],
    R("casework:case-assign", "get", CASE_MANAGER, args=lambda o: object_id(o, "case")),
    R("casework:case-assign", "post", CASE_MANAGER, args=lambda o: object_id(o, "case")),
    *[
        R(f"casework:{name}", method, {"social_worker", "manager"}, args=lambda o: object_id(o, "case"))
        for name in ("case-shares", "case-transfer")
        for method in ("get", "post")
    ],
    R("casework:share-revoke", "post", {"social_worker", "manager"}, args=lambda o: [o.case.pk, police_share(o)]),
    R("casework:transfer-cancel", "post", {"social_worker", "manager"}, args=lambda o: [o.case.pk, o.transfer.pk]),
    # the receiving organisation's inbox: every role that answers transfers (empty for most)
    R("casework:transfers", "get", {"social_worker", "manager", "outsider", "national_manager", "counsellor"}),
    R("casework:transfer-decide", "post", {"counsellor"}, args=lambda o: [o.transfer.pk, "accept"]),
    R("casework:transfer-decide", "post", {"counsellor"}, args=lambda o: [o.transfer.pk, "decline"]),
    R("manage:reopenings", "get", {"manager", "national_manager"}),
    R("manage:reopen-decide", "post", CASE_MANAGER, args=lambda o: [o.case.pk, "approve"]),
    R(
        "v1:case-revoke-share",
        "post",
        {"social_worker", "manager"},
        args=lambda o: object_id(o, "case"),
        body=lambda o: {"share": str(police_share(o))},
    ),
    R(
        "v1:case-request-reopen",
        "post",
        CASE_WORKER,
        args=lambda o: object_id(o, "case"),
        body=lambda o: {"reason": "she came back"},
    ),
    R("v1:case-approve-reopen", "post", CASE_MANAGER, args=lambda o: object_id(o, "case")),
    R(
        "v1:case-reject-reopen",
        "post",
        CASE_MANAGER,
        args=lambda o: object_id(o, "case"),
        body=lambda o: {"reason": "x"},
    ),
    # the webhook page: the people who may register one (which webhook each may deactivate:
    # tests/referrals/test_webhook_page.py)
    R("partner-webhooks", "get", {"partner", "manager", "national_manager", "admin"}),
    R("partner-webhooks", "post", {"partner", "manager", "national_manager", "admin"}),
    # i16-repat: the Repatriation tab's forms, for the case's worker (the API's CASE_WORKER rows above)
    R("casework:repatriation-start", "post", CASE_WORKER, args=lambda o: object_id(o, "adult_case")),
    *[
        R(f"casework:repatriation-{name}", "post", CASE_WORKER, args=lambda o: [o.case.pk, o.repatriation.pk])
        for name in ("family-assessment", "return-decision", "await-legal-proceedings", "resume", "cancel")
    ],
    # i16-people: the person pages (the case's worker changes the record, as PATCH v1:person-detail),
    # a new case for a registered person (who sees her and opens cases), duplicates (who registers or
    # manages cases and sees both records: the adult case is not shared with police), a merge (a
    # manager of both), and the API's correction and removal of a relative.
    *[
        R(f"casework:{name}", method, CASE_WORKER, args=lambda o: object_id(o, "case"))
        for name in ("person-edit", "family-add")
        for method in ("get", "post")
    ],
    R("casework:family-edit", "get", CASE_WORKER, args=lambda o: [o.case.pk, o.family_member.pk]),
    R("casework:family-edit", "post", CASE_WORKER, args=lambda o: [o.case.pk, o.family_member.pk]),
    R("casework:family-remove", "post", CASE_WORKER, args=lambda o: [o.case.pk, o.family_member.pk]),
    R("casework:person-case-open", "get", {"social_worker", "police"}, args=lambda o: [o.case.person_id]),
    R("casework:person-case-open", "post", {"social_worker", "police"}, args=lambda o: [o.case.person_id]),
    R("casework:person-duplicates", "get", CASE_READERS, args=lambda o: object_id(o, "case")),
    R("casework:person-compare", "get", {"social_worker", "manager"}, args=lambda o: [o.case.pk, o.adult_person.pk]),
    R("casework:person-compare", "get", set(), args=lambda o: [o.case.pk, o.stranger_person.pk]),
    R("casework:person-merge", "post", CASE_MANAGER, args=lambda o: [o.case.pk, o.adult_person.pk]),
    R(
        "v1:person-family-member",
        "patch",
        CASE_WORKER,
        args=lambda o: [o.case.person_id, o.family_member.pk],
        body=lambda o: {"name": "Synthetic aunt"},
    ),
    R("v1:person-family-member", "delete", CASE_WORKER, args=lambda o: [o.case.person_id, o.family_member.pk]),
    # i16-plan: the case plan, a service's status and follow-up visits on the case page (the
    # case's worker); a manager of the owning organisation decides on a submitted plan.
    R("casework:plan-save", "post", CASE_WORKER, args=lambda o: object_id(o, "case")),
    R("casework:plan-submit", "post", CASE_WORKER, args=lambda o: object_id(o, "case")),
    R("casework:plan-decide", "post", CASE_MANAGER, args=lambda o: [o.case.pk, "approve"]),
    R("casework:plan-decide", "post", CASE_MANAGER, args=lambda o: [o.case.pk, "return"]),
    R("casework:service-status", "post", CASE_WORKER, args=lambda o: [o.case.pk, o.service.pk]),
    R("casework:follow-up-record", "post", CASE_WORKER, args=lambda o: [o.case.pk, o.visit.pk]),
    R("casework:follow-up-reschedule", "post", CASE_WORKER, args=lambda o: [o.case.pk, o.visit.pk]),
    R("manage:plans", "get", {"manager", "national_manager"}),
    R(
        "v1:follow-up-reschedule",
        "post",
        CASE_WORKER,
        args=lambda o: object_id(o, "visit"),
        body=lambda o: {"due_on": "2030-01-15", "reason": "the family is away"},
    ),
    # i16-consent: the consent pages, as POST /api/v1/consents/ and .../withdraw/ (the case's worker
    # records; the worker and the case's manager withdraw; everyone else the same 404 as a missing one)
    R("referrals:consent-create", "get", CASE_WORKER, args=lambda o: object_id(o, "case")),
    R("referrals:consent-create", "post", CASE_WORKER, args=lambda o: object_id(o, "case")),
    R("referrals:consent-withdraw", "get", CASE_WORKER | CASE_MANAGER, args=lambda o: object_id(o, "consent")),
    R("referrals:consent-withdraw", "post", CASE_WORKER | CASE_MANAGER, args=lambda o: object_id(o, "consent")),
    # i16-shelter: the screening card's forms (as the API's confirm and opt-in), the bed board's
    # moves, planned discharges and assistance without a stay, and requests for a shelter place
    # (asked by the case's worker, answered by whoever works the shelter). Forms posted empty.
    R("casework:screening-confirm", "post", CASE_SCREENERS, args=lambda o: [o.case.pk, o.screening.pk]),
    R("casework:screening-opt-in", "post", CASE_SCREENERS, args=lambda o: [o.case.pk, o.screening.pk]),
    *[
        R(f"shelters:{name}", method, SHELTER_WORKERS, args=lambda o: object_id(o, "stay"))
        for name in ("move-bed", "planned-discharge")
        for method in ("get", "post")
    ],
    R("shelters:non-residential", "get", SHELTER_WORKERS, args=lambda o: [o.shelter.code]),
    R("shelters:non-residential", "post", SHELTER_WORKERS, args=lambda o: [o.shelter.code]),
    R("shelters:requests", "get", SHELTER_WORKERS, args=lambda o: [o.shelter.code]),
    R("shelters:request-admission", "get", CASE_WORKER, args=lambda o: object_id(o, "case")),
    R("shelters:request-admission", "post", CASE_WORKER, args=lambda o: object_id(o, "case")),
    *[
        R(f"shelters:request-{verb}", method, SHELTER_WORKERS, args=lambda o: object_id(o, "admission"))
        for verb in ("accept", "decline")
        for method in ("get", "post")
    ],
    R("v1:admission-request-list", "get", AUTHENTICATED, contains=SHELTER_WORKERS | {"police"}),
    R(
        "v1:admission-request-list",
        "post",
        CASE_WORKER,
        body=lambda o: {"case": str(o.case.pk), "shelter": o.shelter.code, "needed_from": "2026-12-31"},
    ),
    R("v1:admission-request-detail", "get", SHELTER_WORKERS | {"police"}, args=lambda o: object_id(o, "admission")),
    R(
        "v1:admission-request-accept",
        "post",
        SHELTER_WORKERS,
        args=lambda o: object_id(o, "admission"),
        body=lambda o: {"admitted_on": "2026-03-20"},
    ),
    R(
        "v1:admission-request-decline",
        "post",
        SHELTER_WORKERS,
        args=lambda o: object_id(o, "admission"),
        body=lambda o: {"reason": "full"},
    ),
    # i18-setup: setting a shelter up (issue 18): creators, the operator's managers, bed managers
    R("shelters:new", "get", SHELTER_CREATORS),
    R("shelters:new", "post", SHELTER_CREATORS),
    R("shelters:setup", "get", BED_MANAGERS, args=lambda o: [o.shelter.code]),
    R("shelters:edit", "get", SHELTER_MANAGERS, args=lambda o: [o.shelter.code]),
    R("shelters:edit", "post", SHELTER_MANAGERS, args=lambda o: [o.shelter.code]),
    R("shelters:room-add", "get", BED_MANAGERS, args=lambda o: [o.shelter.code]),
    R("shelters:room-add", "post", BED_MANAGERS, args=lambda o: [o.shelter.code]),
    R("shelters:beds-add", "get", BED_MANAGERS, args=lambda o: [o.shelter.code]),
    R("shelters:beds-add", "post", BED_MANAGERS, args=lambda o: [o.shelter.code]),
    R("shelters:staff-post", "get", SHELTER_MANAGERS, args=lambda o: [o.shelter.code]),
    R("shelters:staff-post", "post", SHELTER_MANAGERS, args=lambda o: [o.shelter.code]),
    # the posted persona is LWU's: only an administrator sees (and unposts) them
    R("shelters:staff-unpost", "post", {"admin"}, args=lambda o: [o.shelter.code, o.people.shelter_staff.pk]),
    R("shelters:bed-retire", "get", BED_MANAGERS, args=lambda o: object_id(o, "spare_bed")),
    R("shelters:bed-retire", "post", BED_MANAGERS, args=lambda o: object_id(o, "spare_bed")),
    R("shelters:outage-end", "get", BED_MANAGERS, args=lambda o: object_id(o, "outage")),
    R("shelters:outage-end", "post", BED_MANAGERS, args=lambda o: object_id(o, "outage")),
    R(
        "v1:shelter-list",
        "post",
        SHELTER_CREATORS,  # national_manager: 400, t-mlsw-vt is not under them
        body=lambda o: {"code": "t-new", "operator": "t-mlsw-vt", "province": "VT", "name_en": "New"},
    ),
    R(
        "v1:shelter-detail",
        "patch",
        SHELTER_MANAGERS,
        args=lambda o: object_id(o, "shelter"),
        body=lambda o: {"name_en": "Renamed"},
    ),
    R("v1:shelter-rooms", "post", BED_MANAGERS, args=lambda o: object_id(o, "shelter"), body=lambda o: {"name": "R"}),
    R(
        "v1:shelter-beds",
        "post",
        BED_MANAGERS,
        args=lambda o: object_id(o, "shelter"),
        body=lambda o: {"labels": ["N1", "N2"], "in_service_from": "2015-01-01"},
    ),
    R(
        "v1:shelter-post-staff",
        "post",
        SHELTER_MANAGERS,  # the manager is no shelter staff: a 400 past the gate
        args=lambda o: object_id(o, "shelter"),
        body=lambda o: {"user": str(o.people.manager.pk)},
    ),
    R(
        "v1:shelter-unpost-staff",
        "post",
        {"admin"},
        args=lambda o: object_id(o, "shelter"),
        body=lambda o: {"user": str(o.people.shelter_staff.pk)},
    ),
    R(
        "v1:bed-retire",
        "post",
        BED_MANAGERS,
        args=lambda o: object_id(o, "spare_bed"),
        body=lambda o: {"on": "2026-06-01"},
    ),
    # i18-import: the register import, for the operator's managers (the manager of t-mlsw-vt)
    R("shelters:import", "get", CASE_MANAGER, args=lambda o: [o.shelter.code]),
    R("shelters:import", "post", CASE_MANAGER, args=lambda o: [o.shelter.code]),
    R("shelters:import-template", "get", CASE_MANAGER, args=lambda o: [o.shelter.code, "xlsx"]),
    *[
        R(f"shelters:import-{name}", method, CASE_MANAGER, args=lambda o: object_id(o, "register_import"))
        for name, method in (("detail", "get"), ("status", "get"), ("confirm", "post"), ("undo", "post"))
    ],
    # --- documents: printable documents of a case and on-screen signatures (documents/) ---------
    # Readers of the case print what they may see of it; the case's worker records signatures.
    *[
        R(f"documents:{name}", "get", CASE_READERS, args=lambda o: object_id(o, "case"))
        for name in ("case-documents", "case-summary-print", "case-summary-pdf")
    ],
    R("documents:referral-letter-pdf", "get", CASE_READERS, args=lambda o: [o.case.pk, o.referral.pk]),
    R("documents:repatriation-file-pdf", "get", CASE_READERS, args=lambda o: [o.case.pk, o.repatriation.pk]),
    R("documents:consent-form-pdf", "get", CASE_READERS, args=lambda o: [o.case.pk, o.consent.pk]),
    R("documents:sign-consent", "get", CASE_WORKER, args=lambda o: [o.case.pk, o.consent.pk]),
    R("documents:sign-consent", "post", CASE_WORKER, args=lambda o: [o.case.pk, o.consent.pk]),
    R("documents:sign-handover", "get", CASE_WORKER, args=lambda o: [o.case.pk, o.repatriation.pk]),
    R("documents:sign-handover", "post", CASE_WORKER, args=lambda o: [o.case.pk, o.repatriation.pk]),
    R("v1:document-case-summary", "get", CASE_READERS, args=lambda o: object_id(o, "case")),
    R("v1:document-referral-letter", "get", CASE_READERS, args=lambda o: [o.case.pk, o.referral.pk]),
    R("v1:document-repatriation-file", "get", CASE_READERS, args=lambda o: [o.case.pk, o.repatriation.pk]),
    R("v1:document-consent-form", "get", CASE_READERS, args=lambda o: [o.case.pk, o.consent.pk]),
    # the same in the staff API (shelters.imports.api); an upload without a file is a 400 after the
    # shelter's permission is checked
    R("v1:register-import-list", "get", AUTHENTICATED, contains={"manager"}),
    R("v1:register-import-list", "post", CASE_MANAGER, body=lambda o: {"shelter": o.shelter.code}),
    *[
        R(f"v1:register-import-{name}", method, CASE_MANAGER, args=lambda o: object_id(o, "register_import"))
        for name, method in (("detail", "get"), ("confirm", "post"), ("undo", "post"))
    ],
    # --- the field app (docs/offline.md): its shell is public; devices are the case workers'; a
    # device takes and syncs only its own user's cases; an administrator orders any device wiped --
    R("offline:shell", "get", EVERYONE),
    R("offline:service-worker", "get", EVERYONE),
    R("offline:manifest", "get", EVERYONE),
    R("offline:api-device-status", "post", EVERYONE, body=lambda o: {"device": str(o.device.pk), "secret": "x"}),
    R("offline:api-reference", "get", AUTHENTICATED),
    R("offline:api-session", "get", AUTHENTICATED),
    R("offline:api-device-register", "post", {"social_worker", "outsider", "counsellor"}),
    R("offline:api-cases", "get", {"social_worker", "outsider", "counsellor"}),
    R("offline:api-take", "post", CASE_WORKER, body=lambda o: {**o.device_keys, "cases": [str(o.case.pk)]}),
    R("offline:api-sync", "post", CASE_WORKER, body=lambda o: {**o.device_keys, "writes": []}),
    R("offline:api-sync-photo", "post", CASE_WORKER, body=lambda o: {**o.device_keys, "write": "{}"}, form=True),
    R("offline:devices", "get", AUTHENTICATED),
    R("offline:device-wipe", "post", {"social_worker", "admin"}, args=lambda o: [o.device.pk]),
    # crossborder (issue 22): the transfers list (scoped, empty for most), one transfer for who sees
    # its case, its changes for the case's worker, referring for who changes the case; partner
    # instances and held messages for administrators; the peers' endpoint answers only a signature.
    R("crossborder:transfers", "get", AUTHENTICATED),
    R("crossborder:detail", "get", CASE_READERS, args=lambda o: object_id(o, "crossborder_transfer")),
    R("crossborder:act", "post", CASE_WORKER, args=lambda o: [o.crossborder_transfer.pk, "step"]),
    R("crossborder:refer", "get", CASE_WORKER, args=lambda o: object_id(o, "case")),
    R("crossborder:refer", "post", CASE_WORKER, args=lambda o: object_id(o, "case")),
    R("crossborder:peers", "get", {"admin"}),
    R("crossborder:peers", "post", {"admin"}),
    R("crossborder:peer-deactivate", "post", {"admin"}, args=lambda o: object_id(o, "peer")),
    R("crossborder:held", "get", {"admin"}),
    R("crossborder:resolve", "post", {"admin"}, args=lambda o: [o.held_message.pk, "retry"]),
    R("crossborder:messages", "post", set()),
    # the directory across the border (issue 22, item 4): the administrator shares ours with a peer
    # or refreshes its copy; staff read the copy in the API (empty for a partner account); the
    # peers' directory feed answers only a signature.
    R("crossborder:peer-directory", "post", {"admin"}, args=lambda o: [o.peer.pk, "share"]),
    R("v1:crossborder-directory-list", "get", AUTHENTICATED),
    R("crossborder:directory-feed", "get", set()),
]


def police_share(o: Any) -> Any:
    """The world's case's share with police (i16-case rows)."""
    return o.case.shares.get(organisation=o.orgs.police).pk


def route_names() -> set[str]:
    def walk(patterns: list[Any], namespace: str | None) -> Any:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else pattern.namespace
                yield from walk(pattern.url_patterns, inner or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name

    return {name for name in walk(get_resolver().url_patterns, None) if not name.startswith("admin:")}


def test_every_route_has_a_row():
    covered = {row.name for row in ROWS} | set(NOT_IN_MATRIX)
    assert route_names() - covered == set(), "add a row to the access matrix for each new route"
    assert covered - route_names() == set(), "the matrix names routes that no longer exist"


@pytest.fixture(scope="module")
def world(world_layer, module_db):  # type: ignore[no-untyped-def]
    """One case of each kind of record, owned by the social worker's office, shared with police,
    with a transfer offered to LWU; put back for the module (every test only reads it), as
    fresh objects so that nothing a module changes on them reaches the next."""
    with module_db.unblock():
        snapshot.put_layer("world")
    return copy.deepcopy(world_layer)


@pytest.fixture(scope="module")
def signed_in(world, module_db) -> Callable[[Client, str], None]:  # type: ignore[no-untyped-def]
    """Sign a client in as a persona with a session made once for the module: a `force_login`
    per request (a session row, the login's audit row and `last_login`) was a quarter of the
    matrix's time. Every request runs in a savepoint rolled back after it, so a request that ends
    or rotates its session leaves the module's sessions as they were."""
    keys = {}
    with module_db.unblock():
        for persona in AUTHENTICATED:
            login = Client()
            login.force_login(getattr(world.people, persona))
            keys[persona] = login.cookies[settings.SESSION_COOKIE_NAME].value

    def sign_in(client: Client, persona: str) -> None:
        client.cookies.clear()
        if persona in keys:
            client.cookies[settings.SESSION_COOKIE_NAME] = keys[persona]

    return sign_in


RISK_ANSWERS = {"to_person": "low", "trafficker": "high", "retrafficking": "low", "at_home": "none", "community": "low"}


def assessment_body(case: Any) -> dict[str, Any]:
    return {"case": str(case.pk), "questionnaire": "risk", "assessed_on": "2026-11-01", "answers": RISK_ANSWERS}


def determination_body(case: Any) -> dict[str, Any]:
    panel = ["Chair", "Child protection officer", "Counsellor"]
    return {"case": str(case.pk), "decided_on": "2026-11-02", "panel": panel, "decision": "placement", "reasons": "r"}


def assessment_world(people: Any, orgs: Any, case: Any) -> dict[str, Any]:
    """A risk and a needs assessment of the world's case, a wellbeing one of a case of LWU's
    counsellor, a child's case (shared with police) with its determination, a draft questionnaire."""
    sw = people.social_worker
    record = assessments.assessment_record
    risk, needs, who5 = (Questionnaire.objects.get(code=code) for code in ("risk", "needs", "who5"))
    child = open_case(sw, person_values={"given_name_latin": "Dao", "sex": "female", "date_of_birth": date(2014, 1, 1)})
    cases.case_share(actor=sw, case=child, organisation=orgs.police, purpose="investigation")
    body = determination_body(child)
    return {
        "assessment": record(
            actor=sw, case=case, questionnaire=risk, answers=RISK_ANSWERS, assessed_on=date(2026, 10, 1)
        ),
        "needs_assessment": record(
            actor=sw, case=case, questionnaire=needs, answers=dict.fromkeys(NEEDS, "met"), assessed_on=date(2026, 10, 1)
        ),
        "wellbeing": record(
            actor=people.counsellor,
            case=open_case(people.counsellor),
            questionnaire=who5,
            answers=dict.fromkeys(("cheerful", "calm", "active", "rested", "interest"), "some_of_the_time"),
            assessed_on=date(2026, 10, 1),
        ),
        "child_case": child,
        "determination": assessments.best_interests_determine(
            actor=sw, case=child, decided_on=date(2026, 10, 2), panel=body["panel"], decision="placement", reasons="r"
        ),
        "questionnaire_draft": questionnaires.questionnaire_draft(actor=people.admin, questionnaire=risk),
    }


NEEDS = ("shelter", "health", "legal", "education", "vocational", "reintegration")


def build_world(people: Any, orgs: Any) -> SimpleNamespace:
    sw = people.social_worker
    case = open_case(sw)
    cases.case_share(actor=sw, case=case, organisation=orgs.police, purpose="investigation")
    plan = assistance.plan_save(
        actor=sw, case=case, summary="s", goals=[{"support_type": "education", "objective": "o"}]
    )
    assistance.plan_submit(actor=sw, plan=plan)
    service = assistance.service_add(actor=sw, case=case, service_type=ServiceType.objects.get(code="legal_aid"))
    note = assistance.note_add(actor=sw, case=case, text="first visit")
    follow_ups.follow_ups_schedule(
        case=case, start=date(2026, 1, 1), policy=FollowUpPolicy.objects.get(is_default=True)
    )
    transfer = cases.case_transfer_request(actor=sw, case=case, to_organisation=orgs.lwu, reason="counselling")
    screened = screening.screening_record(
        actor=sw,
        case=case,
        place="shelter",
        screened_on=date(2026, 3, 2),
        indicators=[
            (code, "")
            for code in Indicator.objects.filter(
                element__in=["act", "purpose"], strength="strong", applies_to="both"
            ).values_list("code", flat=True)[:2]
        ],
        guardian_or_social_worker_present=True,
    )
    trip = repatriation.repatriation_start(
        actor=sw, case=case, flow="thailand_mou", from_country=Country.objects.get(code="TH")
    )
    shelter = ShelterFactory(code="t-shelter", operator=orgs.mlsw_vt)
    beds = [BedFactory(shelter=shelter, label=label) for label in ("T1", "T2", "T3")]
    shelter_services.staff_post(actor=people.admin, shelter=shelter, user=people.shelter_staff)
    stay = shelter_services.stay_admit(
        actor=people.shelter_staff, shelter=shelter, case=case, admitted_on=date(2026, 3, 10), bed=beds[0]
    )
    outage = shelter_services.bed_outage_start(
        actor=people.manager, bed=beds[2], start=date(2026, 2, 1), reason="repairs", end=date(2026, 3, 1)
    )
    admission = shelter_services.admission_request_create(
        actor=sw, case=case, shelter=shelter, needed_from=timezone.localdate()
    )
    register_import = import_services.import_check(
        register_import=import_services.import_upload(
            actor=people.manager, shelter=shelter, filename="register.csv", content=as_csv([stay_row(1)])
        )
    )
    assisted = NonResidentialAssistance.objects.create(
        shelter=shelter, person=case.person, case=case, assisted_on=date(2026, 1, 15), recorded_by=people.shelter_staff
    )
    consent = referral_services.consent_record(
        actor=sw,
        case=case,
        recipient=orgs.lwu,
        data_categories=["identity"],
        service_types=[ServiceType.objects.get(code="counselling")],
        purpose="counselling",
        given_by="person",
    )
    referral_values = {
        "case": case,
        "to_organisation": orgs.lwu,
        "service_types": [ServiceType.objects.get(code="counselling")],
        "urgency": "routine",
        "reason": "counselling",
        "shared_categories": ["identity"],
        "consent": consent,
    }
    referral = referral_services.referral_send(
        actor=sw, referral=referral_services.referral_create(actor=sw, **referral_values)
    )
    draft = referral_services.referral_create(actor=sw, **referral_values)
    # A draft without consent whose worker asked to share it anyway (a life at risk).
    override_draft = referral_services.referral_create(actor=sw, **{**referral_values, "consent": None})
    pending = referral_services.referral_create(actor=sw, **{**referral_values, "consent": None})
    override = referral_services.consent_override_request(
        actor=sw, referral=pending, reason="threatened by the recruiter"
    )
    partner_referral = sent_for(sw, open_case(sw), orgs.ngo)
    tokens = {
        "partner_token": token_issue(actor=people.partner, organisation=orgs.ngo, name="matrix"),
        "other_partner_token": token_issue(actor=people.admin, organisation=orgs.ngo_other, name="matrix"),
        "revoked_token": token_issue(actor=people.partner, organisation=orgs.ngo, name="revoked"),
    }
    token_revoke(actor=people.partner, token=tokens["revoked_token"][0])
    # crossborder: a partner instance, the case referred to it, and a message held on our side (its
    # body cleared, as the retention rule leaves it: trying it again holds it again)
    peer = crossborder_services.peer_register(
        actor=people.admin,
        name="Thailand MSDHS",
        instance_id="th-msdhs",
        base_url="https://pathway.example.th",
        public_key=crossborder_signatures.public_key_text(Ed25519PrivateKey.generate()),
        organisation=orgs.ngo_other,
        receiving_organisation=orgs.mlsw_vt,
        may_send=["repatriation"],
        may_receive=["repatriation"],
        categories_in=["identity"],
        categories_out=["identity"],
    )
    peer_consent = referral_services.consent_record(
        actor=sw,
        case=case,
        recipient=orgs.ngo_other,
        data_categories=["identity"],
        service_types=[ServiceType.objects.get(code="reintegration")],
        purpose="repatriation",
        given_by="person",
    )
    crossborder_transfer = crossborder_services.transfer_refer(
        actor=sw,
        case=case,
        peer=peer,
        purpose="repatriation",
        consent=peer_consent,
        categories=["identity"],
        reason="r",
    )
    held_message = InboxMessage.objects.create(
        id=uuid.uuid4(), peer=peer, transfer_id=uuid.uuid4(), seq=1, kind="step_done", body="{}", state="held",
        held_reason="No transfer with this id was referred between us.",
    )  # fmt: skip
    webhook, _ = webhooks.webhook_register(
        actor=people.partner, organisation=orgs.ngo, url="https://hooks.example.org/ngo"
    )
    occurrence = ReminderOccurrence.objects.create(
        rule="case_without_note",
        object_id=case.pk,
        due_at=timezone.now(),
        case_id=case.pk,
        case_code=case.person.case_code,
        organisation=orgs.mlsw_vt,
        recipient=sw,
        created_at=timezone.now(),
    )
    adult_case = open_case(
        sw, person_values={"given_name_latin": "Adult", "sex": "female", "date_of_birth": date(1990, 1, 1)}
    )
    proceeding = proceedings.proceeding_open(actor=sw, case=case)

    device, device_secret = device_register(actor=sw, label="matrix")

    def attach(owner_type: str, owner: Any, kind: str) -> Any:
        return attachment_add(actor=sw, owner_type=owner_type, owner_id=owner.pk, kind=kind, file=upload(pdf()))

    return SimpleNamespace(
        attachment=attach("case", case, "identity_document"),
        medical_attachment=attach("case", case, "medical"),
        referral_attachment=attach("referral", referral, "identity_document"),
        stay_attachment=attach("stay", stay, "consent_form"),
        family_member=family_member_add(actor=sw, person=case.person, relationship="mother", name="Synthetic mother"),
        adult_person=adult_case.person,
        stranger_person=open_case(people.counsellor).person,  # LWU's: nobody at t-mlsw-vt sees her
        partner_referral=partner_referral,
        tokens={persona: plaintext for persona, (_, plaintext) in tokens.items()},
        notification=Notification.objects.create(occurrence=occurrence, user=sw, created_at=timezone.now()),
        consent=consent,
        referral=referral,
        draft=draft,
        override_draft=override_draft,
        override=override,
        webhook=webhook,
        shelter=shelter,
        stay=stay,
        spare_bed=beds[1],
        outage=outage,
        assisted=assisted,
        admission=admission,
        register_import=register_import,
        people=people,
        orgs=orgs,
        case=case,
        adult_case=adult_case,
        plan=plan,
        service=service,
        note=note,
        flag=flags.case_flag_raise(actor=sw, case=case, level="high", reason="Seen near the home"),
        **assessment_world(people, orgs, case),
        group=links.case_group_create(actor=sw, kind="sibling", reason="Sisters", cases=[case, adult_case]),
        journey_event=journey.journey_event_add(actor=sw, case=case, stage="transit", place="Houayxay"),
        perpetrator_link=perpetrators.perpetrator_add(
            actor=people.police, case=case, roles=["recruiter"], known_as="Matrix broker"
        ),
        proceeding=proceeding,
        hearing=proceedings.hearing_add(actor=sw, proceeding=proceeding, held_on=date(2030, 1, 5)),
        transfer=transfer,
        screening=screened,
        visit=case.follow_ups.first(),
        repatriation=trip,
        step=trip.steps.order_by("position").first(),
        indicator_code=Indicator.objects.values_list("code", flat=True).first(),
        device=device,
        device_keys={"device": str(device.pk), "secret": device_secret},
        peer=peer,
        crossborder_transfer=crossborder_transfer,
        held_message=held_message,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("row", ROWS, ids=lambda row: f"{row.method.upper()} {row.name}")
def test_access(row, world, client, signed_in):
    failures = []
    for persona in PERSONAS:
        with transaction.atomic():
            signed_in(client, persona)
            headers = {}
            if persona in TOKENS:
                headers = {"Authorization": f"Bearer {world.tokens[persona]}", "Idempotency-Key": str(uuid.uuid4())}
            url = reverse(row.name, args=row.args(world))
            response = (
                getattr(client, row.method)(url, row.body(world), content_type="application/json", headers=headers)
                if row.method in ("post", "put", "patch") and not row.form
                else getattr(client, row.method)(url, row.body(world), headers=headers)
            )
            login_redirect = response.status_code == 302 and "/accounts/login/" in response.get("Location", "")
            denied = response.status_code in DENIED or (login_redirect and not row.redirect_to_login_is_success)
            if persona in row.allowed and denied:
                failures.append(f"{persona}: expected access, got {response.status_code}")
            elif persona not in row.allowed and not denied:
                failures.append(f"{persona}: expected denial, got {response.status_code}")
            elif response.status_code >= 500:
                failures.append(f"{persona}: server error {response.status_code}")
            if row.contains is not None and response.status_code == 200:
                shown = str(response.json())
                expected_ids = {
                    "v1:case-list": str(world.case.pk),
                    "v1:attachment-list": str(world.attachment.pk),
                    "v1:person-list": str(world.case.person_id),
                    "v1:transfer-list": str(world.transfer.pk),
                    "v1:service-list": str(world.service.pk),
                    "v1:note-list": str(world.note.pk),
                    "v1:journey-event-list": str(world.journey_event.pk),
                    "v1:case-flag-list": str(world.flag.pk),
                    "v1:perpetrator-list": str(world.perpetrator_link.perpetrator_id),
                    "v1:case-perpetrator-list": str(world.perpetrator_link.pk),
                    "v1:proceeding-list": str(world.proceeding.pk),
                    "v1:hearing-list": str(world.hearing.pk),
                    "v1:assessment-list": str(world.assessment.pk),
                    "v1:best-interests-list": str(world.determination.pk),
                    "v1:case-group-list": str(world.group.pk),
                    "v1:follow-up-list": str(world.visit.pk),
                    "v1:repatriation-list": str(world.repatriation.pk),
                    "v1:screening-list": str(world.screening.pk),
                    "v1:stay-list": str(world.stay.pk),
                    "v1:non-residential-list": str(world.assisted.pk),
                    "v1:admission-request-list": str(world.admission.pk),
                    "v1:register-import-list": str(world.register_import.pk),
                    "v1:consent-list": str(world.consent.pk),
                    "v1:referral-list": str(world.referral.pk),
                    "v1:referral-inbox": str(world.referral.pk),
                    "v1:consent-override-list": str(world.override.pk),
                    "v1:webhook-list": str(world.webhook.pk),
                    "v1:partner-referral-list": str(world.partner_referral.pk),
                }
                key = expected_ids[row.name]
                if (key in shown) != (persona in row.contains):
                    problem = "missing from" if persona in row.contains else "leaked into"
                    failures.append(f"{persona}: in-scope object {problem} the list")
            transaction.set_rollback(True)
    assert not failures, failures


# --- A record named in a request body: out of scope and missing look alike --------------------------
MISSING_ID = "00000000-0000-4000-8000-000000000000"


@pytest.mark.django_db
def test_a_record_named_in_a_body_answers_outsiders_as_if_it_did_not_exist(world, client, signed_in):
    """Every API write whose body names the world's case or person, as every persona who may not
    see that person and may not use the route: the answer (status and body) is the answer for an
    id nobody has. A difference would tell them the record exists (issue 14: a foreign case id
    answered 404 and a random one 400 "Invalid pk"; shelter staff admitted any case)."""
    named = {str(world.case.pk), str(world.case.person_id)}
    strangers = [
        persona
        for persona in sorted(AUTHENTICATED)
        if not view_case.allows(getattr(world.people, persona), world.case)
        and not admit_case.allows(getattr(world.people, persona), world.case)
    ]
    failures, compared = [], 0
    for row in ROWS:
        body = row.body(world)
        keys = [key for key, value in body.items() if isinstance(value, str) and value in named]
        if not row.name.startswith("v1:") or row.method not in ("post", "put", "patch") or not keys:
            continue
        url = reverse(row.name, args=row.args(world))
        for persona in strangers:
            if persona in row.allowed:
                continue
            answers = []
            for ids in (body, {**body, **dict.fromkeys(keys, MISSING_ID)}):
                with transaction.atomic():
                    signed_in(client, persona)
                    response = getattr(client, row.method)(url, ids, content_type="application/json")
                    answers.append((response.status_code, response.json()))
                    transaction.set_rollback(True)
            compared += 1
            if answers[0] != answers[1]:
                failures.append(f"{row.method.upper()} {row.name} as {persona}: {answers[0]} but {answers[1]}")
    assert compared >= 50, "the check lost its rows"
    assert not failures, failures


# Routes a statistician may open: none of them shows a person (reference data, their own
# account, the API schema, the statistics). Every other row must deny them, and no list may
# show them an in-scope record.
STATISTICIAN_ROUTES = {
    "home",
    "login",
    "logout",
    "healthz",
    "readyz",
    "set_language",
    "two_factor:verify",  # their own second factor
    "two_factor:setup",
    "schema",
    "swagger",
    "redoc",
    "v1:province-list",
    "v1:province-detail",
    "v1:district-list",
    "v1:district-detail",
    "v1:organisation-list",
    "v1:organisation-detail",
    "v1:user-list",
    "v1:user-me",
    "v1:shelter-list",
    "v1:shelter-detail",
    "referrals:directory",  # organisations, their services and office contacts: no person
    "v1:directory-list",
    # the field app's shell and files (no data), a device's yes/no wipe answer, the reference lists,
    # who is signed in, and one's own devices: a statistician can set none up, so none holds a case
    "offline:shell",
    "offline:service-worker",
    "offline:manifest",
    "offline:api-device-status",
    "offline:api-reference",
    "offline:api-session",
    "offline:devices",
    "statistics:page",
    "statistics:download",
    "statistics:ctdc",
    "statistics:ctdc-report",
    "v1:statistics-list",
    "statistics:chart",
    # the HTCDS export: de-identified records (no name, birth date, case code or free text) of the
    # people whose consent covers it (issue 20: managers and statisticians)
    "statistics:htcds",
    "statistics:htcds-csv",
    "statistics:htcds-xlsx",
    "v1:htcds-export-list",
    "casework:case-list",  # a statistician's case list is empty: no role of theirs sees a case
    "casework:group-list",  # likewise the groups of linked cases: a group is seen through a case
    # their own reminders: case codes and links only, and a statistician is assigned no case
    "notifications:list",
    "notifications:read-all",
    # empty for them: the inbox needs a receiving role, the sent list a case the user may see
    "referrals:inbox",
    "referrals:sent",
    "crossborder:transfers",  # empty for them: transfers are seen with their case or organisation
    "v1:crossborder-directory-list",  # partner countries' organisations and office contacts: no person
    # a forgotten password and its one-time link: about the visitor's own account only
    "password-forgot",
    "password-set",
    "password-set-done",
}


REFERENCE_ROUTES = {
    f"v1:{name}-{kind}"
    for name in ("exploitation-form", "service-type", "border-point", "ethnicity", "country", "indicator")
    for kind in ("list", "detail")
} | {"v1:journey-code-list", "v1:questionnaire-list"}


def test_the_statistician_reaches_no_personal_record():
    for row in ROWS:
        if row.contains is not None:
            assert "statistician" not in row.contains, f"{row.name} shows a statistician an in-scope record"
        elif "statistician" in row.allowed:
            assert row.name in STATISTICIAN_ROUTES | REFERENCE_ROUTES, (
                f"{row.name} lets a statistician in: is it free of personal data?"
            )


@pytest.mark.django_db
def test_the_api_index_needs_a_login(client, reference):
    assert client.get(reverse("v1:api-root")).status_code in DENIED


def test_the_personas_are_the_fixtures_staff_anonymous_and_tokens(world):
    assert set(vars(world.people)) - {"all"} == EVERYONE - TOKENS, "a new persona needs a place in the matrix"


def test_strangers_reach_only_the_public_routes_and_tokens_only_the_partner_api():
    """Anonymous and the token personas try every row (test_access); here: which rows let them in."""
    for row in ROWS:
        if row.name in PUBLIC_ROUTES:
            assert row.allowed >= UNAUTHENTICATED, f"{row.name} is public: open it to every stranger"
        elif row.name.startswith("v1:partner-"):
            assert row.allowed <= PARTNER_CLIENTS, f"{row.name}: the partner API is for valid tokens only"
            assert row.allowed >= PARTNER_API, f"{row.name}: the valid token of the referral's receiver gets in"
        else:
            assert not row.allowed & UNAUTHENTICATED, f"{row.name} lets a stranger in: add a login requirement"


# --- docs/roles.md: the same table, rendered ------------------------------------------------------
ROLES_DOC = Path(__file__).resolve().parent.parent / "docs" / "roles.md"
DOC_START, DOC_END = "<!-- access-matrix:start -->", "<!-- access-matrix:end -->"


def cells_tested() -> tuple[int, int]:
    """(requests checked for allowed/denied, list answers checked for the in-scope object)."""
    return len(ROWS) * len(PERSONAS), sum(len(row.allowed) for row in ROWS if row.contains is not None)


def render_matrix() -> str:
    """Markdown: one line per row, one column per persona; `✓` allowed, `✓+` allowed and the
    list shows the in-scope object, `·` denied."""

    def cell(row: Row, persona: str) -> str:
        if persona not in row.allowed:
            return "·"
        return "✓+" if row.contains and persona in row.contains else "✓"

    lines = [
        "| method | route | " + " | ".join(f"`{persona}`" for persona in PERSONAS) + " |",
        "|---|---|" + "---|" * len(PERSONAS),
        *(
            f"| {row.method.upper()} | `{row.name}` | " + " | ".join(cell(row, p) for p in PERSONAS) + " |"
            for row in ROWS
        ),
    ]
    requests, lists = cells_tested()
    lines.append("")
    lines.append(
        f"{len(ROWS)} rows x {len(PERSONAS)} personas = {requests} requests checked, "
        f"plus {lists} list answers checked for the in-scope object."
    )
    return "\n".join(lines)


def test_roles_doc_shows_the_matrix():
    """docs/roles.md carries the matrix between the markers; PATHWAY_WRITE_DOCS=1 rewrites it."""
    text = ROLES_DOC.read_text()
    before, rest = text.split(DOC_START)
    _, after = rest.split(DOC_END)
    expected = f"{before}{DOC_START}\n{render_matrix()}\n{DOC_END}{after}"
    if os.environ.get("PATHWAY_WRITE_DOCS"):
        ROLES_DOC.write_text(expected)
        text = expected
    assert text == expected, "docs/roles.md is out of date: run with PATHWAY_WRITE_DOCS=1 to regenerate it"
