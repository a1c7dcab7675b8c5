"""The questionnaire pages (administrators): every form with its versions; a version's questions;
on a draft, add or reword a question, remove one, and publish it. Calls
casework.services.questionnaires, which keeps published versions unchanged."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.actors import signed_in
from casework.assessment_forms import PublishForm, QuestionForm
from casework.assessment_permissions import may_edit_questionnaires
from casework.models import Question, Questionnaire, QuestionnaireVersion
from casework.services import questionnaires as service
from core.errors import NotFound, PermissionDenied
from core.pages import submit


def _admin(request: HttpRequest) -> None:
    if not may_edit_questionnaires(request.user):
        raise PermissionDenied(_("Only an administrator changes the questionnaires."))


def _version(version_id: Any) -> QuestionnaireVersion:
    version = QuestionnaireVersion.objects.select_related("questionnaire").filter(pk=version_id).first()
    if version is None:
        raise NotFound(_("Not found."))
    return version


@require_safe
def questionnaire_list(request: HttpRequest) -> HttpResponse:
    _admin(request)
    forms = Questionnaire.objects.prefetch_related("versions")
    versions = QuestionnaireVersion.objects.annotate(answered=Count("assessments")).select_related("published_by")
    by_form: dict[Any, list[QuestionnaireVersion]] = {}
    for version in versions.order_by("-number"):
        by_form.setdefault(version.questionnaire_id, []).append(version)
    rows = [(form, by_form.get(form.pk, [])) for form in forms]
    return render(request, "casework/questionnaire_list.html", {"rows": rows})


@require_POST
def questionnaire_draft(request: HttpRequest, code: str) -> HttpResponse:
    _admin(request)
    questionnaire = Questionnaire.objects.filter(code=code).first()
    if questionnaire is None:
        raise NotFound(_("Not found."))
    draft = service.questionnaire_draft(actor=signed_in(request), questionnaire=questionnaire)
    return redirect("casework:questionnaire-version", draft.pk)


@require_http_methods(["GET", "POST"])
def questionnaire_version(request: HttpRequest, version_id: Any) -> HttpResponse:
    """A version's questions; on a draft, the form that adds (or, with an existing code,
    rewords) a question, with `?edit=<code>` filling it from that question."""
    _admin(request)
    version = _version(version_id)
    questions = list(version.questions.order_by("position", "code"))
    editing = next((q for q in questions if q.code == request.GET.get("edit")), None)
    form = QuestionForm(
        request.POST if request.method == "POST" else None,
        initial=QuestionForm.initial_of(editing) if editing else None,
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            _result, status = submit(form, service.question_save, actor=signed_in(request), version=version, **data)
            if status == 200:
                messages.success(request, _("Question saved in the draft."))
                return redirect("casework:questionnaire-version", version.pk)
    context = {"version": version, "questions": questions, "form": form, "publish_form": PublishForm()}
    return render(request, "casework/questionnaire_version.html", context, status=status)


@require_POST
def question_remove(request: HttpRequest, version_id: Any, question_id: int) -> HttpResponse:
    _admin(request)
    question = Question.objects.filter(version_id=version_id, pk=question_id).select_related("version").first()
    if question is None:
        raise NotFound(_("Not found."))
    service.question_remove(actor=signed_in(request), question=question)
    messages.success(request, _("Question removed from the draft."))
    return redirect("casework:questionnaire-version", version_id)


@require_POST
def questionnaire_publish(request: HttpRequest, version_id: Any) -> HttpResponse:
    _admin(request)
    version = _version(version_id)
    form = PublishForm(request.POST)
    status = 400
    if form.is_valid():
        _result, status = submit(
            form, service.questionnaire_publish, actor=signed_in(request), version=version, **form.cleaned_data
        )
        if status == 200:
            messages.success(request, _("Version published: new assessments use it; earlier ones keep theirs."))
            return redirect("casework:questionnaires")
    questions = list(version.questions.order_by("position", "code"))
    context = {"version": version, "questions": questions, "form": QuestionForm(), "publish_form": form}
    return render(request, "casework/questionnaire_version.html", context, status=status)
