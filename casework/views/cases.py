"""The case list (filters, search, pages) and the case page with its tabs."""

from __future__ import annotations

from typing import Any

from django import forms as django_forms
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe
from django_filters import BooleanFilter, CharFilter, ChoiceFilter

from accounts.actors import signed_in
from accounts.models import AuditAction, Province, Role
from accounts.selectors import user_list
from accounts.services import audit_record, audit_record_many
from casework import extensions, forms, permissions, selectors, workload
from casework.api.filters import CaseFilter
from casework.choices import CaseCategory, CaseStatus, Tier
from casework.duplicates import may_search
from casework.flag_forms import FlagForm
from casework.models import Case
from casework.screening_forms import screening_cards
from casework.services.subject_access import child_records
from casework.views import repatriation_tab
from core.pages import local_name, paginate, query_without_page
from notifications.upcoming import UPCOMING_DAYS, due_for_case, upcoming


class CasePageFilter(CaseFilter):
    """The API's case filters, one value each: no DISTINCT (a multiple-choice filter adds one,
    and DISTINCT over the page's joined rows made a filtered page of 100,000 cases take a second),
    and the province by id, without joining the province table (with the join, PostgreSQL read
    the province's people first: 1 s instead of 13 ms for a page of 100,000 cases)."""

    status = ChoiceFilter(choices=CaseStatus.choices)
    category = ChoiceFilter(choices=CaseCategory.choices)
    province = CharFilter(method="filter_province")
    current = BooleanFilter(method="filter_current")
    overdue = ChoiceFilter(choices=workload.OVERDUE_CHOICES, method="filter_overdue")

    def filter_current(self, queryset: Any, name: str, value: bool) -> Any:
        """Not closed: what a manager's "open cases" counts (casework.workload)."""
        return queryset.exclude(status=CaseStatus.CLOSED) if value else queryset

    def filter_overdue(self, queryset: Any, name: str, value: str) -> Any:
        """With a follow-up visit or a repatriation step (or either) due before today and not done."""
        return queryset.filter(pk__in=workload.overdue_case_ids(today=timezone.localdate(), kind=value))

    def filter_province(self, queryset: Any, name: str, value: str) -> Any:
        province = Province.objects.filter(code=value).values_list("pk", flat=True).first()
        return queryset.filter(person__registration_province_id=province) if province else queryset.none()


TABS = [
    ("person", gettext_lazy("Person")),
    ("screening", gettext_lazy("Screening")),
    ("plan", gettext_lazy("Plan")),
    ("services", gettext_lazy("Services")),
    ("notes", gettext_lazy("Notes")),
    ("attachments", gettext_lazy("Files")),
    ("repatriation", gettext_lazy("Repatriation")),
    ("follow_ups", gettext_lazy("Follow-up visits")),
    ("history", gettext_lazy("History")),
]


@require_safe
def case_list(request: HttpRequest) -> HttpResponse:
    """Cases the user may see, newest first, 25 a page. Showing names is an identity read: the
    page's people are written to the access log in one INSERT, and a search by name is logged
    as such (without the term, which is itself a name)."""
    user = signed_in(request)
    workers = list(
        user_list(user=user)
        # An exact lookup takes None (IS NULL: a superuser outside every organisation); the stubs refuse it.
        # A manager's list covers the organisations they manage (the team workload page's links).
        .filter(
            Q(organisation_id=user.organisation_id) | Q(organisation_id__in=permissions.managed_organisations(user)),  # type: ignore[misc]
            roles__overlap=[Role.SOCIAL_WORKER, Role.COUNSELLOR],
        )
        .order_by("username")
    )
    provinces = [(p.code, local_name(p)) for p in Province.objects.order_by("name_en")]
    form = forms.CaseFilterForm(request.GET or None, workers=workers, provinces=provinces)
    search = ""
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        search = form.cleaned_data["search"].strip()
        # A ticked box is the filter's "true" (django-filter's BooleanWidget reads text).
        filters = {k: "true" if v is True else v for k, v in form.cleaned_data.items() if k != "search" and v}
    cases = CasePageFilter(filters, queryset=selectors.case_list(user=user, search=search)).qs
    cases = cases.annotate(flag_level=selectors.gravest_open_flag())  # the list's marker, no extra query
    name_search = bool(search) and not selectors.CASE_CODE.match(search)
    page = paginate(request, cases, counted=not name_search)  # a common name's count costs more than its page
    shown = list(page.object_list)
    selectors.record_identity_read(user=user, objects=[case.person for case in shown])
    if name_search:
        audit_record(
            actor=signed_in(request), action=AuditAction.LIST, object_type="casework.person", fields=["name_search"]
        )
    return render(
        request,
        "casework/case_list.html",
        {
            "form": form,
            "page": page,
            "cases": shown,
            "query": query_without_page(request),
            "can_open": permissions.can_open_case(user),
            "flag_form": FlagForm(),
            "may_flag": permissions.may_flag_some(user),
        },
    )


@require_safe
def case_detail(request: HttpRequest, case_id: Any) -> HttpResponse:
    """The case page: a header (code, status, worker) and one tab at a time, so a page loads
    only what its tab shows. Hidden fields are never rendered: each tab reads through the
    permission that governs it (tier-3 notes only for the assigned counsellor; health services
    never for police)."""
    case = selectors.case_detail(user=request.user, case_id=case_id)  # 404 outside scope; logs the identity read
    return render_case(request, case, request.GET.get("tab", "person"))


def plan_tab(user: Any, case: Case) -> dict[str, Any]:
    """The plan as it stands, the approved version, the approvals before it and the plan's events."""
    plan = selectors.case_plan(user=user, case=case)
    versions = selectors.plan_versions(user=user, case=case)
    goals = [
        {name: getattr(goal, name) for name in ("support_type", "objective", "target_date", "achieved_on")}
        for goal in (plan.goals.all() if plan else [])
    ]
    shown = [selectors.goal_shown(goal) for goal in goals]
    events = selectors.case_timeline(user=user, case=case).filter(kind__in=PLAN_EVENTS)[:50]
    return {
        "plan": plan,
        "plan_goals": shown,
        "approved": versions[0] if versions else None,
        "earlier_versions": versions[1:],
        "plan_events": selectors.timeline_shown(user=user, case=case, events=events),
        "plan_form": forms.PlanForm(
            initial={"summary": plan.summary, "follow_up_policy": plan.follow_up_policy_id} if plan else None,
            goals=goals,
        ),
        "plan_submit_form": django_forms.Form(),
        "plan_decision_form": forms.PlanReturnForm(),
        "can_manage_plan": permissions.manage_case.allows(user, case),
    }


PLAN_EVENTS = ("plan_saved", "plan_submitted", "plan_approved", "plan_returned")


def render_case(
    request: HttpRequest, case: Any, tab: str, *, forms_sent: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    """The case page on one tab; `forms_sent` replaces a tab's empty form with the one the user
    sent back with its errors (what they typed stays in it)."""
    user = request.user
    tabs = [*TABS]
    for extra in sorted(extensions.CASE_TABS.values(), key=lambda t: t.position):
        tabs.insert(min(extra.position, len(tabs)), (extra.key, extra.label))
    if tab not in dict(tabs):
        tab = "person"
    context: dict[str, Any] = {
        "case": case,
        "person": case.person,
        "tabs": tabs,
        "tab": tab,
        "can_change": permissions.change_case.allows(user, case),
        "can_screen": permissions.record_screening.allows(user, case),
        "can_manage": permissions.manage_case.allows(user, case),
        "can_move": permissions.move_case.allows(user, case),
        "can_request_reopen": case.status == CaseStatus.CLOSED
        and not case.reopen_pending
        and permissions.request_reopen.allows(user, case),
        "identity_visible": permissions.view_identity(user, case.person),
        "emergency_until": permissions.emergency_until(user, case),
    }
    context.update(_tab_context(request, case, tab, (forms_sent or {}).get("sent_row")))
    context.update(forms_sent or {})
    return render(request, "casework/case_detail.html", context, status=status)


def row_form(form_class: type[django_forms.Form], prefix: str, sent: django_forms.Form | None) -> django_forms.Form:
    """The empty form of one row of a list, or the one the user sent back for that row."""
    return sent if sent is not None and sent.prefix == prefix else form_class(prefix=prefix)


def _tab_context(request: HttpRequest, case: Any, tab: str, sent: django_forms.Form | None = None) -> dict[str, Any]:
    user = request.user
    if tab == "person":
        exportable = permissions.export_person.allows(user, case.person)
        return {
            "family": list(case.person.family.all()),
            "other_cases": list(permissions.view_case.scope(user).filter(person=case.person).exclude(pk=case.pk)),
            "can_open_case": permissions.can_open_case(user),
            "may_search_duplicates": may_search(user),
            "can_export_person": exportable,
            "child_record": exportable and child_records(case.person),
            "reminders_due": due_for_case(case.pk),
            "upcoming": upcoming(case_id=case.pk),
            "days": UPCOMING_DAYS,
        }
    if tab == "screening":
        screenings = (
            permissions.view_screening.scope(user)
            .filter(case=case)
            .select_related("screener", "screener_organisation")
            .prefetch_related("observed__indicator")
        )
        return {
            "screenings": screening_cards(list(screenings), can_screen=permissions.record_screening.allows(user, case))
        }
    if tab == "services":
        services = case.services.all()  # prefetched through view_service (no health for police)
        return {
            "services": [
                (service, row_form(forms.ServiceStatusForm, f"service-{service.pk}", sent)) for service in services
            ],
            "service_form": forms.ServiceForm(hide_health=permissions.hides_health(user)),
        }
    if tab == "plan":
        return plan_tab(user, case)
    if tab == "follow_ups":
        visits = permissions.view_follow_up.scope(user).filter(case=case).select_related("done_by")
        return {
            "visits": [
                (
                    visit,
                    row_form(forms.FollowUpRecordForm, f"visit-{visit.pk}", sent),
                    row_form(forms.FollowUpRescheduleForm, f"move-{visit.pk}", sent),
                )
                for visit in visits
            ],
            "today": timezone.localdate(),
        }
    if tab == "notes":
        notes = list(case.notes.all())  # prefetched through view_note (tier 3 for the assigned counsellor only)
        sensitive = [note for note in notes if note.tier == Tier.SENSITIVE]
        if sensitive:  # every view of tier-3 text is logged
            audit_record_many(actor=signed_in(request), action=AuditAction.VIEW, objects=sensitive, fields=["text"])
        return {
            "notes": notes,
            "note_form": forms.NoteForm(sensitive_allowed=permissions.view_sensitive.allows(user, case)),
        }
    if tab == "repatriation":
        return repatriation_tab.tab_context(user, case)
    if tab == "attachments":
        from casework.views import attachments  # it builds on this module's render_case

        return attachments.tab_context(request, case, sent)
    if tab == "history":
        return {
            "events": selectors.timeline_shown(
                user=user, case=case, events=selectors.case_timeline(user=user, case=case)[:200]
            ),
            "closure_form": forms.ClosureRequestForm(),
            "shares": selectors.case_shares(case=case),
            "closure_warnings": (
                extensions.closure_warnings(case)
                if not case.closure_pending and permissions.change_case.allows(user, case)
                else []
            ),
        }
    extra = extensions.CASE_TABS[tab]
    return {"extension_template": extra.template, "extension": extra.context(request, case)}
