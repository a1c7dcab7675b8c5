"""The subject access export (casework.services.subject_access): only a manager over one of the
person's cases gets it (social worker 403, outsider 404), it holds the person's data from every
app and nobody else's, every download is audited with how many records and the format, tier-3
text stays with the counsellor, and a child's record is never exported."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.test import Client
from django.urls import reverse

from accounts.models import AuditAction, AuditEvent, Role
from casework import permissions
from casework.choices import NoteKind, Tier
from casework.models import CaseNote, Person, ServiceType
from casework.services import assistance
from casework.services import people as people_services
from casework.services.subject_access import WITHHELD, subject_access_export
from referrals import services as referral_services
from seeds.generator import generate
from tests.factories import make_user, open_case
from tests.permission_checks import assert_predicate_matches_filter

pytestmark = pytest.mark.django_db


def adult(actor, given, family, **values):
    person = {
        "given_name_latin": given,
        "family_name_latin": family,
        "sex": "female",
        "date_of_birth": date(1990, 7, 15),
    }
    return open_case(actor, person_values=person, **values)


@pytest.fixture
def two(people, orgs):
    """Two adults of the social worker's office, each with family, notes, a service and a consent."""
    sw = people.social_worker
    made = []
    for given, family, relative in (("Exportee", "Subjectone", "Mothera"), ("Bystander", "Othertwo", "Motherb")):
        case = adult(sw, given, family)
        people_services.family_member_add(actor=sw, person=case.person, relationship="mother", name=relative)
        assistance.note_add(actor=sw, case=case, text=f"visited {given}")
        assistance.service_add(
            actor=sw, case=case, service_type=ServiceType.objects.get(code="legal_aid"), notes=f"lawyer for {given}"
        )
        referral_services.consent_record(
            actor=sw,
            case=case,
            recipient=orgs.lwu,
            data_categories=["identity"],
            service_types=[ServiceType.objects.get(code="counselling")],
            purpose=f"counselling {given}",
            given_by="person",
        )
        made.append(case)
    return made


def download(user, case):
    client = Client()
    client.force_login(user)
    return client.get(reverse("casework:subject-access", args=[case.pk]))


def test_only_a_manager_over_the_case_downloads_it(people, two):
    case = two[0]
    assert download(people.social_worker, case).status_code == 403
    assert download(people.police, case).status_code == 404
    assert download(people.outsider, case).status_code == 404
    assert download(people.national_manager, case).status_code == 404  # not over this office
    assert download(people.admin, case).status_code == 404
    response = download(people.manager, case)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{case.person.case_code}-subject-access.json"'
    assert response["Cache-Control"] == "no-store"


def test_the_export_holds_the_person_from_every_app_and_nobody_else(people, two):
    mine, other = two
    text = download(people.manager, mine).content.decode()
    document = json.loads(text)
    assert document["person"]["case_code"] == mine.person.case_code
    assert document["person"]["given_name_latin"] == "Exportee"
    assert [m["name"] for m in document["family"]] == ["Mothera"]
    (case,) = document["cases"]
    assert [n["text"] for n in case["notes"]] == ["visited Exportee"]
    assert [s["notes"] for s in case["services"]] == ["lawyer for Exportee"]
    assert [c["purpose"] for c in document["consents"]] == ["counselling Exportee"]
    assert document["stays"] == [] and document["referrals"] == []
    for trace in ("Bystander", "Othertwo", "Motherb", other.person.case_code, str(other.pk)):
        assert trace not in text


def test_every_export_is_audited_with_its_size_and_format(people, two):
    download(people.manager, two[0])
    event = AuditEvent.objects.get(action=AuditAction.EXPORT, object_type="casework.person")
    assert event.object_id == str(two[0].person_id) and event.actor == people.manager
    assert {"person", "family", "cases", "stays", "consents", "referrals"} <= set(event.fields)
    assert event.reason.startswith("subject access request: ") and event.reason.endswith(" records, json")
    assert int(event.reason.split(": ")[1].split()[0]) >= 6  # person, relative, case, note, service, consent...
    download(people.social_worker, two[0])
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == 1  # a refusal exports nothing


def test_counselling_notes_stay_with_the_counsellor(people, two):
    """A tier-3 note on a case the manager oversees is listed, its text withheld (only the
    assigned counsellor reads it; docs/design/access.md)."""
    case = two[0]
    CaseNote.objects.create(
        case=case, author=people.social_worker, kind=NoteKind.COUNSELLING, tier=Tier.SENSITIVE, text="private"
    )
    notes = json.loads(download(people.manager, case).content)["cases"][0]["notes"]
    assert sorted(n["text"] for n in notes) == sorted([WITHHELD, "visited Exportee"])


def test_a_childs_record_is_never_exported(people):
    child = open_case(people.social_worker)  # 17 on the identification date
    assert child.child_at_identification
    response = download(people.manager, child)
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()
    client = Client()
    client.force_login(people.manager)
    page = client.get(reverse("casework:case-detail", args=[child.pk])).content.decode()
    assert reverse("casework:subject-access", args=[child.pk]) not in page and "never exported" in page


def test_the_case_page_offers_the_download_to_managers_only(people, two):
    url = reverse("casework:subject-access", args=[two[0].pk])
    for user, shown in ((people.manager, True), (people.social_worker, False)):
        client = Client()
        client.force_login(user)
        page = client.get(reverse("casework:case-detail", args=[two[0].pk])).content.decode()
        assert (url in page) is shown


def test_the_command_exports_as_the_manager_and_refuses_others(people, two, tmp_path):
    out = tmp_path / "sar.json"
    call_command("subject_access_export", two[0].person.case_code.lower(), "--user", "mgr", "--output", str(out))
    assert json.loads(out.read_text())["person"]["family_name_latin"] == "Subjectone"
    assert AuditEvent.objects.get(action=AuditAction.EXPORT).actor == people.manager
    with pytest.raises(CommandError, match="manager"):
        call_command("subject_access_export", two[0].person.case_code, "--user", "sw")
    with pytest.raises(CommandError):
        call_command("subject_access_export", "VT-1999-99999", "--user", "mgr")


def test_export_permission_predicate_matches_filter(people, two):
    child = open_case(people.outsider)
    assert_predicate_matches_filter(
        permissions.export_person, people.all, Person.objects.filter(pk__in=[two[0].person_id, child.person_id])
    )


def test_a_full_record_from_the_generator_exports_as_json(reference):
    """Stays, referrals with events, repatriations, screenings: every kind of row serialises."""
    generate(people=150, seed=5, batch_size=150, today=date(2026, 7, 1))
    person = (
        Person.objects.filter(stays__isnull=False, cases__referrals__isnull=False, cases__child_at_identification=False)
        .exclude(cases__child_at_identification=True)
        .distinct()
        .first()
    )
    assert person is not None
    owner = person.cases.first().owner
    manager = make_user("sar-manager", owner, Role.MANAGER)
    document = subject_access_export(actor=manager, person=person)
    text = json.dumps(document, cls=DjangoJSONEncoder)
    assert document["stays"] and document["referrals"] and person.case_code in text
    assert all(case["screenings"] is not None for case in document["cases"])
