"""Versioned questionnaires, changed by an administrator without a code change
(docs/assessments.md): open a draft (a copy of the current version's questions), add, reword or
remove questions on the draft, publish it. A published version is never changed again, so an
assessment always shows the questions it was answered on. Every write is audited."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.actors import Staff
from accounts.models import AuditAction
from accounts.services import audit_record
from casework.assessment_permissions import may_edit_questionnaires
from casework.choices import AnswerKind
from casework.models import Question, Questionnaire, QuestionnaireVersion
from core.errors import ApplicationError, Conflict, PermissionDenied

CODE = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
NOTE_MAX_LENGTH = 300


def _require_admin(actor: Staff) -> None:
    if not may_edit_questionnaires(actor):
        raise PermissionDenied(_("Only an administrator changes the questionnaires."))


def _refuse(field: str, message: str) -> ApplicationError:
    return ApplicationError(_("Please correct the errors below."), fields={field: [message]})


@transaction.atomic
def questionnaire_draft(*, actor: Staff, questionnaire: Questionnaire) -> QuestionnaireVersion:
    """The questionnaire's draft, opened as a copy of the latest version if there is none."""
    _require_admin(actor)
    Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    draft = questionnaire.versions.filter(published_at__isnull=True).first()
    if draft is not None:
        return draft
    latest = questionnaire.versions.order_by("-number").first()
    number = (questionnaire.versions.aggregate(top=Max("number"))["top"] or 0) + 1
    draft = QuestionnaireVersion.objects.create(questionnaire=questionnaire, number=number, created_by=actor)
    if latest is not None:
        Question.objects.bulk_create(
            Question(
                version=draft,
                **{name: getattr(q, name) for name in ("code", "position", "text_en", "text_lo", "answer", "options")},
                required=q.required,
            )
            for q in latest.questions.all()
        )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=draft)
    return draft


def _draft_of(version: QuestionnaireVersion) -> QuestionnaireVersion:
    locked = QuestionnaireVersion.objects.select_for_update().get(pk=version.pk)
    if not locked.is_draft:
        raise Conflict(_("A published version never changes: open a new draft."))
    return locked


def _clean_options(answer: str, options: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if answer != AnswerKind.CHOICE:
        return []
    if len(options) < 2:
        raise _refuse("options", _("Give at least two answers to choose from."))
    codes = [option.get("code") for option in options]
    if len(set(codes)) != len(codes) or not all(isinstance(c, str) and CODE.match(c) for c in codes):
        raise _refuse("options", _("Each answer needs its own code: small letters, digits and _."))
    if not all(option.get("en") and option.get("lo") for option in options):
        raise _refuse("options", _("Each answer needs its words in English and in Lao."))
    return [
        {
            "code": o["code"],
            "en": o["en"],
            "lo": o["lo"],
            "score": o.get("score") if type(o.get("score")) is int else None,
        }
        for o in options
    ]


@transaction.atomic
def question_save(
    *,
    actor: Staff,
    version: QuestionnaireVersion,
    code: str,
    text_en: str,
    text_lo: str,
    answer: str,
    options: list[dict[str, Any]] | None = None,
    required: bool = True,
    position: int | None = None,
) -> Question:
    """Add a question to a draft, or reword the draft's question with this code."""
    _require_admin(actor)
    draft = _draft_of(version)
    if not CODE.match(code or ""):
        raise _refuse("code", _("Small letters, digits and _ only, starting with a letter."))
    if answer not in AnswerKind.values:
        raise _refuse("answer", _("Choose how it is answered."))
    text_en, text_lo = (text_en or "").strip(), (text_lo or "").strip()
    for name, text in (("text_en", text_en), ("text_lo", text_lo)):
        if not text or len(text) > 300:
            raise _refuse(name, _("Write the question (at most 300 characters)."))
    values = {
        "text_en": text_en,
        "text_lo": text_lo,
        "answer": answer,
        "options": _clean_options(answer, options or []),
        "required": required,
    }
    if position is None:
        position = (draft.questions.aggregate(top=Max("position"))["top"] or 0) + 1
    question, created = Question.objects.update_or_create(
        version=draft, code=code, defaults={**values, "position": position}
    )
    audit_record(actor=actor, action=AuditAction.CREATE if created else AuditAction.UPDATE, obj=question)
    return question


@transaction.atomic
def question_remove(*, actor: Staff, question: Question) -> None:
    _require_admin(actor)
    _draft_of(question.version)
    audit_record(actor=actor, action=AuditAction.DELETE, obj=question)
    question.delete()


@transaction.atomic
def questionnaire_publish(*, actor: Staff, version: QuestionnaireVersion, note: str) -> QuestionnaireVersion:
    """Publish the draft: new assessments are answered on it from now on; older ones keep theirs."""
    _require_admin(actor)
    draft = _draft_of(version)
    note = (note or "").strip()
    if not note or len(note) > NOTE_MAX_LENGTH:
        raise _refuse("note", _("Say what changed (at most %(n)d characters).") % {"n": NOTE_MAX_LENGTH})
    if not draft.questions.exists():
        raise _refuse("note", _("A version needs at least one question."))
    draft.note, draft.published_at, draft.published_by = note, timezone.now(), actor
    draft.save(update_fields=["note", "published_at", "published_by"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=draft, fields=["published_at"])
    return draft
