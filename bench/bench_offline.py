"""The field app's figures (docs/offline.md): the size of what a device keeps to start offline
(the shell its service worker caches, and the reference data), and the time to sync 100 writes
queued offline, measured in Chromium end to end: the app decrypts its queue, sends it in batches
of ten to a live server, which applies each write through the casework services.

Run by hand on a database of its own (created if missing, migrated, reference data loaded):

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/pathway_bench_offline \\
        .venv/bin/python bench/bench_offline.py --writes 100 --runs 3

Each run: a fresh worker and case, a device set up through the app, the network switched off,
`--writes` notes written through the note form (queued, encrypted), the network back on, then
the time from the click on "Sync now" to "Everything is synced.". Prints each run's seconds.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's loop runs in this thread; the ORM calls are ours

from bench.bench_import import prepared_database  # noqa: E402

PIN = "135790"


def bundle_sizes(client) -> list[tuple[str, int, int]]:  # type: ignore[no-untyped-def]
    """Each file the service worker caches, with its bytes and gzip bytes (served compressed)."""
    from django.contrib.staticfiles import finders

    from offline.views import SHELL_FILES, SITE_FILES

    rows = []
    for name in (*SITE_FILES, *SHELL_FILES):
        content = Path(finders.find(name)).read_bytes()
        rows.append((f"static/{name}", len(content), len(gzip.compress(content))))
    for url in ("/offline/", "/offline/sw.js", "/offline/manifest.webmanifest", "/offline/api/reference"):
        content = client.get(url).content
        rows.append((url, len(content), len(gzip.compress(content))))
    return rows


def one_run(browser, base_url: str, writes: int) -> float:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    from accounts.models import Organisation, Role
    from casework.models import CaseNote
    from tests.factories import make_user, open_case

    suffix = uuid.uuid4().hex[:6]
    worker = make_user(f"bench-sw-{suffix}", Organisation.objects.get(code="bench-offline"), Role.SOCIAL_WORKER)
    worker.set_password("bench-password-offline-1")
    worker.language = "en"
    worker.save()
    case = open_case(worker, person_values={"given_name_latin": "Bench", "sex": "female"})
    context = browser.new_context(base_url=base_url, viewport={"width": 360, "height": 800})
    context.set_default_timeout(120_000)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(worker.username)
    page.locator("#id_password").fill("bench-password-offline-1")
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_load_state()
    page.goto("/offline/")
    page.get_by_label("Offline PIN").fill(PIN)
    page.get_by_label("The same PIN again").fill(PIN)
    page.locator("#setup button[type=submit]").click()
    page.locator("#take label", has_text=case.person.case_code).locator("input").check()
    page.get_by_role("button", name="Keep the chosen cases on this device").click()
    page.locator("#cases a").first.click()
    context.set_offline(True)
    for number in range(writes):
        page.get_by_role("link", name="Write a note").click()
        page.get_by_label("Note", exact=True).fill(f"bench note {number}")
        page.get_by_role("button", name="Save on this device").click()
        expect(page.locator(".notes li").first).to_contain_text(f"bench note {number}")
    context.set_offline(False)
    page.get_by_role("link", name="Back").click()
    expect(page.get_by_role("button", name="Sync now")).to_be_enabled()
    started = time.perf_counter()
    page.get_by_role("button", name="Sync now").click()
    expect(page.locator("#sync-status")).to_contain_text("Everything is synced.", timeout=600_000)
    elapsed = time.perf_counter() - started
    context.close()
    assert CaseNote.objects.filter(case=case).count() == writes
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--writes", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="also the rows of `pathway bench`, as JSON, last")
    arguments = parser.parse_args()
    prepared_database(os.environ["DATABASE_URL"])

    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.test import Client
    from django.test.testcases import LiveServerThread
    from playwright.sync_api import sync_playwright

    from accounts.models import Organisation, OrganisationKind, Province
    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
    from tests.factories import make_user

    Organisation.objects.get_or_create(
        code="bench-offline",
        defaults={
            "name_en": "Bench offline",
            "kind": OrganisationKind.MLSW,
            "province": Province.objects.get(code="VT"),
        },
    )
    reader = make_user(
        f"bench-ref-{uuid.uuid4().hex[:6]}", Organisation.objects.get(code="bench-offline"), "social_worker"
    )
    client = Client()
    client.force_login(reader)
    sizes = bundle_sizes(client)
    for name, raw, packed in sizes:
        print(f"{name:45} {raw:>9,} B  gzip {packed:>8,} B")
    print(f"{'total':45} {sum(r for _, r, _ in sizes):>9,} B  gzip {sum(p for _, _, p in sizes):>8,} B")

    server = LiveServerThread("localhost", StaticFilesHandler, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            times = [
                one_run(browser, f"http://localhost:{server.port}", arguments.writes) for _ in range(arguments.runs)
            ]
            browser.close()
    finally:
        server.terminate()
    print(f"sync of {arguments.writes} queued writes: " + ", ".join(f"{t:.2f} s" for t in times))
    print(f"p50 {statistics.median(times):.2f} s; load average {os.getloadavg()}")
    if arguments.json:
        shell = "what a device keeps (gzip)"
        print(
            json.dumps(
                [
                    [shell, "total", sum(p for _, _, p in sizes) / 1000, None, None, "kB"],
                    [
                        f"{arguments.writes} queued notes",
                        "sync",
                        statistics.median(times) * 1000,
                        None,
                        max(times) * 1000,
                    ],
                ]
            )
        )


if __name__ == "__main__":
    main()
