"""A case with something in every section of the printed documents: a Lao name, a screening, a
legal and a counselling (health) service, a consent and a referral to LWU, a return from
Thailand, shared with the police unit (a reader without health)."""

from __future__ import annotations

import base64
import io
from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest
from PIL import Image, ImageDraw

from accounts.models import Country
from casework.models import Indicator, ServiceType
from casework.services import assistance, cases, repatriation, screening
from referrals import services as referral_services
from tests.factories import open_case

LAO_GIVEN, LAO_FAMILY = "ນ້ອຍ", "ແກ້ວມະນີ"


def signature_png() -> str:
    """A small drawn line, as the signature pad sends it."""
    image = Image.new("RGBA", (300, 100), (255, 255, 255, 0))
    ImageDraw.Draw(image).line([(10, 80), (120, 20), (290, 70)], fill=(0, 0, 0, 255), width=4)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def build_documents_world(people: Any, orgs: Any) -> SimpleNamespace:
    sw = people.social_worker
    case = open_case(
        sw,
        person_values={
            "given_name_lo": LAO_GIVEN,
            "family_name_lo": LAO_FAMILY,
            "given_name_latin": "Noy",
            "family_name_latin": "Synthetic",
            "sex": "female",
            "date_of_birth": date(2008, 5, 1),
        },
    )
    cases.case_share(actor=sw, case=case, organisation=orgs.police, purpose="investigation")
    assistance.service_add(actor=sw, case=case, service_type=ServiceType.objects.get(code="legal_aid"))
    assistance.service_add(actor=sw, case=case, service_type=ServiceType.objects.get(code="counselling"))
    screening.screening_record(
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
    consent = referral_services.consent_record(
        actor=sw,
        case=case,
        recipient=orgs.lwu,
        data_categories=["identity", "origin"],
        service_types=[ServiceType.objects.get(code="legal_aid")],
        purpose="legal advice",
        given_by="person",
    )
    referral = referral_services.referral_send(
        actor=sw,
        referral=referral_services.referral_create(
            actor=sw,
            case=case,
            to_organisation=orgs.lwu,
            service_types=[ServiceType.objects.get(code="legal_aid")],
            urgency="routine",
            reason="legal advice on wages owed",
            shared_categories=["identity"],
            consent=consent,
        ),
    )
    trip = repatriation.repatriation_start(
        actor=sw, case=case, flow="thailand_mou", from_country=Country.objects.get(code="TH")
    )
    return SimpleNamespace(case=case, consent=consent, referral=referral, trip=trip, people=people, orgs=orgs)


@pytest.fixture
def world(people, orgs):  # type: ignore[no-untyped-def]
    return build_documents_world(people, orgs)
