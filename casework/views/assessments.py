"""The Assessments tab of the case page: every form the reader may see with its assessments over
time, the page that answers one, the page that shows one beside the previous one, and (for a
child) the best-interests determination by a panel. Each write calls the service the staff API
calls (casework.services.assessments)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from accounts.actors import signed_in
from casework import assessment_permissions, assessment_selectors, extensions, permissions
from casework.ages import is_child_on
from casework.assessment_forms import AssessmentForm, BestInterestsForm
from casework.choices import AssessmentKind
from casework.models import Assessment, Case, Questionnaire
from casework.services import assessments
from core.errors import NotFound, PermissionDenied
from core.pages import form_page, submit

TAB = "assessments"


def assessments_tab(request: HttpRequest, case: Case) -> dict[str, Any]:
    user = request.user
    child = is_child_on(case.person, timezone.localdate()) is not False  # as the gate decides
    return {
        "forms": assessment_selectors.assessments_by_form(user=user, case=case),
        "determinations": assessment_selectors.determinations(user=user, case=case) if child else [],
        "child": child,
        "may_decide": child and assessment_permissions.decide_best_interests.allows(user, case),
    }


def _tab_url(case: Case) -> str:
    return reverse("casework:case-detail", args=[case.pk]) + f"?tab={TAB}"


def _case(request: HttpRequest, case_id: Any) -> Case:
    return permissions.view_case.get(request.user, Case.objects.select_related("person"), pk=case_id)


@require_http_methods(["GET", "POST"])
def assessment_new(request: HttpRequest, case_id: Any, code: str) -> HttpResponse:
    case = _case(request, case_id)
    questionnaire = Questionnaire.objects.filter(code=code).first()
    if questionnaire is None:
        raise NotFound(_("Not found."))
    if not assessment_permissions.may_record(request.user, case, questionnaire):
        raise PermissionDenied(_("You cannot record this form on this case."))
    version = assessments.current_version(questionnaire)
    questions = list(version.questions.order_by("position", "code"))
    form = AssessmentForm(questions, request.POST if request.method == "POST" else None)

    def save(data: dict[str, Any]) -> tuple[Any, int]:
        return submit(
            form,
            assessments.assessment_record,
            actor=signed_in(request),
            case=case,
            questionnaire=questionnaire,
            **form.values(),
        )

    def saved(assessment: Assessment) -> HttpResponse:
        messages.success(request, _("Assessment saved."))
        return redirect("casework:assessment-detail", case.pk, assessment.pk)

    context = {"case": case, "person": case.person, "questionnaire": questionnaire, "version": version}
    return form_page(request, form, save=save, saved=saved, template="casework/assessment_form.html", context=context)


@require_safe
def assessment_detail(request: HttpRequest, case_id: Any, assessment_id: Any) -> HttpResponse:
    case = _case(request, case_id)
    compared = assessment_selectors.assessment_compared(user=request.user, case=case, assessment_id=assessment_id)
    context = {"case": case, "person": case.person, "compared": compared, "tab_url": _tab_url(case)}
    return render(request, "casework/assessment_detail.html", context)


@require_http_methods(["GET", "POST"])
def best_interests_new(request: HttpRequest, case_id: Any) -> HttpResponse:
    case = _case(request, case_id)
    assessment_permissions.decide_best_interests.require(request.user, case, _("You cannot decide for this case."))
    child_forms = assessment_permissions.view_assessment.scope(
        request.user, Assessment.objects.filter(case=case, version__questionnaire__kind=AssessmentKind.BEST_INTERESTS)
    )
    form = BestInterestsForm(list(child_forms), request.POST if request.method == "POST" else None)

    def save(data: dict[str, Any]) -> tuple[Any, int]:
        return submit(form, assessments.best_interests_determine, actor=signed_in(request), case=case, **form.values())

    def saved(_result: Any) -> HttpResponse:
        messages.success(request, _("Best-interests determination saved."))
        return redirect(_tab_url(case))

    context = {"case": case, "person": case.person, "title": _("Best-interests determination by a panel")}
    return form_page(
        request, form, save=save, saved=saved, template="casework/best_interests_form.html", context=context
    )


def register() -> None:
    """The Assessments tab, after Risk flags (called from the app's ready())."""
    extensions.register_case_tab(
        extensions.CaseTab(
            key=TAB,
            label=gettext_lazy("Assessments"),
            template="casework/tabs/assessments.html",
            context=assessments_tab,
            position=4,
        )
    )
