"""Consent pages: the case page's Consent tab (each consent with its state in plain words),
recording a consent, and withdrawing one with a reason.

The same gates and messages as the staff API (referrals.api.views.ConsentViewSet): a case or
consent the user may not see is the same 404 as a missing one; recording needs change_case,
withdrawing `permissions.withdraw_consent` (403 when seen but not allowed); every rule is
referrals.services' (consent_record, consent_withdraw), its refusal shown next to the field it
names. A consent about health shows its health services, the health category and its free text
only to a reader of the case's health (casework view_health), as the API's serializer does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.actors import signed_in
from casework import health
from casework import selectors as casework_selectors
from casework.permissions import change_case, hides_health, view_health, view_identity
from core.pages import get_or_404, local_name, submit
from referrals import coverage, permissions, services
from referrals.choices import ConsentGivenBy, ReferralStatus
from referrals.forms import ConsentForm, WithdrawForm, initial_from
from referrals.models import Consent, Referral

TAB = "consents"
PREFILL = ("recipient", "data_categories", "service_types")
FOR_REFERRAL = "referral"  # ?for=referral: recorded from the referral form, which it goes back to


@dataclass(frozen=True)
class ConsentRow:
    """One consent as the page shows it: labels, never codes; health withheld when it must be."""

    consent: Consent
    state: str
    state_label: str
    last_day: Any
    categories: list[str]
    services: list[str]
    given_by: str
    guardian: str
    withheld: bool  # health content (and the free text with it) left out for this reader


def consent_rows(consents: list[Consent], *, health_visible: bool, names_shown: bool) -> list[ConsentRow]:
    now = timezone.now()
    rows = []
    for consent in consents:
        services_ = list(consent.service_types.all())
        withheld = not health_visible and health.about_health(services_, consent.data_categories)
        categories = health.without_health(consent.data_categories) if withheld else consent.data_categories
        guardian = ""
        if consent.guardian is not None:
            guardian = str(consent.guardian.get_relationship_display())
            if names_shown:
                guardian += f": {consent.guardian.name}"
        state = coverage.consent_state(consent, now=now)
        rows.append(
            ConsentRow(
                consent=consent,
                state=state,
                state_label=str(coverage.STATES[state]),
                last_day=coverage.last_day(consent),
                categories=coverage.category_labels(categories),
                services=[local_name(s) for s in services_ if not (withheld and s.health)],
                given_by=str(ConsentGivenBy(consent.given_by).label),
                guardian=guardian,
                withheld=withheld,
            )
        )
    return rows


def consents_tab(request: HttpRequest, case: Any) -> dict[str, Any]:
    """The Consent tab of the case page (casework.extensions): the case's consents, newest first."""
    user = request.user
    consents = list(
        permissions.view_consent.scope(user)
        .filter(case=case)
        .select_related("recipient", "guardian", "recorded_by", "withdrawn_by")
        .prefetch_related("service_types")
        .order_by("-given_at", "id")
    )
    return {
        "rows": consent_rows(
            consents,
            health_visible=view_health.allows(user, case),
            names_shown=view_identity(user, case.person),
        ),
        "may_record": change_case.allows(user, case),
        # The same answer for every consent of the case: the predicate reads only its case.
        "may_withdraw": permissions.withdraw_consent.allows(user, Consent(case=case)),
    }


def tab_url(case: Any) -> str:
    return reverse("casework:case-detail", args=[case.pk]) + f"?tab={TAB}"


def record_url(case: Any, *, recipient: Any = None, categories: Any = (), services_: Any = ()) -> str:
    """The consent page for this case, filled with what a referral would need."""
    query = {"recipient": recipient.pk if recipient else "", "data_categories": list(categories)}
    query["service_types"] = [service.pk for service in services_]
    query["for"] = FOR_REFERRAL
    return reverse("referrals:consent-create", args=[case.pk]) + "?" + urlencode(query, doseq=True)


# --- Record ------------------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def consent_create(request: HttpRequest, case_pk: Any) -> HttpResponse:
    """Record one consent for the case (as POST /api/v1/consents/). Recorded from the referral
    form (`?for=referral`), it goes back there with the new consent chosen."""
    user = request.user
    case = casework_selectors.case_detail(user=user, case_id=case_pk)  # 404 outside scope; logs the read
    change_case.require(user, case, _("You cannot record consent for this case."))
    child = permissions.is_child_for_consent(case.person, timezone.localdate())
    options: dict[str, Any] = {
        "organisation_id": user.organisation_id,  # type: ignore[union-attr]
        "person": case.person,
        "hide_health": hides_health(user),
        "names_shown": view_identity(user, case.person),
    }
    status = 200
    if request.method == "POST":
        form = ConsentForm(request.POST, **options)
        status = 400
        if form.is_valid():
            consent, status = submit(
                form,
                services.consent_record,
                actor=signed_in(request),
                case=case,
                **form.service_values(),
                rename=ConsentForm.RENAME,
            )
            if consent is not None:
                messages.success(request, _("Consent recorded."))
                return redirect(_after_recording(request, case, consent))
    else:
        initial = initial_from(ConsentForm(request.GET, **options), PREFILL)
        initial["given_by"] = ConsentGivenBy.GUARDIAN if child else ConsentGivenBy.PERSON
        form = ConsentForm(initial=initial, **options)
    context = {"case": case, "form": form, "child": child, "back": tab_url(case)}
    return render(request, "referrals/consent_create.html", context, status=status)


def _after_recording(request: HttpRequest, case: Any, consent: Consent) -> str:
    if request.GET.get("for") != FOR_REFERRAL:
        return tab_url(case)
    query = {
        "to_organisation": consent.recipient_id,
        "shared_categories": consent.data_categories,
        "service_types": [service.pk for service in consent.service_types.all()],
        "consent": consent.pk,
    }
    return reverse("referrals:create", args=[case.pk]) + "?" + urlencode(query, doseq=True)


# --- Withdraw ----------------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def consent_withdraw(request: HttpRequest, pk: Any) -> HttpResponse:
    """Withdraw one consent, with the reason (as POST /api/v1/consents/<id>/withdraw/): the page
    says first what it stops (the referrals sent with it disclose nothing of tier 2 any more)."""
    user = request.user
    queryset = Consent.objects.select_related("case__person", "recipient", "guardian").prefetch_related("service_types")
    consent = get_or_404(permissions.view_consent, user, queryset, pk=pk)
    permissions.withdraw_consent.require(user, consent, _("You cannot withdraw this consent."))
    status = 200
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        status = 400
        if form.is_valid():
            done, status = submit(
                form,
                services.consent_withdraw,
                actor=signed_in(request),
                consent=consent,
                note=form.cleaned_data["note"],
            )
            if done is not None:
                messages.success(request, _("Consent withdrawn: the organisation no longer sees the data it covered."))
                return redirect(tab_url(consent.case))
            consent.refresh_from_db(fields=["withdrawn_at", "withdrawn_by", "withdrawal_note"])
    row = consent_rows([consent], health_visible=view_health.allows(user, consent.case), names_shown=False)[0]
    sent = Referral.objects.filter(consent=consent).exclude(status=ReferralStatus.DRAFT).count()
    context = {"case": consent.case, "row": row, "form": form, "sent": sent, "back": tab_url(consent.case)}
    return render(request, "referrals/consent_withdraw.html", context, status=status)
