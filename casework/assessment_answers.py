"""Answers to a questionnaire version: checking them, scoring them, showing them and comparing an
assessment with the one before (docs/assessments.md). Plain functions over the questions, so the
service, the pages and the API agree on what an answer means.

Scoring: `sum` adds the points of the chosen options; `who5` is the WHO-5 Well-Being Index
(WHO Regional Office for Europe, 1998; Topp et al., Psychotherapy and Psychosomatics 84:167-176,
2015): five items scored 0-5, the raw score 0-25 multiplied by 4 into a percentage 0-100, not
scored when an item is missing (the index is not imputed). Up to 50 is poor wellbeing (screen for
depression), up to 28 likely depression; a change of 10 points is the smallest that matters."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from casework.choices import AnswerKind, Scoring
from casework.models import Question

TEXT_MAX_LENGTH = 500
YES_NO = {"yes": gettext_lazy("Yes"), "no": gettext_lazy("No")}
WHO5_POOR = 50  # at or below: poor wellbeing, screen for depression (Topp et al. 2015)
WHO5_LIKELY_DEPRESSION = 28  # at or below: likely depression
WHO5_MEANINGFUL_CHANGE = 10


def text_of(question: Question) -> str:
    return question.text_lo if get_language() == "lo" and question.text_lo else question.text_en


def option_label(option: dict[str, Any]) -> str:
    return str(option.get("lo") if get_language() == "lo" and option.get("lo") else option.get("en", ""))


def choices_of(question: Question) -> list[tuple[str, str]]:
    if question.answer == AnswerKind.YES_NO:
        return [(code, str(label)) for code, label in YES_NO.items()]
    return [(str(option["code"]), option_label(option)) for option in question.options]


def answer_errors(questions: Sequence[Question], answers: dict[str, Any]) -> dict[str, list[str]]:
    """Messages by question code: an unknown question, a required one unanswered, a value that is
    not one of its options, a text too long."""
    errors: dict[str, list[str]] = {}
    by_code = {question.code: question for question in questions}
    for code, value in answers.items():
        if code not in by_code and value not in (None, ""):
            errors[str(code)] = [_("Not a question of this form.")]
    for question in questions:
        value = answers.get(question.code)
        if value in (None, ""):
            if question.required:
                errors[question.code] = [_("Answer this question.")]
        elif question.answer == AnswerKind.TEXT:
            if not isinstance(value, str) or len(value) > TEXT_MAX_LENGTH:
                errors[question.code] = [_("At most %(n)d characters.") % {"n": TEXT_MAX_LENGTH}]
        elif value not in {code for code, _label in choices_of(question)}:
            errors[question.code] = [_("Choose one of the answers offered.")]
    return errors


def _points(question: Question, value: Any) -> int | None:
    for option in question.options:
        if option.get("code") == value:
            score = option.get("score")
            return score if isinstance(score, int) else None
    return None


def score(scoring: str, questions: Sequence[Question], answers: dict[str, Any]) -> int | None:
    scored = [question for question in questions if any(isinstance(o.get("score"), int) for o in question.options)]
    if not scoring or not scored:
        return None
    points = [_points(question, answers.get(question.code)) for question in scored]
    if scoring == Scoring.WHO5:
        if any(point is None for point in points):
            return None
        top = sum(max(o["score"] for o in q.options if isinstance(o.get("score"), int)) for q in scored)
        return round(100 * sum(p for p in points if p is not None) / top) if top else None
    return sum(point for point in points if point is not None)


def score_meaning(scoring: str, value: int | None) -> str:
    """What a score says, for the page (WHO-5 only; a sum speaks for itself)."""
    if scoring != Scoring.WHO5 or value is None:
        return ""
    if value <= WHO5_LIKELY_DEPRESSION:
        return _("Likely depression: refer for a clinical assessment.")
    if value <= WHO5_POOR:
        return _("Poor wellbeing: screen for depression.")
    return _("Good wellbeing.")


def shown(question: Question, value: Any) -> str:
    """An answer in the reader's language ('' when unanswered)."""
    if value in (None, ""):
        return ""
    if question.answer == AnswerKind.TEXT:
        return str(value)
    return dict(choices_of(question)).get(value, str(value))


@dataclass(frozen=True)
class Row:
    question: str
    before: str
    now: str
    changed: bool


def compare(
    now_questions: Iterable[Question],
    now_answers: dict[str, Any],
    before_questions: Iterable[Question],
    before_answers: dict[str, Any] | None,
) -> list[Row]:
    """Side by side by question code: the current version's questions in order, then those only
    the earlier version asked. Without an earlier assessment, `before` is empty and nothing is
    marked changed."""
    current = {question.code: question for question in now_questions}
    earlier = {question.code: question for question in before_questions}
    rows = []
    for code in [*current, *(code for code in earlier if code not in current)]:
        question = current.get(code) or earlier[code]
        now = shown(question, now_answers.get(code)) if code in current else ""
        before = ""
        if before_answers is not None and code in earlier:
            before = shown(earlier[code], before_answers.get(code))
        changed = before_answers is not None and now_answers.get(code) != before_answers.get(code)
        rows.append(Row(question=text_of(question), before=before, now=now, changed=changed))
    return rows
