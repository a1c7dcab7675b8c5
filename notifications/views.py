"""Pages of the reminders: each user's notification list (mark read), and the rule settings a
manager keeps for their organisation. Plus the header's unread count."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, partial
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.actors import Staff, signed_in
from core import errors
from core.errors import PermissionDenied
from core.pages import show_error
from notifications import permissions, services
from notifications.registry import Effective, describe, effective_settings
from notifications.upcoming import UPCOMING_DAYS, UPCOMING_SHOWN, upcoming

PAGE_SIZE = 25


def unread_notifications(request: HttpRequest) -> dict[str, Callable[[], int]]:
    """Context processor: the header's count of due reminders not yet read (a reminder whose
    item was done since no longer counts), one COUNT, run only if a template shows it (the
    template calls it once, through {% with %})."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    @cache
    def count() -> int:
        return (
            permissions.view_notification.scope(user)
            .filter(read_at__isnull=True, occurrence__resolved_at__isnull=True)
            .count()
        )

    return {"unread_notifications": count}


@never_cache
@require_http_methods(["GET", "HEAD"])
def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = (
        permissions.view_notification.scope(request.user).select_related("occurrence").order_by("-created_at", "-id")
    )
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(notification, describe(notification.occurrence.rule)) for notification in page]
    soonest = upcoming(recipient=request.user, limit=UPCOMING_SHOWN + 1)  # one more: are there more?
    context = {
        "page": page,
        "rows": rows,
        "upcoming": soonest[:UPCOMING_SHOWN],
        "upcoming_more": len(soonest) > UPCOMING_SHOWN,
        "days": UPCOMING_DAYS,
    }
    return render(request, "notifications/list.html", context)


@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.notification_mark_read(actor=signed_in(request), notification_id=pk)
    except errors.NotFound as error:
        raise Http404(error.message) from error
    return redirect("notifications:list")


@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    services.notifications_mark_all_read(actor=signed_in(request))
    return redirect("notifications:list")


class RuleForm(forms.Form):
    enabled = forms.BooleanField(label=gettext_lazy("On"), required=False)
    days = forms.IntegerField(label=gettext_lazy("Days"), min_value=0, max_value=services.MAX_DAYS)
    escalate_after_days = forms.IntegerField(
        label=gettext_lazy("Escalate after (days)"), min_value=1, max_value=services.MAX_ESCALATION_DAYS
    )


Forms = list[tuple[Effective, RuleForm, forms.Form | None]]


def _forms(data: Any, organisation: Any, settings: list[Effective]) -> Forms:
    """Each rule's form, and the form of its app's own settings (RuleExtra) when it has some."""
    return [
        (
            setting,
            RuleForm(
                data,
                prefix=setting.rule.code,
                initial={
                    "enabled": setting.enabled,
                    "days": setting.days,
                    "escalate_after_days": setting.escalate_after_days,
                },
            ),
            setting.rule.extra.form(organisation, data, f"{setting.rule.code}-extra") if setting.rule.extra else None,
        )
        for setting in settings
    ]


def _save(actor: Staff, organisation: Any, forms_: Forms) -> bool:
    """Save what changed, all or nothing; a refusal goes to the form it came from."""
    steps: list[tuple[forms.Form, Callable[[], Any]]] = []
    for setting, form, extra in forms_:
        if form.has_changed() or setting.customised:
            steps.append(
                (
                    form,
                    partial(
                        services.reminder_setting_save,
                        actor=actor,
                        organisation=organisation,
                        rule=setting.rule.code,
                        **form.cleaned_data,
                    ),
                )
            )
        if extra is not None and setting.rule.extra is not None and extra.has_changed():
            steps.append((extra, partial(setting.rule.extra.save, actor, organisation, extra.cleaned_data)))
    try:
        with transaction.atomic():
            for shown_on, step in steps:
                try:
                    step()
                except errors.ApplicationError as error:
                    show_error(shown_on, error)
                    raise
    except errors.ApplicationError:
        return False
    return True


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def reminder_settings(request: HttpRequest) -> HttpResponse:
    """A manager's page: every rule of their organisation, on or off, its delay and when it
    escalates, and the settings an app keeps with a rule (the follow-up visits' months);
    defaults shown until changed."""
    user = signed_in(request)
    organisation = user.organisation
    if organisation is None or not permissions.can_manage_reminders_of(user, organisation):
        raise PermissionDenied(_("Only the organisation's managers can change its reminder rules."))
    settings = effective_settings(organisation.pk)
    forms_ = _forms(request.POST if request.method == "POST" else None, organisation, settings)
    if request.method == "POST":
        valid = [form.is_valid() and (extra is None or extra.is_valid()) for _setting, form, extra in forms_]
        if all(valid) and _save(user, organisation, forms_):
            messages.success(request, _("The reminder rules were saved."))
            return redirect("notifications:rules")
    status = 400 if request.method == "POST" else 200
    return render(request, "notifications/rules.html", {"forms": forms_, "organisation": organisation}, status=status)
