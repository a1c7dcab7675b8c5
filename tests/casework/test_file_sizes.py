"""File sizes in the reader's language (core.sizes): Django's filesizeformat has no Lao words,
so a Lao Files tab showed "431 bytes"."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from casework.services.attachments import attachment_add
from core.sizes import file_size
from tests.attachments import pdf, upload

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("size", "english", "lao"),
    [
        (1, "1 byte", "1 ໄບ"),
        (431, "431 bytes", "431 ໄບ"),
        (1536, "1.5 KB", "1.5 ກິໂລໄບ"),
        (20 * 1024 * 1024, "20.0 MB", "20.0 ເມກາໄບ"),
    ],
)
def test_sizes_read_in_both_languages(size, english, lao):
    with translation.override("en"):
        assert file_size(size) == english
    with translation.override("lo"):
        assert file_size(size) == lao


def test_the_lao_files_tab_has_no_english_size(people, case, settings, tmp_path):
    backend = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}
    settings.STORAGES = {**settings.STORAGES, "attachments": backend}
    attachment = attachment_add(
        actor=people.social_worker, owner_type="case", owner_id=case.pk, kind="legal", file=upload(pdf())
    )
    client = Client()
    client.force_login(people.social_worker)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "lo"
    page = client.get(reverse("casework:case-detail", args=[case.pk]) + "?tab=attachments").content.decode()
    assert f"{attachment.size} ໄບ" in page
    assert " bytes" not in page and " KB<" not in page and " MB<" not in page
