"""Referral pages: create and send from a case, the receiving organisation's inbox, the list of
referrals my organisation sent, and one referral with its history and status buttons.

Every change calls referrals.services; a refusal is shown next to the field it names (consent
coverage next to the consent, a missing reason next to the reason). The receiving side never
sees the case, only the disclosure (referrals.selectors.disclosure), and each disclosure read
is written to the audit log, as in the API.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.db.models import QuerySet
from django.forms.utils import ErrorList
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.actors import signed_in
from accounts.models import AuditAction, Role
from casework import health
from casework.attachment_permissions import view_attachment
from casework.models import Case
from casework.permissions import change_case, view_case
from core.errors import ApplicationError, PermissionDenied
from core.pages import get_or_404, local_name, paginate, show_error, submit
from core.permissions import has_role
from referrals import consent_views, coverage, directory_views, disclosure_words, permissions, selectors, services
from referrals.choices import ReferralStatus
from referrals.forms import (
    CHECK,
    FIND,
    SEND,
    AnswerForm,
    InboxFilter,
    OverrideDecisionForm,
    OverrideRequestForm,
    ReferralForm,
    initial_from,
)
from referrals.models import Consent, ConsentOverride, Referral
from referrals.timeline import REFERRAL_EVENTS
from referrals.transitions import FINAL, REFERRAL

S = ReferralStatus


# --- Create and send ------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def referral_create(request: HttpRequest, case_pk: Any) -> HttpResponse:
    """A referral from a case: saved as a draft, or created and sent at once (both or nothing:
    a send the consent does not cover leaves no draft behind)."""
    user = request.user
    case = get_or_404(view_case, user, Case.objects.select_related("person"), pk=case_pk)
    # send_referral is asked of a case too: may one refer from it (referrals.permissions._case_of).
    if not permissions.send_referral.allows(user, case):  # type: ignore[arg-type]
        raise PermissionDenied(_("You cannot refer from this case."))
    consents = permissions.view_consent.scope(user).filter(case=case).order_by("-given_at", "id")
    options: dict[str, Any] = {"consents": consents, **directory_views.provider_options(request, case)}
    status = 200
    if request.method == "POST" and request.POST.get("action") != FIND:  # an empty post is told what is missing
        form = ReferralForm(request.POST, **options)
        if not form.is_valid():
            status = 400
        elif request.POST.get("action") != CHECK:
            referral, status = _create(request, form, case)
            if referral is not None:
                return redirect("referrals:detail", pk=referral.pk)
        chosen: Mapping[str, Any] = form.cleaned_data
    else:  # a link may carry the choices (back from recording the consent they needed), or "find providers"
        asked = request.POST if request.method == "POST" else request.GET
        form = ReferralForm(initial=initial_from(ReferralForm(asked, **options), PREFILL), **options)
        form.initial.setdefault("province", case.person.origin_province_id or case.person.registration_province_id)
        chosen = form.initial
    context = {"case": case, "form": form, **_offer_consents(request, form, case, consents, chosen)}
    context["finder"] = directory_views.finder_links(request, form, narrowed=options["providers"] is not None)
    return render(request, "referrals/create.html", context, status=status)


PREFILL = (
    "to_organisation",
    "service_types",
    "province",
    "show_all",
    "shared_categories",
    "consent",
    "urgency",
    "reason",
)


def _offer_consents(
    request: HttpRequest, form: ReferralForm, case: Case, consents: QuerySet[Consent], chosen: Mapping[str, Any]
) -> dict[str, Any]:
    """Offer the consents that would cover the referral as chosen so far (with no organisation
    chosen yet: those in force), plus the one picked; when none would, say what consent is
    missing and link to the page that records it, filled in."""
    consents = consents.select_related("recipient").prefetch_related("service_types")
    recipient = chosen.get("to_organisation")
    wanted = None
    if recipient is None:
        offered = [consent for consent in consents if coverage.consent_state(consent) == "in_force"]
    else:
        wanted = coverage.Wanted(
            case=case,
            recipient=recipient,
            categories=list(chosen.get("shared_categories") or []),
            services=list(chosen.get("service_types") or []),
        )
        offered = coverage.covering(wanted, consents)
    picked = chosen.get("consent")
    shown = {consent.pk for consent in offered} | ({picked.pk} if picked else set())
    form.fields["consent"].queryset = consents.filter(pk__in=shown)  # type: ignore[attr-defined]
    if wanted is not None and not form.is_bound and picked is None and len(offered) == 1:
        form.initial["consent"] = offered[0].pk
    may_record = change_case.allows(request.user, case)
    missing = None
    if wanted is not None and not offered:
        missing = {
            "recipient": local_name(recipient),
            "categories": coverage.category_labels(wanted.categories),
            "services": [local_name(service) for service in wanted.services],
            "url": consent_views.record_url(
                case, recipient=recipient, categories=wanted.categories, services_=wanted.services
            ),
        }
    return {
        "missing": missing,
        "record_url": consent_views.record_url(case) if may_record else "",
        "may_record": may_record,
        "none_offered": not offered,
    }


def _create(request: HttpRequest, form: ReferralForm, case: Case) -> tuple[Referral | None, int]:
    data = form.cleaned_data
    try:
        with transaction.atomic():
            referral = services.referral_create(
                actor=signed_in(request),
                case=case,
                to_organisation=data["to_organisation"],
                service_types=data["service_types"],
                urgency=data["urgency"],
                reason=data["reason"],
                shared_categories=data["shared_categories"],
                consent=data["consent"],
            )
            if request.POST.get("action") == SEND:
                services.referral_send(actor=signed_in(request), referral=referral)
    except ApplicationError as error:
        return None, show_error(form, error)
    if referral.status == S.SENT:
        messages.success(request, _("Referral sent to %(org)s.") % {"org": local_name(referral.to_organisation)})
    else:
        messages.success(request, _("Draft saved; it has not been sent."))
    return referral, 200


# --- Lists --------------------------------------------------------------------------------------------
@require_safe
def inbox(request: HttpRequest) -> HttpResponse:
    """Referrals sent to my organisation, newest first, with what their consent discloses (each
    row shown is an audited read)."""
    filters = InboxFilter(request.GET or None)
    chosen = filters.cleaned_data.get("status") if filters.is_valid() else None
    referrals = selectors.inbox(user=request.user, status=chosen or None).select_related("from_worker")
    page = paginate(request, referrals)
    now = timezone.now()
    rows = [(referral, selectors.disclosure(referral, now=now)) for referral in page]
    if rows:
        selectors.record_disclosure_read(referrals=list(page), user=request.user, action=AuditAction.LIST, now=now)
    context = {
        "filters": filters,
        "page": page,
        "rows": rows,
        "now": now,
        "query": f"status={chosen}" if chosen else "",
        "receives": has_role(request.user, *permissions.RECEIVER_ROLES),
    }
    return render(request, "referrals/inbox.html", context)


@require_safe
def sent(request: HttpRequest) -> HttpResponse:
    """Referrals my organisation made, drafts included, on the cases I may see. Case codes
    only, no identity."""
    user = request.user
    # The sending side of view_referral only: a referral never goes to its own organisation.
    referrals = (
        Referral.objects.filter(
            from_organisation_id=user.organisation_id,  # type: ignore[union-attr]
            case__in=view_case.scope(user).values("pk"),
        )
        .select_related("to_organisation", "case__person", "from_worker")
        .prefetch_related("service_types")
        .annotate(health_visible=permissions.health_visible(user))
        .order_by("-created_at", "id")
    )
    page = paginate(request, referrals)
    for referral in page.object_list:  # health services only for a reader of the case's health
        referral.services_shown = [
            service for service in referral.service_types.all() if referral.health_visible or not service.health
        ]
    return render(request, "referrals/sent.html", {"page": page, "now": timezone.now()})


# --- One referral -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Action:
    """A status button: who presses it, what it moves to, and the text it carries (if any)."""

    name: str
    label: Promise
    sender: bool
    target: str
    call: Callable[..., Any]
    text_label: Promise | None = None
    text_kwarg: str = ""


ACTIONS = {
    action.name: action
    for action in (
        Action("send", gettext_lazy("Send"), True, S.SENT, lambda u, r, t: services.referral_send(actor=u, referral=r)),
        Action(
            "withdraw",
            gettext_lazy("Withdraw"),
            True,
            S.WITHDRAWN,
            lambda u, r, t: services.referral_withdraw(actor=u, referral=r, reason=t),
            gettext_lazy("Why it is withdrawn"),
        ),
        Action(
            "acknowledge",
            gettext_lazy("Acknowledge receipt"),
            False,
            S.ACKNOWLEDGED,
            lambda u, r, t: services.referral_acknowledge(actor=u, referral=r),
        ),
        Action(
            "accept",
            gettext_lazy("Accept"),
            False,
            S.ACCEPTED,
            lambda u, r, t: services.referral_accept(actor=u, referral=r, note=t),
            gettext_lazy("Note (optional)"),
        ),
        Action(
            "decline",
            gettext_lazy("Decline"),
            False,
            S.DECLINED,
            lambda u, r, t: services.referral_decline(actor=u, referral=r, reason=t),
            gettext_lazy("Why it is declined"),
        ),
        Action(
            "start",
            gettext_lazy("Start the service"),
            False,
            S.IN_PROGRESS,
            lambda u, r, t: services.referral_start(actor=u, referral=r),
        ),
        Action(
            "complete",
            gettext_lazy("Complete"),
            False,
            S.COMPLETED,
            lambda u, r, t: services.referral_complete(actor=u, referral=r, outcome=t),
            gettext_lazy("What the service achieved"),
        ),
        Action(
            "close",
            gettext_lazy("Close without service"),
            False,
            S.CLOSED_WITHOUT_SERVICE,
            lambda u, r, t: services.referral_close_without_service(actor=u, referral=r, reason=t),
            gettext_lazy("Why no service was given"),
        ),
    )
}
# The receiver may accept or decline straight from `sent` (the acknowledgement is implied).
IMPLIED_FROM_SENT = frozenset({S.ACCEPTED, S.DECLINED})
TEXT_FIELDS = {"reason": "text", "outcome": "text", "note": "text"}


def _available(action: Action, referral: Referral, *, sender: bool, receiver: bool) -> bool:
    if (action.sender and not sender) or (not action.sender and not receiver):
        return False
    if action.name == "withdraw":
        return referral.status not in FINAL and referral.status != S.DRAFT
    return REFERRAL.can(referral.status, action.target) or (
        referral.status == S.SENT and action.target in IMPLIED_FROM_SENT
    )


def _referrals(user: Any) -> QuerySet[Referral]:
    return selectors.with_disclosure_data(Referral.objects.select_related("from_worker"))


@require_safe
def referral_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    return _detail(request, get_or_404(permissions.view_referral, request.user, _referrals(request.user), pk=pk))


def _detail(
    request: HttpRequest,
    referral: Referral,
    failed: tuple[str, AnswerForm] | None = None,
    status: int = 200,
    override_form: OverrideRequestForm | None = None,
) -> HttpResponse:
    """The referral as its side sees it: the sender the referral and its case code, the
    receiver the disclosure (logged); the history; the buttons this user may press now."""
    user = request.user
    sender = view_case.allows(user, referral.case)
    receiver = permissions.receives(user, referral)
    now = timezone.now()
    disclosure = None
    if not sender:
        disclosure = selectors.disclosure(referral, now=now)
        if request.method == "GET":
            selectors.record_disclosure_read(referrals=[referral], user=user, action=AuditAction.VIEW, now=now)
    services = sorted(referral.service_types.all(), key=lambda s: (s.position, s.code))
    # About health, for a caller who may not see that: no health service, no free text.
    withheld = not permissions.sees_health(user, referral) and health.about_health(services, referral.shared_categories)
    if withheld:
        services = [service for service in services if not service.health]
    events = referral.events.select_related("organisation", "actor").order_by("seq")
    if not sender:
        events = events.exclude(kind__in=selectors.DRAFT_EVENT_KINDS)
    may_send = sender and permissions.send_referral.allows(user, referral)
    may_answer = receiver and permissions.answer_referral.allows(user, referral)
    actions = [
        (action, failed[1] if failed and failed[0] == action.name else AnswerForm(prefix=action.name))
        for action in ACTIONS.values()
        if _available(action, referral, sender=may_send, receiver=may_answer)
    ]
    shown = {action.name for action, _form in actions}
    overrides = list(referral.consent_overrides.select_related("requested_by", "decided_by")) if sender else []
    may_ask_override = (
        may_send
        and referral.status == S.DRAFT
        and not any(o.status != ConsentOverride.Status.REJECTED for o in overrides)
        and bool(permissions.consent_problems(referral, referral.consent if referral.consent_id else None, now=now))
    )
    context = {
        "overrides": overrides,
        # A form sent back with its errors is shown even when the request can no longer be made.
        "override_form": override_form or (OverrideRequestForm() if may_ask_override else None),
        "referral": referral,
        "refused": failed[1].errors.get("__all__", []) if failed and failed[0] not in shown else [],
        "sender": sender,
        "disclosure": disclosure_words.readable(disclosure) if disclosure else disclosure,
        "services": services,
        "withheld": withheld,
        "shared_categories": coverage.category_labels(
            health.without_health(referral.shared_categories) if withheld else referral.shared_categories
        ),
        "consent_state": coverage.DISCLOSURE_STATES[disclosure["consent_status"]] if disclosure else "",
        "history": [(event, _event_label(event)) for event in events],
        "actions": actions,
        "now": now,
        # The files sent with the referral that this user may read now (the receiver: those the
        # consent covers, casework.attachment_permissions).
        "attachments": view_attachment.scope(user).filter(owner_type="referral", owner_id=referral.pk),
    }
    return render(request, "referrals/detail.html", context, status=status)


def _event_label(event: Any) -> str:
    if event.to_status:
        return str(S(event.to_status).label)
    return REFERRAL_EVENTS.label(event.kind)


@require_POST
def referral_act(request: HttpRequest, pk: Any, action: str) -> HttpResponse:
    """Press one status button; the service decides (403 if this user may not, 409 if someone
    moved the referral first, 400 with the message next to the text)."""
    chosen = ACTIONS.get(action)
    if chosen is None:
        raise Http404
    referral = get_or_404(permissions.view_referral, request.user, _referrals(request.user), pk=pk)
    form = AnswerForm(request.POST, prefix=chosen.name)
    if not form.is_valid():
        return _detail(request, referral, (chosen.name, form), 400)
    done, status = submit(form, chosen.call, request.user, referral, form.cleaned_data["text"], rename=TEXT_FIELDS)
    if done is None:
        referral = _referrals(request.user).get(pk=referral.pk)
        return _detail(request, referral, (chosen.name, form), status)
    messages.success(request, _("Referral: %(status)s.") % {"status": S(done.status).label})
    return redirect("referrals:detail", pk=referral.pk)


# --- Consent override: asked on the referral, decided by another manager ------------------------------
@require_POST
def override_request(request: HttpRequest, pk: Any) -> HttpResponse:
    """Ask to send this draft without consent to protect a life (a reason is required)."""
    referral = get_or_404(permissions.view_referral, request.user, _referrals(request.user), pk=pk)
    form = OverrideRequestForm(request.POST)
    if not form.is_valid():
        return _detail(request, referral, status=400, override_form=form)
    done, status = submit(
        form,
        services.consent_override_request,
        actor=request.user,
        referral=referral,
        reason=form.cleaned_data["reason"],
    )
    if done is None:
        return _detail(request, referral, status=status, override_form=form)
    messages.success(request, _("Override asked: a manager of your organisation must approve it before sending."))
    return redirect("referrals:detail", pk=referral.pk)


def _require_manager(request: HttpRequest) -> None:
    if not has_role(request.user, Role.MANAGER):
        raise PermissionDenied(_("Only managers decide consent overrides."))


@require_safe
def overrides(request: HttpRequest) -> HttpResponse:
    return _overrides(request)


def _overrides(
    request: HttpRequest, failed: tuple[Any, OverrideDecisionForm] | None = None, status: int = 200
) -> HttpResponse:
    """A manager's list of the override requests of their organisation waiting for a decision,
    with the reason (no identity: the case code only). Their own requests are listed without
    buttons: another manager decides them."""
    _require_manager(request)
    user = request.user
    pending = (
        selectors.overrides_waiting(user=user)
        .select_related("referral__case__person", "referral__to_organisation", "requested_by")
        .order_by("requested_at", "id")
    )
    page = paginate(request, pending)
    rows = [
        (
            override,
            permissions.decide_override.allows(user, override),
            failed[1] if failed and failed[0] == override.pk else OverrideDecisionForm(prefix=str(override.pk)),
        )
        for override in page
    ]
    shown = {override.pk for override in page}
    refused: ErrorList | list[str] = failed[1].errors.get("__all__", []) if failed and failed[0] not in shown else []
    context = {"page": page, "rows": rows, "refused": refused}
    return render(request, "referrals/overrides.html", context, status=status)


OVERRIDE_DECISIONS = {"approve": True, "reject": False}


@require_POST
def override_decide(request: HttpRequest, pk: Any, decision: str) -> HttpResponse:
    _require_manager(request)
    if decision not in OVERRIDE_DECISIONS:
        raise Http404
    override = get_or_404(
        permissions.view_override, request.user, ConsentOverride.objects.select_related("referral__case__person"), pk=pk
    )
    form = OverrideDecisionForm(request.POST, prefix=str(override.pk))
    if not form.is_valid():
        return _overrides(request, (override.pk, form), 400)
    done, status = submit(
        form,
        services.consent_override_decide,
        actor=request.user,
        override=override,
        approve=OVERRIDE_DECISIONS[decision],
        note=form.cleaned_data["note"],
    )
    if done is None:
        return _overrides(request, (override.pk, form), status)
    code = override.referral.case.person.case_code
    if done.status == ConsentOverride.Status.APPROVED:
        messages.success(request, _("Override for %(code)s approved: the referral may now be sent.") % {"code": code})
    else:
        messages.success(request, _("Override for %(code)s rejected.") % {"code": code})
    return redirect("referrals:overrides")
