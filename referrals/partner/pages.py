"""The partner token page (/partner/tokens/): a partner organisation's managers, and the
administrators, list, create and revoke its API tokens; the plaintext is shown once."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.actors import signed_in
from accounts.models import Organisation
from core.errors import ApplicationError, PermissionDenied
from core.pages import DateField, show_error
from referrals.partner import tokens


class OrganisationForm(forms.Form):
    """A form made for one of the caller's organisations: a partner's own staff manage one, so the
    choice is hidden; an administrator picks."""

    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=gettext_lazy("Organisation"))

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = list(organisations[:2])
        self.single = choices[0] if len(choices) == 1 else None
        if self.single is not None:
            del self.fields["organisation"]
        else:
            self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]

    def chosen_organisation(self) -> Organisation:
        return self.single or self.cleaned_data["organisation"]


class TokenCreateForm(OrganisationForm):
    name = forms.CharField(
        max_length=tokens.NAME_MAX_LENGTH,
        label=gettext_lazy("Name"),
        help_text=gettext_lazy("The system that will use the token, for example “case system sync”."),
    )
    expires_on = DateField(
        required=False,
        label=gettext_lazy("Expires on (optional)"),
        help_text=gettext_lazy("The token stops working at the end of this day."),
    )

    def expires_at(self) -> datetime | None:
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


@never_cache  # the answer to "create" holds the plaintext: no cache may keep it
@require_http_methods(["GET", "POST"])
def token_page(request: HttpRequest) -> HttpResponse:
    """List, create (plaintext shown once, in this response only) and revoke the partner API
    tokens of the caller's organisation (admins: of every partner NGO)."""
    user = request.user
    if not tokens.manage_partner_token.allows(user, None):
        raise PermissionDenied(_("Only managers of a partner organisation and administrators manage its API tokens."))
    organisations = tokens.token_organisations(user=user)
    context: dict[str, Any] = {}
    form = TokenCreateForm(organisations=organisations)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "revoke":
            token = tokens.token_list(user=user).filter(pk=uuid_or_404(request.POST.get("token"))).first()
            if token is None:
                raise Http404
            tokens.token_revoke(actor=signed_in(request), token=token)
            messages.success(request, _("Token %(prefix)s… revoked.") % {"prefix": token.prefix})
            return redirect(request.path)
        if action != "create":
            return HttpResponse(status=400)
        form = TokenCreateForm(request.POST, organisations=organisations)
        if form.is_valid():
            try:
                new_token, plaintext = tokens.token_issue(
                    actor=signed_in(request),
                    organisation=form.chosen_organisation(),
                    name=form.cleaned_data["name"],
                    expires_at=form.expires_at(),
                )
            except ApplicationError as error:
                status = show_error(form, error, rename={"expires_at": "expires_on"})
            else:
                context.update(new_token=new_token, plaintext=plaintext)
                form = TokenCreateForm(organisations=organisations)
        else:
            status = 400
    context.update(
        form=form,
        tokens=tokens.token_list(user=user),
        show_organisation=form.single is None,
        now=timezone.now(),
    )
    return render(request, "referrals/partner_tokens.html", context, status=status)


def uuid_or_404(value: str | None) -> str:
    try:
        return str(uuid.UUID(str(value)))
    except ValueError as error:
        raise Http404 from error
