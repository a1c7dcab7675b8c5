"""A photo of a document taken offline (offline.api.sync_photo): added once per idempotency key
through casework's attachment_add (its checks, GPS dropped), a bad file refused for that write
with the reason, a photo sent without its file (as JSON) refused too."""

from __future__ import annotations

import io
import json
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from casework.attachment_permissions import may_read_health_of
from casework.models import Attachment
from casework.services import attachments
from offline.models import SyncWrite, WriteStatus
from tests.attachments import GPS_TAG, attachment_storage, jpeg_with_gps, stored_names
from tests.clients import client_for
from tests.offline.test_api import keys_for

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.parametrize("attachment_storage", ["filesystem"], indirect=True),
]
__all__ = ["attachment_storage"]


def send(client, keys, case, content, *, key=None, kind="identity_document"):  # type: ignore[no-untyped-def]
    write = {
        "key": str(key or uuid.uuid4()),
        "kind": "photo",
        "case_ref": str(case.pk),
        "device_time": "2026-03-02T08:15:00+07:00",
        "payload": {"kind": kind, "description": "ID card, front"},
    }
    body = {**keys, "write": json.dumps(write), "file": SimpleUploadedFile("photo", content, "image/jpeg")}
    return client.post(reverse("offline:api-sync-photo"), body)


def test_a_photo_is_added_once_for_its_key_without_its_gps_position(people, case, attachment_storage):
    client, keys, key = client_for(people.social_worker), keys_for(people.social_worker), uuid.uuid4()
    first = send(client, keys, case, jpeg_with_gps(), key=key)
    again = send(client, keys, case, jpeg_with_gps(), key=key)  # the answer was lost: sent again
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    [answer] = first.json()["results"]
    assert answer["status"] == "applied"
    [added] = Attachment.objects.filter(case=case)
    assert str(added.pk) == answer["attachment_id"] and added.kind == "identity_document"
    assert len(stored_names(attachment_storage)) == 1
    _row, content = attachments.attachment_read(actor=people.social_worker, attachment_id=added.pk)
    assert Image.open(io.BytesIO(content)).getexif().get(GPS_TAG) is None
    assert SyncWrite.objects.get(pk=key).status == WriteStatus.APPLIED


@pytest.mark.parametrize(
    ("content", "kind", "field"),
    [
        (b"MZ\x90\x00 not a picture", "identity_document", "file"),
        (b"\xff\xd8\xff\xe0 broken jpeg" + b"\x00" * 64, "identity_document", "file"),
        (b"", "identity_document", "file"),
        (None, "passport_scan", "kind"),
    ],
)
def test_a_bad_photo_is_refused_for_that_write_with_the_reason(people, case, attachment_storage, content, kind, field):  # type: ignore[no-untyped-def]
    client, keys = client_for(people.social_worker), keys_for(people.social_worker)
    response = send(client, keys, case, jpeg_with_gps() if content is None else content, kind=kind)
    assert response.status_code == 200
    [answer] = response.json()["results"]
    assert answer["status"] == "refused" and answer["fields"][field][0]
    assert not Attachment.objects.filter(case=case).exists() and not stored_names(attachment_storage)


def test_a_photo_without_its_file_or_write_is_refused_not_a_500(people, case, attachment_storage):
    client, keys = client_for(people.social_worker), keys_for(people.social_worker)
    as_json = {
        **keys,
        "writes": [
            {
                "key": str(uuid.uuid4()),
                "kind": "photo",
                "case_ref": str(case.pk),
                "device_time": "2026-03-02T08:15:00+07:00",
                "payload": {"kind": "other"},
            }
        ],
    }
    response = client.post(reverse("offline:api-sync"), json.dumps(as_json), content_type="application/json")
    [answer] = response.json()["results"]
    assert answer["status"] == "refused" and list(answer["fields"]) == ["file"]
    broken = client.post(reverse("offline:api-sync-photo"), {**keys, "write": "{"})
    assert broken.status_code == 400 and "write" in broken.json()["fields"]
    assert client.post(reverse("offline:api-sync-photo"), {"write": "{}"}).status_code == 404
    assert not Attachment.objects.filter(case=case).exists()


def test_the_device_learns_the_kinds_the_size_limit_and_where_medical_photos_may_go(
    people, case, settings, attachment_storage
):  # type: ignore[no-untyped-def]
    client, keys = client_for(people.social_worker), keys_for(people.social_worker)
    reference = client.get(reverse("offline:api-reference")).json()
    assert reference["photo_max_bytes"] == settings.ATTACHMENT_MAX_BYTES
    assert ["medical", "Medical"] in reference["languages"]["en"]["choices"]["attachment_kind"]
    body = {**keys, "cases": [str(case.pk)]}
    [bundle] = client.post(reverse("offline:api-take"), json.dumps(body), content_type="application/json").json()[
        "cases"
    ]
    assert bundle["health_files"] is may_read_health_of(people.social_worker, case.person, case) is True
