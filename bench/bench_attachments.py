"""Upload and download throughput of attachments (casework.services.attachments) for a 10 MB
file: the whole service path (type sniffing and checks, AES-GCM with a fresh data key, the
wrapped key, the row, the audit and timeline rows, the write to the storage; on the way back the
permission check, the audit row, the read and the decryption), on the local folder and on S3
over HTTP against a moto server this script starts (`moto_server`, beside the interpreter).

Two files: a 10 MB PDF (documents are stored as they come, so this is the cost of the checks,
the encryption and the storage) and a photo of about 10 MB (JPEG re-encoded to drop its metadata:
the cost of decoding and encoding the image dominates).

Run by hand on a database of its own (created if missing, migrated, reference data loaded):

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/pathway_bench_attachments \\
        .venv/bin/python bench/bench_attachments.py [--runs 5] [--megabytes 10]

Prints the median seconds and MB/s of each (backend, file, direction) over --runs runs; the
download's MB/s counts the stored file (a photo is stored re-encoded, smaller than it came).
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
from bench.bench_import import prepared_database  # noqa: E402


def big_pdf(megabytes: int) -> bytes:
    """A valid PDF carrying `megabytes` of incompressible data in one stream."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    stream = DecodedStreamObject()
    stream.set_data(os.urandom(megabytes * 1024 * 1024))
    page[NameObject("/PieceInfo")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def big_photo(megabytes: int) -> bytes:
    """A noisy JPEG of about `megabytes` (noise does not compress), with EXIF to strip."""
    from PIL import Image

    side = int((megabytes * 1024 * 1024 / 1.1) ** 0.5)  # noise at quality 95: about 1.1 bytes a pixel
    image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x0110] = "bench phone"
    image.save(out, format="JPEG", quality=95, exif=exif.tobytes())
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--megabytes", type=int, default=10)
    arguments = parser.parse_args()
    prepared_database(os.environ["DATABASE_URL"])
    from django.conf import settings
    from django.core.files.storage import storages

    from accounts.models import Role
    from casework.services.attachments import attachment_add, attachment_read
    from tests.attachments import free_port, make_bucket, s3_storage_settings, upload
    from tests.factories import OrganisationFactory, make_user, open_case

    suffix = uuid.uuid4().hex[:6]
    worker = make_user(f"bench-{suffix}", OrganisationFactory(code=f"bench-{suffix}"), Role.SOCIAL_WORKER)
    case = open_case(worker)
    files = {"pdf": big_pdf(arguments.megabytes), "photo": big_photo(arguments.megabytes)}

    port = free_port()
    moto = subprocess.Popen(  # our own venv's moto_server
        [str(Path(sys.executable).with_name("moto_server")), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(3)
        endpoint = f"http://127.0.0.1:{port}"
        with tempfile.TemporaryDirectory() as folder:
            backends = {
                "filesystem": {
                    "BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": folder},
                },
                "s3 (moto, HTTP)": s3_storage_settings(endpoint, make_bucket(endpoint)),
            }
            print(
                f"{'backend':<18} {'file':<6} {'MB':>6} {'upload s':>9} {'MB/s':>7}"
                f" {'stored MB':>9} {'download s':>11} {'MB/s':>7}"
            )
            for backend_name, backend in backends.items():
                # The backend of this round: Django's handler reads STORAGES once, so start it afresh.
                storages._backends = {**settings.STORAGES, "attachments": backend}
                storages._storages.clear()
                storages.__dict__.pop("backends", None)
                for file_name, content in files.items():
                    up, down, stored = [], [], 0
                    for _ in range(arguments.runs):
                        started = time.perf_counter()
                        attachment = attachment_add(
                            actor=worker, owner_type="case", owner_id=case.pk, kind="other", file=upload(content)
                        )
                        up.append(time.perf_counter() - started)
                        started = time.perf_counter()
                        attachment_read(actor=worker, attachment_id=attachment.pk)
                        down.append(time.perf_counter() - started)
                        stored = attachment.size / 1024 / 1024  # a photo comes back re-encoded: smaller
                    megabytes = len(content) / 1024 / 1024
                    u, d = statistics.median(up), statistics.median(down)
                    print(
                        f"{backend_name:<18} {file_name:<6} {megabytes:>6.1f} {u:>9.3f} {megabytes / u:>7.1f}"
                        f" {stored:>9.1f} {d:>11.3f} {stored / d:>7.1f}"
                    )
    finally:
        moto.terminate()
        moto.wait(timeout=10)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores, median of {arguments.runs} runs")


if __name__ == "__main__":
    main()
