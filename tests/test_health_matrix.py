"""Health and counselling never reach police, nor a manager reading under emergency access, in
any shape (issue 14, access.md): the access matrix's staff personas read every representation
of one case's health services and tier-3 notes, and each answer shows the health content
exactly to the readers the tier rule allows (casework.permissions: view_health for health,
view_sensitive for tier 3), and not a trace of it to anyone else.

The case is owned by the social worker's office, shared with the police unit, assigned to the
LWU counsellor (who also answers the referral), and opened by the national manager through an
emergency grant. Its records each carry a health service (`medical_care`) or the `health` data
category beside other data, and free text marked HEALTHSECRET written with them; the counsellor
wrote a counselling note (tier 3).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest
from django.db.backends.postgresql.psycopg_any import DateRange
from django.urls import reverse
from django.utils import timezone

from casework.choices import CaseCategory, NoteKind
from casework.models import Case, ServiceType
from casework.services import assistance, break_glass, cases
from referrals import services as referral_services
from shelters import services as shelter_services
from shelters.models import Bed, Shelter
from tests.factories import open_case
from tests.test_access_matrix import AUTHENTICATED

HEALTH_CODE = "'medical_care'"  # as it shows in a JSON answer rendered with str()
HEALTH_NAME = "Medical care"  # as a page shows the service
HEALTH_CATEGORY = "'health'"
TIER_3 = "'note_kind': 'counselling'"  # the timeline row of the counsellor's note
# The case's readers in scope who are not police (view_health); the counsellor is assigned too.
HEALTH_READERS = {"social_worker", "manager", "counsellor"}
SENSITIVE_READERS = {"counsellor"}  # the assigned counsellor only (view_sensitive)


@pytest.fixture
def health_world(people, orgs):  # type: ignore[no-untyped-def]
    sw, counsellor = people.social_worker, people.counsellor
    case = open_case(
        sw, person_values={"given_name_latin": "Adult", "sex": "female", "date_of_birth": date(1990, 1, 1)}
    )
    cases.case_share(actor=sw, case=case, organisation=orgs.police, purpose="investigation")
    Case.objects.filter(pk=case.pk).update(assigned_worker=counsellor)
    case.refresh_from_db()
    medical, legal = ServiceType.objects.get(code="medical_care"), ServiceType.objects.get(code="legal_aid")
    service = assistance.service_add(actor=sw, case=case, service_type=medical)
    assistance.service_set_status(actor=sw, service=service, status="in_progress", on=date(2026, 3, 2))
    assistance.service_add(actor=sw, case=case, service_type=legal)
    assistance.note_add(actor=counsellor, case=case, text="HEALTHSECRET-note", kind=NoteKind.COUNSELLING)
    assistance.note_add(actor=sw, case=case, text="first visit")
    # A plan approved with one health goal, then revised with another (the Plan tab shows both).
    for objective in ("HEALTHSECRET-approved", "HEALTHSECRET-goal"):
        plan = assistance.plan_save(
            actor=sw,
            case=case,
            summary="s",
            goals=[
                {"support_type": "health", "objective": objective},
                {"support_type": "education", "objective": "school"},
            ],
        )
        if objective == "HEALTHSECRET-approved":
            assistance.plan_submit(actor=sw, plan=plan)
            assistance.plan_approve(actor=people.manager, plan=plan)
    consent = referral_services.consent_record(
        actor=sw,
        case=case,
        recipient=orgs.lwu,
        data_categories=["identity", "health"],
        service_types=[medical, legal],
        purpose="HEALTHSECRET-purpose",
        given_by="person",
    )
    referral = referral_services.referral_send(
        actor=sw,
        referral=referral_services.referral_create(
            actor=sw,
            case=case,
            to_organisation=orgs.lwu,
            service_types=[medical, legal],
            urgency="routine",
            reason="HEALTHSECRET-reason",
            shared_categories=["identity", "health"],
            consent=consent,
        ),
    )
    referral_services.referral_accept(actor=counsellor, referral=referral, note="HEALTHSECRET-accept")
    unconsented = referral_services.referral_create(
        actor=sw,
        case=case,
        to_organisation=orgs.lwu,
        service_types=[medical],
        urgency="routine",
        reason="x",
        shared_categories=["identity"],
    )
    override = referral_services.consent_override_request(
        actor=sw, referral=unconsented, reason="HEALTHSECRET-override"
    )
    shelter = Shelter.objects.create(
        code="h-shelter",
        name_en="Health test shelter",
        operator=orgs.mlsw_vt,
        province=orgs.mlsw_vt.province,
        accepts_sexes=["female", "male"],
        accepts_categories=list(CaseCategory.values),
        address="synthetic address",
    )
    Bed.objects.create(shelter=shelter, label="H1", in_service=DateRange(date(2020, 1, 1), None))
    shelter_services.staff_post(actor=people.admin, shelter=shelter, user=people.shelter_staff)
    assisted = shelter_services.non_residential_record(
        actor=people.shelter_staff,
        shelter=shelter,
        case=case,
        assisted_on=timezone.localdate(),  # shelter staff see the day's records only (shelters.permissions)
        service_types=[medical, legal],
        notes="HEALTHSECRET-assisted",
    )
    break_glass.break_glass_open(
        actor=people.national_manager, case_code=case.person.case_code, reason="missing person: where is she?"
    )
    return SimpleNamespace(
        case=case, consent=consent, referral=referral, override=override, assisted=assisted, people=people
    )


def _json(client: Any, url: str, **query: Any) -> str | None:
    response = client.get(url, query)
    assert response.status_code < 500, url
    return str(response.json()) if response.status_code == 200 else None


def _page(client: Any, url: str, **query: Any) -> str | None:
    response = client.get(url, query)
    assert response.status_code < 500, url
    return response.content.decode() if response.status_code == 200 else None


def _timeline_page(client: Any, w: Any) -> str | None:
    """The case page's history tab: the events it was given to show, with their data."""
    response = client.get(reverse("casework:case-detail", args=[w.case.pk]), {"tab": "history"})
    if response.status_code != 200:
        return None
    return str([(event.kind, event.data) for event in response.context["events"]])


@dataclass(frozen=True)
class Shape:
    """One representation: how a persona fetches it (None when refused), the markers it must
    show to `readers` and never to anyone else."""

    name: str
    fetch: Callable[[Any, Any], str | None]
    markers: tuple[str, ...]
    readers: set[str]


def case_url(name: str) -> Callable[[Any], str]:
    return lambda w: reverse(name, args=[w.case.pk])


SHAPES = [
    # --- the timeline: API and the case page ----------------------------------------------------
    Shape(
        "timeline API: health", lambda c, w: _json(c, case_url("v1:case-timeline")(w)), (HEALTH_CODE,), HEALTH_READERS
    ),
    Shape(
        "timeline API: health category",
        lambda c, w: _json(c, case_url("v1:case-timeline")(w)),
        (HEALTH_CATEGORY,),
        HEALTH_READERS,
    ),
    Shape("timeline API: tier 3", lambda c, w: _json(c, case_url("v1:case-timeline")(w)), (TIER_3,), SENSITIVE_READERS),
    Shape("timeline page: health", _timeline_page, (HEALTH_CODE, HEALTH_CATEGORY), HEALTH_READERS),
    Shape("timeline page: tier 3", _timeline_page, (TIER_3,), SENSITIVE_READERS),
    # --- referrals: API (detail, list, history), page, the case's referrals tab ------------------
    Shape(
        "referral API",
        lambda c, w: _json(c, reverse("v1:referral-detail", args=[w.referral.pk])),
        (HEALTH_CODE, HEALTH_CATEGORY, "HEALTHSECRET-reason"),
        HEALTH_READERS,
    ),
    Shape(
        "referral list API",
        lambda c, w: _json(c, reverse("v1:referral-list"), case=str(w.case.pk)),
        (HEALTH_CODE, "HEALTHSECRET-reason"),
        HEALTH_READERS,
    ),
    Shape(
        "referral history API",
        lambda c, w: _json(c, reverse("v1:referral-events", args=[w.referral.pk])),
        ("HEALTHSECRET-accept",),
        HEALTH_READERS,
    ),
    Shape(
        "referral page",
        lambda c, w: _page(c, reverse("referrals:detail", args=[w.referral.pk])),
        (HEALTH_NAME, "HEALTHSECRET-reason", "HEALTHSECRET-accept"),
        HEALTH_READERS,
    ),
    Shape(  # my organisation's referrals: the case's own office only
        "sent referrals page",
        lambda c, w: _page(c, reverse("referrals:sent")),
        (HEALTH_NAME,),
        {"social_worker", "manager"},
    ),
    Shape(
        "case page referrals tab",
        lambda c, w: _page(c, case_url("casework:case-detail")(w), tab="referrals"),
        (HEALTH_NAME,),
        HEALTH_READERS,
    ),
    Shape(
        "consent override API",
        lambda c, w: _json(c, reverse("v1:consent-override-detail", args=[w.override.pk])),
        ("HEALTHSECRET-override",),
        HEALTH_READERS,
    ),
    # --- consents -------------------------------------------------------------------------------
    Shape(
        "consent API",
        lambda c, w: _json(c, reverse("v1:consent-detail", args=[w.consent.pk])),
        (HEALTH_CODE, HEALTH_CATEGORY, "HEALTHSECRET-purpose"),
        HEALTH_READERS,
    ),
    Shape(
        "consent list API",
        lambda c, w: _json(c, reverse("v1:consent-list"), case=str(w.case.pk)),
        (HEALTH_CODE, "HEALTHSECRET-purpose"),
        HEALTH_READERS,
    ),
    # --- non-residential records: also the shelter's staff, who gave the assistance -------------
    Shape(
        "non-residential API",
        lambda c, w: _json(c, reverse("v1:non-residential-list"), case=str(w.case.pk)),
        (HEALTH_CODE, "HEALTHSECRET-assisted"),
        HEALTH_READERS | {"shelter_staff"},
    ),
    # --- services and notes themselves (the rule the others follow) -----------------------------
    Shape(
        "service list API",
        lambda c, w: _json(c, reverse("v1:service-list"), case=str(w.case.pk)),
        (HEALTH_CODE,),
        HEALTH_READERS,
    ),
    Shape(
        "note list API",
        lambda c, w: _json(c, reverse("v1:note-list"), case=str(w.case.pk)),
        ("HEALTHSECRET-note",),
        SENSITIVE_READERS,
    ),
    # --- the case plan: its health goals ----------------------------------------------------------
    Shape(
        "plan API",
        lambda c, w: _json(c, case_url("v1:case-plan")(w)),
        ("'support_type': 'health'", "HEALTHSECRET-goal"),
        HEALTH_READERS,
    ),
    Shape(
        "plan tab: the draft and the approved version",
        lambda c, w: _page(c, case_url("casework:case-detail")(w), tab="plan"),
        ("HEALTHSECRET-goal", "HEALTHSECRET-approved"),
        HEALTH_READERS,
    ),
    # --- notifications: case codes and links only, for everyone ----------------------------------
    Shape(
        "notifications page",
        lambda c, w: _page(c, reverse("notifications:list")),
        ("medical_care", HEALTH_NAME, "HEALTHSECRET"),
        set(),
    ),
    # --- exports: the subject access export (managers over the case; tier 3 stays with the
    # counsellor, so its timeline row is not exported either) ------------------------------------
    Shape(
        "subject access export: health",
        lambda c, w: _page(c, case_url("casework:subject-access")(w)),
        ("medical_care", "HEALTHSECRET-purpose", "HEALTHSECRET-assisted"),
        {"manager"},
    ),
    Shape(
        "subject access export: tier 3",
        lambda c, w: _page(c, case_url("casework:subject-access")(w)),
        ('"note_kind": "counselling"',),
        set(),
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("shape", SHAPES, ids=lambda shape: shape.name)
def test_health_reaches_only_its_readers(shape, health_world, client):
    failures = []
    for persona in sorted(AUTHENTICATED):
        client.force_login(getattr(health_world.people, persona))
        shown = shape.fetch(client, health_world) or ""
        for marker in shape.markers:
            if persona in shape.readers and marker not in shown:
                failures.append(f"{persona}: {marker} missing")
            elif persona not in shape.readers and marker in shown:
                failures.append(f"{persona}: {marker} leaked")
        client.logout()
    assert not failures, failures


@pytest.mark.django_db
def test_the_police_and_the_emergency_reader_see_the_rest_of_the_case(health_world, client):
    """Withholding health is not refusing the case: both still read its other services and its
    referral (without the health parts), so the shapes above test withholding, not a 404."""
    for persona in ("police", "national_manager"):
        client.force_login(getattr(health_world.people, persona))
        timeline = _json(client, reverse("v1:case-timeline", args=[health_world.case.pk]))
        referral = client.get(reverse("v1:referral-detail", args=[health_world.referral.pk])).json()
        consent = client.get(reverse("v1:consent-detail", args=[health_world.consent.pk])).json()
        assert timeline is not None and "'legal_aid'" in timeline, persona
        assert referral["service_types"] == ["legal_aid"] and referral["shared_categories"] == ["identity"], persona
        assert "reason" not in referral and "outcome" not in referral, persona
        assert consent["service_types"] == ["legal_aid"] and "purpose" not in consent, persona
        plan = client.get(reverse("v1:case-plan", args=[health_world.case.pk])).json()
        assert [goal["support_type"] for goal in plan["goals"]] == ["education"], persona
        client.logout()


@pytest.mark.django_db
def test_a_subject_access_export_leaves_out_a_case_read_under_emergency_access(people, health_world, client):
    """The manager exports a person whose second case, in another province, they opened through
    an emergency grant: that case (and its health service) is counted, not exported."""
    person = health_world.case.person
    # The other office learns of the person through a share, and opens its own case for her.
    cases.case_share(
        actor=people.social_worker, case=health_world.case, organisation=people.outsider.organisation, purpose="x"
    )
    other = open_case(people.outsider, person=person, registration_province=None)
    assistance.service_add(actor=people.outsider, case=other, service_type=ServiceType.objects.get(code="counselling"))
    break_glass.break_glass_open(actor=people.manager, case_code=person.case_code, reason="she is missing tonight")
    client.force_login(people.manager)
    document = client.get(reverse("casework:subject-access", args=[health_world.case.pk])).json()
    assert [case["id"] for case in document["cases"]] == [str(health_world.case.pk)]
    assert document["cases_outside_your_scope"] == 1
    assert "counselling" not in str([case["services"] for case in document["cases"]])
