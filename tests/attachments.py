"""Files for the attachment tests, made here (no binary fixtures in the repository), and the
storage backends they run against: the local folder always, and S3 over real HTTP against a
standalone moto server (`moto_server` from moto[server]) that the fixture starts on a free port."""

from __future__ import annotations

import io
import socket
import subprocess
import sys
import time
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter

GPS_TAG = 0x8825  # EXIF GPSInfo


def jpeg_with_gps() -> bytes:
    """A phone-like photo: EXIF with a GPS position (Vientiane) and a camera model."""
    image = Image.new("RGB", (64, 48), (200, 120, 40))
    exif = Image.Exif()
    exif[0x0110] = "Synthetic Phone"  # Model
    exif[GPS_TAG] = {1: "N", 2: (17.0, 58.0, 0.0), 3: "E", 4: (102.0, 36.0, 0.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes(), comment=b"taken at the shelter")
    return out.getvalue()


def heic_with_gps() -> bytes:
    """An iPhone-like HEIC photo with a GPS position (pillow-heif writes it)."""
    from pillow_heif import register_heif_opener

    register_heif_opener()
    exif = Image.Exif()
    exif[GPS_TAG] = {1: "N", 2: (17.0, 58.0, 0.0), 3: "E", 4: (102.0, 36.0, 0.0)}
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (30, 160, 90)).save(out, format="HEIF", exif=exif.tobytes())
    return out.getvalue()


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), (0, 90, 200)).save(out, format="PNG", pnginfo=_png_text())
    return out.getvalue()


def _png_text() -> Any:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Location", "Ban Synthetic shelter")
    return info


def pdf(*, javascript: bool = False, embedded: bool = False) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if javascript:  # a script run when the document opens (pypdf 7 builds it by hand)
        from pypdf.generic import DictionaryObject, NameObject, TextStringObject

        action = DictionaryObject(
            {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert('x');")}
        )
        writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    if embedded:
        writer.add_attachment("payload.exe", b"MZ synthetic")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx(*, macros: bool = False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr("word/document.xml", "<w:document/>")
        if macros:
            archive.writestr("word/vbaProject.bin", b"\x00macro")
    return out.getvalue()


def odt() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text", compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


def upload(content: bytes, name: str = "scan.bin") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """A standalone S3-compatible server (moto in server mode) on a free port, for the session."""
    port = free_port()
    server = Path(sys.executable).with_name("moto_server")
    process = subprocess.Popen(  # our own venv's moto_server, fixed arguments
        [str(server), "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("moto_server did not start") from None
                time.sleep(0.2)
        yield endpoint
    finally:
        process.terminate()
        process.wait(timeout=10)


def s3_storage_settings(endpoint: str, bucket: str) -> dict[str, Any]:
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint,
            "access_key": "testing",
            "secret_key": "testing",
            "region_name": "us-east-1",
            "default_acl": "private",
            "file_overwrite": False,
            "addressing_style": "path",
        },
    }


def make_bucket(endpoint: str) -> str:
    import boto3

    bucket = f"pathway-{uuid.uuid4().hex[:12]}"
    boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="us-east-1",
    ).create_bucket(Bucket=bucket)
    return bucket


def stored_names(storage: Any) -> list[str]:
    """Every object the attachments storage holds (both backends)."""
    try:
        _dirs, files = storage.listdir("attachments")
    except FileNotFoundError:  # the local folder before its first file
        return []
    return sorted(files)


@pytest.fixture(params=["filesystem", "s3"])
def attachment_storage(request: Any, settings: Any, tmp_path: Path) -> Any:
    """The attachments storage of one test: a fresh local folder, or a fresh bucket on the moto
    server (over HTTP). Overriding STORAGES resets Django's cached backends."""
    if request.param == "s3":
        endpoint = request.getfixturevalue("moto_endpoint")
        backend = s3_storage_settings(endpoint, make_bucket(endpoint))
    else:
        backend = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}
    settings.STORAGES = {**settings.STORAGES, "attachments": backend}
    from django.core.files.storage import storages

    return storages["attachments"]
