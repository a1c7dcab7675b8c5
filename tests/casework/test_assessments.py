"""Assessments over time (issue 20.1): seeded questionnaires in Lao and English, scoring (WHO-5
as the index defines it), each assessment dated and by whom, compared with the previous one; the
tier rule of each questionnaire (wellbeing is counselling data: the assigned counsellor only,
never police); versioned questionnaires (publishing never changes an old assessment)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from accounts.models import AuditAction, AuditEvent, Role
from casework import assessment_permissions, assessment_selectors, selectors
from casework.models import Assessment, CaseEvent, Questionnaire
from casework.services import assessments, questionnaires
from casework.services.cases import case_share
from casework.services.subject_access import subject_access_export
from core.errors import ApplicationError, Conflict, NotFound, PermissionDenied
from tests.factories import make_user, open_case
from tests.permission_checks import assert_predicate_matches_filter

pytestmark = pytest.mark.django_db

WHO5_CODES = ("cheerful", "calm", "active", "rested", "interest")
NEEDS_ALL_MET = dict.fromkeys(("shelter", "health", "legal", "education", "vocational", "reintegration"), "met")


def form(code):
    return Questionnaire.objects.get(code=code)


def who5(*answers):
    return dict(zip(WHO5_CODES, answers, strict=True))


@pytest.fixture
def counselled(people):
    """A case of LWU's assigned to its counsellor: the one reader of its wellbeing answers."""
    return open_case(people.counsellor)


def test_the_seeded_forms_are_in_lao_and_english(reference):
    assert set(Questionnaire.objects.values_list("kind", flat=True)) == {"needs", "risk", "wellbeing", "best_interests"}
    for questionnaire in Questionnaire.objects.all():
        version = assessments.current_version(questionnaire)
        assert version.number == 1 and version.questions.count() >= 5
        for question in version.questions.all():
            assert question.text_en and question.text_lo and question.text_lo != question.text_en
            assert all(option["lo"] and option["en"] for option in question.options)
    assert list(form("needs").versions.get().questions.values_list("code", flat=True)) == [
        "shelter", "health", "legal", "education", "vocational", "reintegration"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("answers", "score"),
    [
        (("all_of_the_time",) * 5, 100),
        (("at_no_time",) * 5, 0),
        (("most_of_the_time", "more_than_half", "less_than_half", "some_of_the_time", "at_no_time"), 40),
        (("more_than_half",) * 4 + ("most_of_the_time",), 64),
    ],
)
def test_who5_is_the_raw_score_times_four(people, counselled, answers, score):
    done = assessments.assessment_record(
        actor=people.counsellor,
        case=counselled,
        questionnaire=form("who5"),
        answers=who5(*answers),
        assessed_on=timezone.localdate(),
    )
    assert done.score == score


def test_a_missing_item_and_a_bad_answer_are_refused_by_question(people, counselled):
    with pytest.raises(ApplicationError) as refused:
        assessments.assessment_record(
            actor=people.counsellor,
            case=counselled,
            questionnaire=form("who5"),
            answers={"cheerful": "always", "calm": "most_of_the_time", "nonsense": "x"},
            assessed_on=timezone.localdate() + timedelta(days=1),
        )
    assert set(refused.value.fields) == {"cheerful", "active", "rested", "interest", "nonsense", "assessed_on"}
    assert not Assessment.objects.exists()


def test_an_assessment_is_dated_by_whom_audited_and_on_the_timeline_without_answers(people, case):
    done = assessments.assessment_record(
        actor=people.social_worker,
        case=case,
        questionnaire=form("risk"),
        answers={"to_person": "low", "trafficker": "high", "retrafficking": "medium", "at_home": "none",
                 "community": "low"},
        assessed_on=date(2026, 11, 2),
    )  # fmt: skip
    assert (done.assessed_on, done.assessed_by, done.version.number, done.score) == (
        date(2026, 11, 2), people.social_worker, 1, 7
    )  # fmt: skip
    event = CaseEvent.objects.get(case=case, kind="assessment_recorded")
    assert event.data == {"questionnaire": "risk", "visibility": "case", "version": 1, "assessment": str(done.pk)}
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="casework.assessment").count() == 1


def test_wellbeing_is_counselling_data_police_and_managers_never_see(people, orgs, case, counselled):
    wellbeing = form("who5")
    with pytest.raises(PermissionDenied):  # sees the case, not a counsellor on it
        assessments.assessment_record(
            actor=people.social_worker, case=case, questionnaire=wellbeing, answers={}, assessed_on=date(2026, 11, 1)
        )
    with pytest.raises(NotFound):
        assessments.assessment_record(
            actor=people.outsider, case=case, questionnaire=wellbeing, answers={}, assessed_on=date(2026, 11, 1)
        )
    done = assessments.assessment_record(
        actor=people.counsellor,
        case=counselled,
        questionnaire=wellbeing,
        answers=who5(*("some_of_the_time",) * 5),
        assessed_on=date(2026, 11, 1),
    )
    lwu_manager = make_user("lwu-manager", orgs.lwu, Role.MANAGER)
    case_share(actor=people.counsellor, case=counselled, organisation=orgs.police, purpose="investigation")
    police = people.police  # sees the case now
    assert assessment_permissions.view_assessment.allows(people.counsellor, done)
    for reader in (lwu_manager, police, people.social_worker, people.admin):
        assert not assessment_permissions.view_assessment.allows(reader, done)
    assert_predicate_matches_filter(assessment_permissions.view_assessment, [*people.all, lwu_manager], [done])
    assert assessment_permissions.may_read(police, counselled, form("risk"))  # risk: tier 2, seen with the case
    assert not assessment_permissions.may_read(police, counselled, form("needs"))  # needs: health, never police
    timeline = selectors.case_timeline(user=lwu_manager, case=counselled)
    assert not timeline.filter(kind="assessment_recorded").exists()
    assert selectors.case_timeline(user=people.counsellor, case=counselled).filter(kind="assessment_recorded").exists()


def test_the_comparison_shows_answers_side_by_side_changes_and_the_score_delta(people, counselled):
    first = assessments.assessment_record(
        actor=people.counsellor,
        case=counselled,
        questionnaire=form("who5"),
        answers=who5(*("some_of_the_time",) * 5),
        assessed_on=date(2026, 10, 1),
    )
    second = assessments.assessment_record(
        actor=people.counsellor,
        case=counselled,
        questionnaire=form("who5"),
        answers=who5(
            "most_of_the_time", "some_of_the_time", "most_of_the_time", "some_of_the_time", "some_of_the_time"
        ),
        assessed_on=date(2026, 11, 1),
    )
    compared = assessment_selectors.assessment_compared(
        user=people.counsellor, case=counselled, assessment_id=second.pk
    )
    assert compared.previous == first
    assert [row.changed for row in compared.rows] == [True, False, True, False, False]
    assert (compared.rows[0].before, compared.rows[0].now) == ("Some of the time", "Most of the time")
    assert (first.score, second.score, compared.delta) == (20, 44, 24)
    assert compared.meaning == "Poor wellbeing: screen for depression."
    oldest = assessment_selectors.assessment_compared(user=people.counsellor, case=counselled, assessment_id=first.pk)
    assert oldest.previous is None and oldest.delta is None and not any(row.changed for row in oldest.rows)
    reads = AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="casework.assessment")
    assert reads.count() == 3  # the second with the first, then the first alone


def test_publishing_a_new_version_never_changes_an_old_assessment(people, case):
    needs = form("needs")
    old = assessments.assessment_record(
        actor=people.social_worker, case=case, questionnaire=needs, answers=NEEDS_ALL_MET, assessed_on=date(2026, 9, 1)
    )
    with pytest.raises(PermissionDenied):
        questionnaires.questionnaire_draft(actor=people.manager, questionnaire=needs)
    draft = questionnaires.questionnaire_draft(actor=people.admin, questionnaire=needs)
    assert draft.number == 2 and draft.questions.count() == 6
    questionnaires.question_save(
        actor=people.admin,
        version=draft,
        code="documents",
        text_en="Identity documents",
        text_lo="ເອກະສານຢັ້ງຢືນຕົວຕົນ",
        answer="choice",
        options=draft.questions.get(code="shelter").options,
    )
    questionnaires.question_save(
        actor=people.admin, version=draft, code="shelter", text_en="A safe place to live", text_lo="ບ່ອນຢູ່ທີ່ປອດໄພ",
        answer="choice", options=draft.questions.get(code="shelter").options,
    )  # fmt: skip
    questionnaires.question_remove(actor=people.admin, question=draft.questions.get(code="vocational"))
    questionnaires.questionnaire_publish(actor=people.admin, version=draft, note="Documents asked; shelter reworded")
    with pytest.raises(Conflict):  # a published version never changes
        questionnaires.question_remove(actor=people.admin, question=draft.questions.get(code="legal"))
    new = assessments.assessment_record(
        actor=people.social_worker,
        case=case,
        questionnaire=needs,
        answers={**NEEDS_ALL_MET, "documents": "unmet"} | {"vocational": None},
        assessed_on=date(2026, 10, 1),
    )
    old.refresh_from_db()
    assert (old.version.number, new.version.number) == (1, 2)
    assert old.version.questions.values_list("code", "text_en").first() == ("shelter", "Safe accommodation (shelter)")
    assert old.version.questions.count() == 6 and old.answers == NEEDS_ALL_MET
    compared = assessment_selectors.assessment_compared(user=people.social_worker, case=case, assessment_id=new.pk)
    by_question = {row.question: row for row in compared.rows}
    assert by_question["Identity documents"].changed and by_question["Identity documents"].before == ""
    assert by_question["Vocational training and work"].now == ""  # asked before, no longer
    assert by_question["A safe place to live"].before == "Needed and met"


def test_a_child_form_is_for_children_only(people, case):
    with pytest.raises(ApplicationError) as refused:
        assessments.assessment_record(
            actor=people.social_worker,
            case=case,
            questionnaire=form("best_interests"),
            answers={},
            assessed_on=timezone.localdate(),
        )
    assert "assessed_on" in refused.value.fields


def test_the_subject_access_export_holds_the_assessments_wellbeing_answers_withheld(people, orgs):
    adult = {"given_name_latin": "Adult", "sex": "female", "date_of_birth": date(1990, 1, 1)}
    counselled = open_case(people.counsellor, person_values=adult)
    for code, answers in (("who5", who5(*("some_of_the_time",) * 5)), ("needs", NEEDS_ALL_MET)):
        assessments.assessment_record(
            actor=people.counsellor, case=counselled, questionnaire=form(code), answers=answers,
            assessed_on=date(2026, 11, 1),
        )  # fmt: skip
    manager = make_user("lwu-manager", orgs.lwu, Role.MANAGER)
    document = subject_access_export(actor=manager, person=counselled.person)
    rows = {row["questionnaire"]: row for row in document["cases"][0]["assessments"]}
    assert rows["needs"]["answers"] == NEEDS_ALL_MET and rows["needs"]["version"] == 1
    assert rows["who5"]["answers"].startswith("[withheld") and rows["who5"]["score"] is None
