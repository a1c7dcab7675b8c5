"""Forms of the Assessments tab and of the questionnaire pages: an assessment built from the
questions of the version it answers, a best-interests determination, a question of a draft and
the note that publishes it. `values()` are the service's keyword arguments."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework import assessment_answers
from casework.choices import AnswerKind, BestInterestsDecision
from casework.models import Assessment, Question
from core.pages import DateField

TEXT_MAX = assessment_answers.TEXT_MAX_LENGTH


class AssessmentForm(forms.Form):
    assessed_on = DateField(label=gettext_lazy("Date of the assessment"))

    def __init__(self, questions: list[Question], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            label = assessment_answers.text_of(question)
            if question.answer == AnswerKind.TEXT:
                field: forms.Field = forms.CharField(max_length=TEXT_MAX, required=False, widget=forms.Textarea)
            else:
                choices = [("", "---------"), *assessment_answers.choices_of(question)]
                field = forms.ChoiceField(choices=choices, required=False)
            field.label = label
            self.fields[question.code] = field

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        return {"assessed_on": data.pop("assessed_on"), "answers": data}


class BestInterestsForm(forms.Form):
    decided_on = DateField(label=gettext_lazy("Date of the panel's decision"))
    panel = forms.CharField(
        label=gettext_lazy("Members of the panel"),
        help_text=gettext_lazy("One per line: name and role or office (at least three)."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )
    decision = forms.ChoiceField(label=gettext_lazy("Decision"), choices=BestInterestsDecision.choices)
    reasons = forms.CharField(label=gettext_lazy("Reasons"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)
    assessment = forms.ChoiceField(label=gettext_lazy("Best-interests assessment it rests on"), required=False)

    def __init__(self, assessments: list[Assessment], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.assessments = {str(assessment.pk): assessment for assessment in assessments}
        choices = [(key, a.assessed_on.strftime("%d/%m/%Y")) for key, a in self.assessments.items()]
        self.fields["assessment"].choices = [("", "---------"), *choices]  # type: ignore[attr-defined]

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["panel"] = data["panel"].splitlines()
        data["assessment"] = self.assessments.get(data["assessment"])
        return data


class QuestionForm(forms.Form):
    code = forms.SlugField(
        label=gettext_lazy("Code"), max_length=60, help_text=gettext_lazy("Small letters, digits and _; never changes.")
    )
    text_en = forms.CharField(label=gettext_lazy("Question in English"), max_length=300)
    text_lo = forms.CharField(label=gettext_lazy("Question in Lao"), max_length=300)
    answer = forms.ChoiceField(label=gettext_lazy("Answered by"), choices=AnswerKind.choices)
    options = forms.CharField(
        label=gettext_lazy("Answers to choose from"),
        help_text=gettext_lazy("One per line: code | English | Lao | points (points may be left out)."),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=5000,
    )
    required = forms.BooleanField(label=gettext_lazy("An answer is required"), required=False, initial=True)

    def clean_options(self) -> list[dict[str, Any]]:
        options = []
        for line in self.cleaned_data["options"].splitlines():
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split("|")]
            if len(parts) not in (3, 4) or (len(parts) == 4 and parts[3] and not parts[3].lstrip("-").isdigit()):
                raise forms.ValidationError(_("Each line: code | English | Lao | points."))
            score = int(parts[3]) if len(parts) == 4 and parts[3] else None
            options.append({"code": parts[0], "en": parts[1], "lo": parts[2], "score": score})
        return options

    @staticmethod
    def initial_of(question: Question) -> dict[str, Any]:
        lines = [
            " | ".join([o["code"], o["en"], o["lo"], "" if o.get("score") is None else str(o["score"])])
            for o in question.options
        ]
        return {
            "code": question.code,
            "text_en": question.text_en,
            "text_lo": question.text_lo,
            "answer": question.answer,
            "options": "\n".join(lines),
            "required": question.required,
        }


class PublishForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("What changed"), max_length=300)
