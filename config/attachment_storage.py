"""The storage of attachments (settings.STORAGES["attachments"], docs/deployment.md: Attachments).

Files are encrypted before they are written (core.envelope), so the storage only ever holds
ciphertext under random names: an S3-compatible bucket (MinIO in docker-compose.yml) when one is
named, a local folder otherwise (var/attachments; under pytest a temporary folder of the test
process, removed at its end, so that tests never write into the checkout)."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any


def backend(
    *,
    bucket: str | None,
    endpoint: str | None,
    access_key: str | None,
    secret_key: str | None,
    region: str,
    folder: str,
) -> dict[str, Any]:
    if bucket:
        options = {
            "bucket_name": bucket,
            "endpoint_url": endpoint,
            "access_key": access_key,
            "secret_key": secret_key,
            "region_name": region,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
            "addressing_style": "path",
        }
        return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
    return {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": folder or _default_folder(), "base_url": None},
    }


def _default_folder() -> str:
    if "PYTEST_VERSION" not in os.environ:
        return str(Path(__file__).resolve().parent.parent / "var" / "attachments")
    folder = tempfile.mkdtemp(prefix="pathway-attachments-")
    atexit.register(shutil.rmtree, folder, True)
    return folder
