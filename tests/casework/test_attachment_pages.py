"""The Files tab of the case page, the download, deletion with a reason, the API (multipart upload
in the OpenAPI schema), a referral's files for its receiver under the consent, and a stay's files
for the shelter's staff."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.urls import reverse
from PIL import Image

from casework.models import Attachment
from casework.services.attachments import attachment_add
from referrals.services.consent import consent_withdraw
from shelters import services as shelter_services
from tests.attachments import GPS_TAG, jpeg_with_gps, pdf, upload
from tests.clients import client_for
from tests.factories import BedFactory, ShelterFactory
from tests.referrals import adult_case, sent_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def folder(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }


def tab(case):
    return reverse("casework:case-detail", args=[case.pk]) + "?tab=attachments"


def test_upload_a_photo_on_the_case_page_and_download_it_without_its_location(people, case):
    client = client_for(people.social_worker)
    page = client.get(tab(case))
    assert page.status_code == 200 and b'enctype="multipart/form-data"' in page.content
    response = client.post(
        reverse("casework:attachment-upload", args=[case.pk]),
        {
            "owner": f"case:{case.pk}",
            "kind": "photo",
            "description": "for family tracing",
            "file": upload(jpeg_with_gps(), "IMG_0001.jpg"),
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("?tab=attachments")
    attachment = Attachment.objects.get()
    listed = client.get(tab(case)).content.decode()
    assert "for family tracing" in listed and reverse("casework:attachment-download", args=[attachment.pk]) in listed
    download = client.get(reverse("casework:attachment-download", args=[attachment.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "image/jpeg"
    assert (
        download["Content-Disposition"].startswith("attachment;") and "IMG_0001" not in download["Content-Disposition"]
    )
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Security-Policy"].startswith("default-src 'none'; sandbox")
    assert download["Cache-Control"] == "no-store"
    assert Image.open(io.BytesIO(download.content)).getexif().get(GPS_TAG) is None


def test_a_refused_file_shows_the_reason_next_to_the_field(people, case):
    client = client_for(people.social_worker)
    response = client.post(
        reverse("casework:attachment-upload", args=[case.pk]),
        {"owner": f"case:{case.pk}", "kind": "legal", "file": upload(b"<script>alert(1)</script>", "statement.pdf")},
    )
    assert response.status_code == 400
    assert "This type of file is not accepted" in response.content.decode()
    assert not Attachment.objects.exists()


def test_deleting_asks_for_a_reason(people, case):
    attachment = attachment_add(
        actor=people.social_worker, owner_type="case", owner_id=case.pk, kind="legal", file=upload(pdf())
    )
    client = client_for(people.social_worker)
    url = reverse("casework:attachment-delete", args=[attachment.pk])
    prefix = f"delete-{attachment.pk}"
    assert client.post(url, {f"{prefix}-reason": ""}).status_code == 400
    assert client_for(people.manager).post(url, {f"{prefix}-reason": "x"}).status_code == 403
    response = client.post(url, {f"{prefix}-reason": "uploaded to the wrong case"})
    assert response.status_code == 302
    attachment.refresh_from_db()
    assert attachment.delete_reason == "uploaded to the wrong case"
    assert client.get(reverse("casework:attachment-download", args=[attachment.pk])).status_code == 404


def test_police_see_the_tab_without_the_medical_certificate(people, case):
    from casework.services.cases import case_share

    case_share(actor=people.social_worker, case=case, organisation=people.police.organisation, purpose="inv")
    medical = attachment_add(
        actor=people.social_worker,
        owner_type="case",
        owner_id=case.pk,
        kind="medical",
        file=upload(pdf()),
        description="medical certificate",
    )
    police = client_for(people.police)
    page = police.get(tab(case)).content.decode()
    assert "medical certificate" not in page
    assert police.get(reverse("casework:attachment-download", args=[medical.pk])).status_code == 404
    assert police.get(reverse("v1:attachment-detail", args=[medical.pk])).status_code == 404


def test_the_api_uploads_multipart_lists_downloads_and_deletes(people, case, api):
    api.force_authenticate(people.social_worker)
    created = api.post(
        reverse("v1:attachment-list"),
        {"owner_type": "person", "owner_id": str(case.person_id), "kind": "identity_document", "file": upload(pdf())},
        format="multipart",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["tier"] == "identity" and body["case"] is None and "data_key" not in body and "storage_name" not in body
    listed = api.get(reverse("v1:attachment-list"), {"person": str(case.person_id)}).json()
    assert [row["id"] for row in listed["results"]] == [body["id"]]
    download = api.get(reverse("v1:attachment-download", args=[body["id"]]))
    assert download.status_code == 200 and download.content.startswith(b"%PDF")
    refused = api.post(
        reverse("v1:attachment-list"),
        {"owner_type": "case", "owner_id": str(case.pk), "kind": "photo", "file": upload(b"GIF89a" + b"\x00" * 20)},
        format="multipart",
    )
    assert refused.status_code == 400 and "file" in refused.json()["errors"]
    assert api.post(reverse("v1:attachment-delete-file", args=[body["id"]]), {"reason": ""}).status_code == 400
    assert api.post(reverse("v1:attachment-delete-file", args=[body["id"]]), {"reason": "duplicate"}).status_code == 204


def test_the_schema_documents_the_multipart_upload(people, api):
    api.force_authenticate(people.social_worker)
    schema = api.get(reverse("schema"), {"format": "json"}).json()
    upload_body = schema["paths"]["/api/v1/attachments/"]["post"]["requestBody"]["content"]
    assert list(upload_body) == ["multipart/form-data"]


def test_a_partner_reads_only_what_the_consent_covers_and_nothing_once_it_is_withdrawn(people, orgs):
    case = adult_case(people.social_worker)
    referral = sent_for(people.social_worker, case, orgs.lwu, categories=("identity",))

    def attach(kind):
        return attachment_add(
            actor=people.social_worker, owner_type="referral", owner_id=referral.pk, kind=kind, file=upload(pdf())
        )

    identity, medical, legal = attach("identity_document"), attach("medical"), attach("legal")
    receiver = client_for(people.counsellor)  # LWU answers referrals
    page = receiver.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert reverse("casework:attachment-download", args=[identity.pk]) in page
    for hidden in (medical, legal):
        assert reverse("casework:attachment-download", args=[hidden.pk]) not in page
        assert receiver.get(reverse("casework:attachment-download", args=[hidden.pk])).status_code == 404
    assert receiver.get(reverse("casework:attachment-download", args=[identity.pk])).status_code == 200
    consent_withdraw(actor=people.social_worker, consent=referral.consent, note="changed her mind")
    assert receiver.get(reverse("casework:attachment-download", args=[identity.pk])).status_code == 404


def test_the_shelter_staff_read_a_residents_stay_files_but_not_her_medical_ones(people, orgs, case):
    shelter = ShelterFactory(code="f-shelter", operator=orgs.mlsw_vt)
    shelter_services.staff_post(actor=people.admin, shelter=shelter, user=people.shelter_staff)
    stay = shelter_services.stay_admit(
        actor=people.shelter_staff,
        shelter=shelter,
        case=case,
        admitted_on=date.today(),
        bed=BedFactory(shelter=shelter),
    )

    def attach(kind):
        return attachment_add(
            actor=people.social_worker, owner_type="stay", owner_id=stay.pk, kind=kind, file=upload(pdf())
        )

    consent_form, medical = attach("consent_form"), attach("medical")
    staff = client_for(people.shelter_staff)
    assert staff.get(reverse("casework:attachment-download", args=[consent_form.pk])).status_code == 200
    assert staff.get(reverse("casework:attachment-download", args=[medical.pk])).status_code == 404


def test_the_upload_form_offers_every_record_of_the_case_the_worker_may_attach_to(people, orgs, case):
    from accounts.models import Country
    from casework.attachment_forms import owner_choices
    from casework.models import ServiceType
    from casework.services import assistance, repatriation

    assistance.service_add(
        actor=people.social_worker, case=case, service_type=ServiceType.objects.get(code="legal_aid")
    )
    trip = repatriation.repatriation_start(
        actor=people.social_worker, case=case, flow="thailand_mou", from_country=Country.objects.get(code="TH")
    )
    step = trip.steps.order_by("position").first()
    shelter = ShelterFactory(code="o-shelter", operator=orgs.mlsw_vt)
    shelter_services.staff_post(actor=people.admin, shelter=shelter, user=people.shelter_staff)
    shelter_services.stay_admit(
        actor=people.shelter_staff,
        shelter=shelter,
        case=case,
        admitted_on=date.today(),
        bed=BedFactory(shelter=shelter),
    )
    offered = {value.split(":")[0] for value, _label in owner_choices(people.social_worker, case)}
    assert offered == {"person", "case", "service", "repatriation_step", "stay"}
    assert owner_choices(people.manager, case) == []  # reads the case, changes nothing on it
    attachment = attachment_add(
        actor=people.social_worker,
        owner_type="repatriation_step",
        owner_id=step.pk,
        kind="travel_document",
        file=upload(pdf()),
    )
    assert attachment.case == case and attachment.tier == "identity"


def test_the_list_costs_the_same_queries_for_one_file_or_ten(people, case, api, django_assert_max_num_queries):
    api.force_authenticate(people.social_worker)
    for _ in range(10):
        attachment_add(
            actor=people.social_worker, owner_type="case", owner_id=case.pk, kind="legal", file=upload(pdf())
        )
    with django_assert_max_num_queries(12):
        listed = api.get(reverse("v1:attachment-list"), {"case": str(case.pk)})
    assert listed.json()["count"] == 10
