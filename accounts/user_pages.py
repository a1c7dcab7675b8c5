"""Account administration in the product (issue 18.1), not in Django admin: an administrator
manages every account, a manager those of their own organisation (accounts.permissions
`administer_user`). Create (with an e-mailed invitation), change names, e-mail, language and
roles, deactivate and reactivate, reset a password or a second factor with a reason. Every write
is a service of accounts.services, audited there. Also the two pages a person without a session
uses: "forgot my password" and the one-time link to choose one."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import SetPasswordForm
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts import permissions, selectors, services
from accounts.actors import signed_in
from accounts.models import AuditAction, Language, Organisation, Role, User
from accounts.two_factor.services import confirmed_device
from accounts.views import sign_in_throttled
from core.errors import PermissionDenied
from core.limits import REASON_MAX_LENGTH
from core.pages import get_or_404, paginate, query_without_page, submit


class AccountForm(forms.Form):
    first_name = forms.CharField(label=gettext_lazy("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=gettext_lazy("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=gettext_lazy("E-mail"), required=False)
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=Language.choices)
    roles = forms.MultipleChoiceField(label=gettext_lazy("Roles"), widget=forms.CheckboxSelectMultiple, required=False)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        grantable = permissions.grantable_roles(actor)
        self.fields["roles"].choices = [(role, Role(role).label) for role in grantable]  # type: ignore[attr-defined]


class NewAccountForm(AccountForm):
    username = forms.RegexField(
        label=gettext_lazy("Username"),
        max_length=150,
        regex=r"^[\w.@+-]+\Z",
        help_text=gettext_lazy("Letters, digits and . @ + - _ only; used to log in."),
    )
    organisation = forms.ModelChoiceField(label=gettext_lazy("Organisation"), queryset=Organisation.objects.none())
    invite = forms.BooleanField(
        label=gettext_lazy("E-mail an invitation to choose a password"), required=False, initial=True
    )
    field_order = ["username", "organisation", "first_name", "last_name", "email", "language", "roles", "invite"]

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, actor=actor, **kwargs)
        self.fields["organisation"].queryset = permissions.administered_organisations(actor)  # type: ignore[attr-defined]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=REASON_MAX_LENGTH)


@require_http_methods(["GET"])
def user_list(request: HttpRequest) -> HttpResponse:
    """The accounts the caller administers, searchable by username or name."""
    if not permissions.administer_user.allows(request.user, None):
        raise PermissionDenied(_("Only an administrator, or a manager for their own organisation, manages accounts."))
    accounts = permissions.administer_user.scope(request.user).select_related("organisation")
    query = request.GET.get("q", "").strip()[:150]
    if query:
        accounts = accounts.filter(
            Q(username__icontains=query) | Q(first_name__icontains=query) | Q(last_name__icontains=query)
        )
    if request.GET.get("inactive") != "1":
        accounts = accounts.filter(is_active=True)
    page = paginate(request, accounts.order_by("username"))
    context = {"page": page, "query": query, "pager_query": query_without_page(request)}
    return render(request, "accounts/user_list.html", context)


@require_http_methods(["GET", "POST"])
def user_new(request: HttpRequest) -> HttpResponse:
    if not permissions.administer_user.allows(request.user, None):
        raise PermissionDenied(_("Only an administrator, or a manager for their own organisation, manages accounts."))
    form = NewAccountForm(request.POST or None, actor=request.user, initial={"language": Language.LAO})
    status = 200
    if form.is_bound:
        status = 400
        if form.is_valid():
            user, status = submit(form, services.user_create, actor=signed_in(request), **form.cleaned_data)
            if user is not None:
                messages.success(request, _("Account %(user)s created.") % {"user": user.get_username()})
                return redirect("user", user.pk)
    return render(request, "accounts/user_new.html", {"form": form}, status=status)


# The buttons of the account page: (the service's call, the message when done).
ACTIONS = {
    "deactivate": (
        lambda actor, user, reason: services.user_set_active(actor=actor, user=user, active=False, reason=reason),
        gettext_lazy("The account is deactivated: it can no longer log in."),
    ),
    "reactivate": (
        lambda actor, user, reason: services.user_set_active(actor=actor, user=user, active=True, reason=reason),
        gettext_lazy("The account is active again."),
    ),
    "invite": (
        lambda actor, user, reason: services.user_send_password_link(
            actor=actor, user=user, reason=reason, invitation=True
        ),
        gettext_lazy("An invitation was e-mailed."),
    ),
    "reset-password": (
        lambda actor, user, reason: services.user_send_password_link(actor=actor, user=user, reason=reason),
        gettext_lazy("The old password no longer works; a link to choose a new one was e-mailed."),
    ),
}


@require_http_methods(["GET", "POST"])
def user_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    """One account: its details and roles to change, and the buttons that act on it."""
    user = get_or_404(permissions.administer_user, request.user, User.objects.select_related("organisation"), pk=pk)
    initial = {name: getattr(user, name) for name in ("first_name", "last_name", "email", "language", "roles")}
    form = AccountForm(actor=request.user, initial=initial)
    action_forms = {name: ReasonForm(prefix=name) for name in ACTIONS}
    status = 200
    action = request.POST.get("action", "")
    if request.method == "POST" and action == "save":
        form = AccountForm(request.POST, actor=request.user, initial=initial)
        status = 400
        if form.is_valid():
            done, status = submit(form, services.user_update, actor=signed_in(request), user=user, **form.cleaned_data)
            if done is not None:
                messages.success(request, _("Account saved."))
                return redirect("user", user.pk)
    elif request.method == "POST" and action in ACTIONS:
        call, done_message = ACTIONS[action]
        reason_form = ReasonForm(request.POST, prefix=action)
        if action == "invite":  # an invitation needs no reason
            reason_form.fields["reason"].required = False
        action_forms[action] = reason_form
        status = 400
        if reason_form.is_valid():
            done, status = submit(
                reason_form,
                call,
                signed_in(request),
                user,
                reason_form.cleaned_data["reason"],
                rename={"email": "reason"},
            )
            if done is not None:
                messages.success(request, str(done_message))
                return redirect("user", user.pk)
    elif request.method == "POST":
        return HttpResponse(status=400)
    context = {
        "account": user,
        "form": form,
        "action_forms": action_forms,
        "has_device": confirmed_device(user) is not None,
        "history": [_history_line(event) for event in selectors.account_history(user)],
    }
    return render(request, "accounts/user_detail.html", context, status=status)


# What each audited field of an account is called on its page (never the raw field name).
FIELD_LABELS = {
    "first_name": gettext_lazy("first name"),
    "last_name": gettext_lazy("last name"),
    "email": gettext_lazy("e-mail"),
    "language": gettext_lazy("language"),
    "roles": gettext_lazy("roles"),
    "organisation": gettext_lazy("organisation"),
    "is_active": gettext_lazy("active or not"),
    "password": gettext_lazy("password"),
    "invitation": gettext_lazy("invitation e-mailed"),
    "password_link": gettext_lazy("password link e-mailed"),
    "two_factor_device": gettext_lazy("second factor"),
}


def _history_line(event: Any) -> dict[str, Any]:
    fields = [str(FIELD_LABELS.get(name, gettext_lazy("other details"))) for name in event.fields]
    return {
        "at": event.at,
        "who": event.actor_username,
        "action": event.get_action_display(),
        "fields": fields,
        "reason": "" if event.reason == "forgotten" else event.reason,
    }


# --- Without a session: a forgotten password, and the one-time link ---------------------------------
class ForgotForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Your e-mail address"))


@login_not_required
@require_http_methods(["GET", "POST"])
def password_forgot(request: HttpRequest) -> HttpResponse:
    """The same answer whether or not the address has an account; throttled per address like the
    login, so the page cannot be used to flood someone's mailbox."""
    form = ForgotForm(request.POST or None)
    if form.is_bound:
        throttled = sign_in_throttled(request)
        if throttled is not None:
            return throttled
        if form.is_valid():
            services.password_forgotten(email=form.cleaned_data["email"])
            return render(request, "registration/password_forgot.html", {"sent": True})
    return render(request, "registration/password_forgot.html", {"form": form}, status=400 if form.is_bound else 200)


class AuditedSetPasswordForm(SetPasswordForm):
    """Django's form, with the change audited in the same transaction as the new password."""

    @transaction.atomic
    def save(self, commit: bool = True) -> Any:
        user = super().save(commit=commit)
        services.audit_record(actor=user, action=AuditAction.UPDATE, obj=user, fields=["password"])
        return user


class PasswordSetView(auth_views.PasswordResetConfirmView):
    """Choose a password from the e-mailed link (invitation or reset); the link works once."""

    form_class = AuditedSetPasswordForm
    template_name = "registration/password_set.html"
    success_url = reverse_lazy("password-set-done")


class PasswordSetDoneView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_set_done.html"
