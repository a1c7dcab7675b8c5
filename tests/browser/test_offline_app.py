"""The field app (docs/offline.md) in Chromium with its network switched off: a worker sets up a
device online, takes a case, goes offline, registers and screens a child, writes a note, then
syncs; the same field changed on the server and on the device is shown with both values until
the worker chooses; a sync cut off mid-way resumes without a duplicate; the device's IndexedDB,
read raw, holds no readable name; a wipe ordered by an administrator empties the device."""

from __future__ import annotations

import io
import random
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import Page, expect

from casework.models import Attachment, Case, CaseNote, FollowUpVisit, Indicator
from casework.services.attachments import attachment_read
from casework.services.people import person_update
from offline.models import Device, SyncWrite, WriteStatus
from tests.attachments import GPS_TAG, attachment_storage, jpeg_with_gps
from tests.browser.conftest import assert_no_horizontal_scroll, login_as, screenshot, watched_page
from tests.factories import open_case

__all__ = ["attachment_storage"]
PIN = "246810"
NAMES = {"given_name_latin": "Bounmy", "family_name_latin": "Fieldtest", "sex": "female"}

DUMP_INDEXEDDB = """async () => {
    const db = await new Promise((ok, fail) => {
        const opening = indexedDB.open("pathway-offline");
        opening.onsuccess = () => ok(opening.result);
        opening.onerror = () => fail(opening.error);
    });
    const bytes = (value) => value instanceof Uint8Array || value instanceof ArrayBuffer
        ? Array.from(new Uint8Array(value), (b) => String.fromCharCode(b)).join("") : value;
    const dump = {};
    for (const name of db.objectStoreNames) {
        dump[name] = await new Promise((ok) => {
            const reading = db.transaction(name).objectStore(name).getAll();
            reading.onsuccess = () => ok(JSON.stringify(reading.result, (key, value) => bytes(value)));
        });
    }
    db.close();
    return dump;
}"""


def assert_accessible(page: Page) -> None:
    """axe-core finds nothing serious or critical (as tests/browser/test_accessibility.py asks
    of every server-rendered page; the field app's screens are drawn by its script)."""
    from axe_playwright_python.sync_playwright import Axe

    found = [
        f"{violation['impact']} {violation['id']}: {[node['target'] for node in violation['nodes'][:3]]}"
        for violation in Axe().run(page).response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]
    assert found == []
    assert_no_horizontal_scroll(page)


def set_up_device(page: Page, user: Any, case_codes: list[str]) -> None:
    """Log in online, open the field app, choose the PIN and take the cases."""
    login_as(page, user)
    page.goto("/offline/")
    page.get_by_label("Offline PIN").fill(PIN)
    page.get_by_label("The same PIN again").fill(PIN)
    page.locator("#setup button[type=submit]").click()
    for code in case_codes:
        page.locator("#take label", has_text=code).locator("input").check()
    page.get_by_role("button", name="Keep the chosen cases on this device").click()
    expect(page.locator("#cases")).to_contain_text(case_codes[0] if case_codes else "")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")


def go_offline_and_unlock(page: Page) -> None:
    page.context.set_offline(True)
    page.reload()  # served by the service worker from its cache
    page.get_by_label("Offline PIN").fill(PIN)
    page.get_by_role("button", name="Unlock").click()
    expect(page.locator("#net")).to_contain_text("Offline")


def sync(page: Page, expected: str) -> None:
    page.get_by_role("button", name="Sync now").click()
    expect(page.locator("#sync-status")).to_contain_text(expected)


def test_register_screen_and_note_offline_then_sync(page: Page, people) -> None:  # type: ignore[no-untyped-def]
    case = open_case(people.social_worker, person_values=NAMES)
    visit = FollowUpVisit.objects.create(case=case, due_on=timezone.localdate() + timedelta(days=2))
    set_up_device(page, people.social_worker, [case.person.case_code])
    go_offline_and_unlock(page)

    page.locator("#cases a", has_text=case.person.case_code).click()
    page.get_by_role("link", name="Record a visit").click()
    page.get_by_label("Met with", exact=True).fill("her mother")
    page.get_by_label("Note", exact=True).fill("Back at school")
    page.get_by_role("button", name="Save on this device").click()
    page.get_by_role("link", name="Back").click()

    page.get_by_role("link", name="Register a person").click()
    page.get_by_label("given name (Latin letters)").fill("Chanthaly")
    page.get_by_label("family name (Latin letters)").fill("Offlinechild")
    page.get_by_label("Sex").select_option("female")
    page.get_by_label("Date of birth").fill("02/04/2014")
    page.get_by_label("Category").select_option("trafficking")
    page.get_by_label("Identification route").select_option("border_police")
    page.get_by_role("button", name="Save on this device").click()
    expect(page.locator("h1")).to_contain_text("TMP-")

    page.get_by_role("link", name="Screen").click()
    act = Indicator.objects.filter(active=True, element="act", strength="strong", applies_to__in=["child", "both"])
    purpose = Indicator.objects.filter(active=True, element="purpose", strength="strong").exclude(applies_to="adult")
    expect(page.locator("#suggested")).to_have_text("Not a victim")
    page.locator(f"input[value='{act.first().code}']").check()
    expect(page.locator("#suggested")).to_have_text("Needs further assessment")
    page.locator(f"input[value='{purpose.first().code}']").check()
    expect(page.locator("#suggested")).to_have_text("Possible victim")  # a child: act and purpose suffice
    page.get_by_label("Place", exact=True).select_option("border_office")
    page.get_by_label("A guardian or social worker was present").select_option("yes")
    screenshot(page, "offline-screening")
    page.get_by_role("button", name="Save on this device").click()

    page.get_by_role("link", name="Write a note").click()
    page.get_by_label("Note", exact=True).fill("Met at the bridge, waiting for her aunt Vanida")
    page.get_by_role("button", name="Save on this device").click()
    page.get_by_role("link", name="Back").click()
    expect(page.locator("#sync-status")).to_contain_text("4")

    stored = page.evaluate(DUMP_INDEXEDDB)
    everything = "\n".join(stored.values())
    assert stored["records"].count('"ct"') >= 6  # two cases and four writes, all ciphertext
    for secret in ("Chanthaly", "Offlinechild", "Bounmy", "Fieldtest", "Vanida"):
        assert secret not in everything, f"{secret} readable in IndexedDB"

    page.context.set_offline(False)
    sync(page, "Everything is synced.")
    intake = SyncWrite.objects.get(kind="intake")
    new_case = Case.objects.select_related("person").get(pk=intake.answer["case_id"])
    assert new_case.person.given_name_latin == "Chanthaly" and new_case.assigned_worker == people.social_worker
    assert intake.case_code == new_case.person.case_code and intake.temp_code.startswith("TMP-")
    screening = new_case.screenings.get()
    assert screening.outcome == screening.suggested_outcome == "possible_victim"
    assert screening.guardian_or_social_worker_present is True
    assert CaseNote.objects.get(case=new_case).text == "Met at the bridge, waiting for her aunt Vanida"
    expect(page.locator("#cases")).to_contain_text(new_case.person.case_code)  # the temporary code replaced
    visit.refresh_from_db()
    assert visit.done_on == timezone.localdate() and visit.met_with == "her mother" and visit.notes == "Back at school"


def noise_png(side: int) -> bytes:
    """A PNG that does not compress: larger than a small limit."""
    pixels = random.Random(7).randbytes(side * side * 3)
    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), pixels).save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize("attachment_storage", ["filesystem"], indirect=True)
def test_a_photo_of_a_document_taken_offline_is_added_at_sync(page: Page, people, settings, attachment_storage) -> None:  # type: ignore[no-untyped-def]
    settings.ATTACHMENT_MAX_BYTES = 100_000  # the device learns the limit with the reference data
    case = open_case(people.social_worker, person_values=NAMES)
    set_up_device(page, people.social_worker, [case.person.case_code])
    go_offline_and_unlock(page)
    page.locator("#cases a").first.click()

    page.get_by_role("link", name="Photo of a document").click()
    photo = page.locator("input[type=file]")
    assert photo.get_attribute("accept") == "image/*" and photo.get_attribute("capture") == "environment"
    photo.set_input_files({"name": "big.png", "mimeType": "image/png", "buffer": noise_png(300)})
    page.get_by_role("button", name="Save on this device").click()
    expect(page.locator("[data-error=file]")).to_contain_text("too large")  # refused before queuing
    jpeg = jpeg_with_gps()
    assert len(jpeg) < settings.ATTACHMENT_MAX_BYTES
    photo.set_input_files({"name": "id.jpg", "mimeType": "image/jpeg", "buffer": jpeg})
    page.get_by_label("Kind of document").select_option("travel_document")
    page.get_by_label("Description").fill("Passport, first page")
    screenshot(page, "offline-photo")
    page.get_by_role("button", name="Save on this device").click()
    page.get_by_role("link", name="Back").click()
    expect(page.locator("#sync-status")).to_contain_text("1")

    everything = "\n".join(page.evaluate(DUMP_INDEXEDDB).values())
    for magic in ("\xff\xd8\xff", "\x89PNG", "/9j/", "iVBORw0KGgo", "Passport"):  # raw and base64
        assert magic not in everything, f"{magic!r} readable in IndexedDB"

    page.context.set_offline(False)
    sync(page, "Everything is synced.")
    added = Attachment.objects.get(case=case)
    assert added.kind == "travel_document" and added.description == "Passport, first page"
    assert added.content_type == "image/jpeg" and added.added_by == people.social_worker
    assert SyncWrite.objects.get(kind="photo").answer["attachment_id"] == str(added.pk)
    content = attachment_read(actor=people.social_worker, attachment_id=added.pk)[1]
    assert Image.open(io.BytesIO(content)).getexif().get(GPS_TAG) is None


def test_a_field_changed_on_both_sides_waits_for_the_workers_choice(page: Page, people) -> None:  # type: ignore[no-untyped-def]
    case = open_case(people.social_worker, person_values=NAMES)
    set_up_device(page, people.social_worker, [case.person.case_code])
    go_offline_and_unlock(page)
    page.locator("#cases a").first.click()
    page.get_by_role("link", name="Correct the identity").click()
    page.get_by_label("Phone").fill("020 5555 1111")
    page.get_by_role("button", name="Save on this device").click()
    person_update(actor=people.social_worker, person=case.person, phone="020 7777 2222")  # at the office

    page.context.set_offline(False)
    page.get_by_role("link", name="Back").click()
    sync(page, "Choose between two values")
    conflict = page.locator("form.conflict")
    expect(conflict).to_contain_text("020 7777 2222")
    expect(conflict).to_contain_text("020 5555 1111")
    case.person.refresh_from_db()
    assert case.person.phone == "020 7777 2222"  # nothing overwritten
    waiting = SyncWrite.objects.get(kind="person")
    assert waiting.status == WriteStatus.CONFLICT and "020 5555 1111" in waiting.conflict
    screenshot(page, "offline-conflict")
    assert_accessible(page)

    conflict.locator("input[data-side=device]").check()
    conflict.get_by_role("button", name="Keep the chosen values").click()
    sync(page, "Everything is synced.")
    case.person.refresh_from_db()
    assert case.person.phone == "020 5555 1111"
    waiting.refresh_from_db()
    assert waiting.status == WriteStatus.RESOLVED and waiting.conflict == ""

    page.get_by_role("button", name="Log out and wipe this device").click()  # nothing unsynced: no warning
    expect(page.locator("main a[href*='/accounts/login/']")).to_be_visible()  # logged out too
    assert "Bounmy" not in "".join(page.evaluate(DUMP_INDEXEDDB).values())


def test_a_sync_cut_off_midway_resumes_without_duplicates(page: Page, people) -> None:  # type: ignore[no-untyped-def]
    case = open_case(people.social_worker, person_values=NAMES)
    set_up_device(page, people.social_worker, [case.person.case_code])
    go_offline_and_unlock(page)
    page.locator("#cases a").first.click()
    for number in range(12):
        page.get_by_role("link", name="Write a note").click()
        page.get_by_label("Note", exact=True).fill(f"visit note {number}")
        page.get_by_role("button", name="Save on this device").click()
        expect(page.locator(".notes")).to_contain_text(f"visit note {number}")
    page.context.set_offline(False)
    page.get_by_role("link", name="Back").click()

    def cut_after_the_server_answered(route):  # type: ignore[no-untyped-def]
        route.fetch()  # the server applies the first batch of ten...
        route.abort("connectionreset")  # ...and the answer never arrives

    page.route("**/offline/api/sync", cut_after_the_server_answered)
    sync(page, "Sync stopped")
    assert CaseNote.objects.filter(case=case).count() == 10
    page.unroute("**/offline/api/sync")
    sync(page, "Everything is synced.")
    texts = sorted(CaseNote.objects.filter(case=case).values_list("text", flat=True))
    assert texts == sorted(f"visit note {number}" for number in range(12))
    assert SyncWrite.objects.filter(kind="note", status=WriteStatus.APPLIED).count() == 12


def test_a_wipe_ordered_by_an_administrator_empties_the_device(page: Page, other_computer: Page, people) -> None:  # type: ignore[no-untyped-def]
    case = open_case(people.social_worker, person_values=NAMES)
    set_up_device(page, people.social_worker, [case.person.case_code])
    device = Device.objects.get(user=people.social_worker)

    login_as(other_computer, people.admin)
    other_computer.get_by_role("link", name="Offline devices").click()
    row = other_computer.locator("tr", has_text=people.social_worker.username)
    screenshot(other_computer, "offline-devices")
    assert_accessible(other_computer)
    row.get_by_role("button", name="Wipe this device").click()
    expect(other_computer.locator(".messages")).to_contain_text("wipe its offline data")
    device.refresh_from_db()
    assert device.wipe_ordered_by == people.admin

    page.reload()
    expect(page.locator("#wiped")).to_be_visible()
    stored = page.evaluate(DUMP_INDEXEDDB)
    assert stored.get("records", "[]") == "[]" and "Bounmy" not in "".join(stored.values())


def test_on_a_phone_in_lao_and_wiped_after_days_without_sync(browser, live_server, people) -> None:  # type: ignore[no-untyped-def]
    case = open_case(people.social_worker, person_values=NAMES)
    with watched_page(browser, live_server.url, width=360) as phone:
        login_as(phone, people.social_worker, language="lo")
        phone.goto("/offline/")
        phone.get_by_label("ລະຫັດ PIN ອອບລາຍ").fill(PIN)
        phone.get_by_label("ໃສ່ລະຫັດ PIN ດຽວກັນອີກຄັ້ງ").fill(PIN)
        phone.locator("#setup button[type=submit]").click()
        phone.locator("#take label", has_text=case.person.case_code).locator("input").check()
        phone.locator("#take button[type=submit]").click()
        expect(phone.locator("#cases")).to_contain_text(case.person.case_code)
        screenshot(phone, "offline-cases-lo")
        assert_accessible(phone)
        phone.locator("#cases a").first.click()
        phone.get_by_role("link", name="ຄັດກອງ").click()
        expect(phone.locator("#suggested")).to_have_text("ບໍ່ແມ່ນຜູ້ເຄາະຮ້າຍ")
        screenshot(phone, "offline-screening-lo")
        assert_accessible(phone)
        phone.go_back()
        phone.get_by_role("link", name="ຖ່າຍຮູບເອກະສານ").click()
        expect(phone.locator("input[type=file]")).to_have_attribute("capture", "environment")
        screenshot(phone, "offline-photo-lo")
        assert_accessible(phone)

        fifteen_days_ago = "Date.now() - 15 * 86400000"
        phone.evaluate(f"""() => new Promise((done) => {{
            const opening = indexedDB.open("pathway-offline");
            opening.onsuccess = () => {{
                const writing = opening.result.transaction("meta", "readwrite").objectStore("meta")
                    .put({fifteen_days_ago}, "last_sync");
                writing.onsuccess = () => {{ opening.result.close(); done(); }};
            }};
        }})""")
        phone.reload()
        expect(phone.locator("#wiped")).to_be_visible()
        assert "Bounmy" not in "".join(phone.evaluate(DUMP_INDEXEDDB).values())
