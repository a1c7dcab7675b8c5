"""The webhook page (/partner/webhooks/): a partner's or manager's own organisation, and the
administrators for any, register the HTTPS endpoints told when a referral changes, and
deactivate them; the signing secret is shown once. The same services as the staff API's
`/api/v1/webhooks/`, so the address rules (https only, public addresses) are written once."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.actors import signed_in
from core.errors import ApplicationError, PermissionDenied
from core.pages import show_error
from referrals import webhooks
from referrals.partner.pages import OrganisationForm, uuid_or_404


class WebhookForm(OrganisationForm):
    url = forms.CharField(
        max_length=webhooks.URL_MAX_LENGTH,
        label=gettext_lazy("Address"),
        help_text=gettext_lazy("An https:// address of your system on the internet."),
    )


@never_cache  # the answer to "register" holds the secret: no cache may keep it
@require_http_methods(["GET", "POST"])
def webhook_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    organisations = webhooks.webhook_organisations(user)
    if not organisations.exists():
        raise PermissionDenied(_("Only partner and manager accounts manage their organisation's webhooks."))
    context: dict[str, Any] = {}
    form = WebhookForm(organisations=organisations)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "deactivate":
            managed = webhooks.manage_webhook.scope(user).filter(active=True)
            webhook = managed.filter(pk=uuid_or_404(request.POST.get("webhook"))).first()
            if webhook is None:
                raise Http404
            webhooks.webhook_deactivate(actor=signed_in(request), webhook=webhook)
            messages.success(request, _("Webhook deactivated."))
            return redirect(request.path)
        if action != "register":
            return HttpResponse(status=400)
        form = WebhookForm(request.POST, organisations=organisations)
        if form.is_valid():
            try:
                webhook, secret = webhooks.webhook_register(
                    actor=signed_in(request), organisation=form.chosen_organisation(), url=form.cleaned_data["url"]
                )
            except ApplicationError as error:
                status = show_error(form, error)
            else:
                context.update(new_webhook=webhook, secret=secret)
                form = WebhookForm(organisations=organisations)
        else:
            status = 400
    hooks = webhooks.manage_webhook.scope(user).select_related("organisation").order_by("-active", "-created_at")
    context.update(form=form, webhooks=hooks, show_organisation=form.single is None)
    return render(request, "referrals/partner_webhooks.html", context, status=status)
