"""Cross-border pages: partner instances (administrators), the list of transfers, one transfer
with its steps on both sides, referring a case, and the held messages. Every change calls
crossborder.services; a refusal is shown beside its field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.actors import signed_in
from casework.models import Case
from casework.permissions import change_case, view_case
from core.errors import ApplicationError, NotFound
from core.pages import get_or_404, submit
from crossborder import selectors, services, signatures
from crossborder.choices import Role
from crossborder.forms import REFER_FIELDS, PeerForm, ReferForm, StepForm, TextForm
from crossborder.models import InboxMessage, OutboxMessage, Peer, Transfer
from crossborder.permissions import change_transfer, manage_peer, resolve_message, view_transfer
from referrals.forms import FIND, initial_from
from referrals.permissions import view_consent


@require_http_methods(["GET", "POST"])
def peers(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    manage_peer.require(user, None, _("Only an administrator can register partner instances."))
    form = PeerForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            peer, status = submit(form, services.peer_register, actor=user, **form.cleaned_data)
            if peer is not None:
                messages.success(request, _("Partner instance registered."))
                return redirect("crossborder:peers")
    context = {
        "form": form,
        "peers": selectors.peer_rows(user=user),
        "instance_id": settings.CROSSBORDER_INSTANCE_ID,
        "public_key": signatures.public_key_text(),
    }
    return render(request, "crossborder/peers.html", context, status=status)


@require_POST
def peer_deactivate(request: HttpRequest, pk: Any) -> HttpResponse:
    user = signed_in(request)
    peer = get_or_404(manage_peer, user, Peer.objects.all(), pk=pk)
    services.peer_deactivate(actor=user, peer=peer)
    messages.success(request, _("Partner instance switched off."))
    return redirect("crossborder:peers")


@require_POST
def peer_directory(request: HttpRequest, pk: Any, action: str) -> HttpResponse:
    """Share our directory with the peer or stop, or refresh our copy of its directory now."""
    user = signed_in(request)
    peer = get_or_404(manage_peer, user, Peer.objects.all(), pk=pk)
    if action == "refresh":
        services.peer_directory_refresh(actor=user, peer=peer)
        messages.success(request, _("The partner's directory is being refreshed."))
    elif action in ("share", "stop-sharing"):
        services.peer_share_directory(actor=user, peer=peer, share=action == "share")
        messages.success(request, _("Saved."))
    return redirect("crossborder:peers")


@require_safe
def transfers(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    role = request.GET.get("role", "")
    rows = selectors.transfers(user=user, role=role)[:200]
    return render(request, "crossborder/transfers.html", {"rows": rows, "role": role, "roles": Role.choices})


@require_http_methods(["GET", "POST"])
def refer(request: HttpRequest, case_pk: Any) -> HttpResponse:
    user = signed_in(request)
    case = get_or_404(view_case, user, Case.objects.select_related("person", "owner"), pk=case_pk)
    change_case.require(user, case, _("You cannot refer this case."))
    peers = Peer.objects.filter(active=True).exclude(may_receive=[]).order_by("name")
    consents = view_consent.scope(user).filter(case=case).select_related("recipient").order_by("-given_at", "id")
    options: dict[str, Any] = {
        "peers": peers,
        "consents": consents,
        "providers": selectors.partner_providers(user=user, peer=peers),
        "areas": selectors.partner_areas(user=user),
    }
    status, found = 200, None
    if request.method == "POST" and request.POST.get("action") == FIND:
        # The providers of the chosen partner, service and area; what was typed is kept, no error shown.
        chosen = initial_from(ReferForm(request.POST, **options), REFER_FIELDS)
        service = chosen.get("service")
        narrowed = selectors.partner_providers(
            user=user, peer=chosen.get("peer") or peers, service_code=service.code if service else "",
            area=chosen.get("area", ""),
        )  # fmt: skip
        found = narrowed.count()
        options.update(providers=narrowed, areas=selectors.partner_areas(user=user, peer=chosen.get("peer")))
        form = ReferForm(initial=chosen, **options)
    elif request.method == "POST":
        form = ReferForm(request.POST, **options)
        status = 400
        if form.is_valid():
            data = {name: value for name, value in form.cleaned_data.items() if name != "area"}
            transfer, status = submit(form, services.transfer_refer, actor=user, case=case, **data)
            if transfer is not None:
                messages.success(request, _("Referred. The partner is told as soon as it can be reached."))
                return redirect("crossborder:detail", pk=transfer.pk)
    else:
        form = ReferForm(**options)
    return render(request, "crossborder/refer.html", {"case": case, "form": form, "found": found}, status=status)


@require_safe
def detail(request: HttpRequest, pk: Any) -> HttpResponse:
    user = signed_in(request)
    page = selectors.transfer_page(user=user, pk=pk)
    return render(request, "crossborder/detail.html", {**page, **_forms(page["transfer"])})


def _forms(transfer: Transfer, bound: dict[str, Any] | None = None) -> dict[str, Any]:
    forms: dict[str, Any] = {
        "text_form": TextForm(prefix="text"),
        "step_form": StepForm(transfer=transfer, prefix="step"),
    }
    forms.update(bound or {})
    return forms


ACTIONS = {"accept", "decline", "ask", "answer", "step"}
TEXT_SERVICES: dict[str, Callable[..., Transfer]] = {
    "decline": services.transfer_decline,
    "ask": services.transfer_ask,
    "answer": services.transfer_answer,
}


@require_POST
def act(request: HttpRequest, pk: Any, action: str) -> HttpResponse:
    """One change on a transfer; a refusal shows the transfer page again with the message."""
    user = signed_in(request)
    transfer = get_or_404(view_transfer, user, Transfer.objects.select_related("peer"), pk=pk)
    change_transfer.require(user, transfer, _("You cannot change this transfer."))
    if action not in ACTIONS:
        return redirect("crossborder:detail", pk=transfer.pk)
    text_form = TextForm(request.POST, prefix="text")
    step_form = StepForm(request.POST, transfer=transfer, prefix="step")
    form: Any = step_form if action == "step" else text_form
    result: Any = None
    status = 400
    if action == "accept":
        form = TextForm(prefix="text")
        result, status = submit(form, services.transfer_accept, actor=user, transfer=transfer)
    elif form.is_valid():
        if action == "step":
            data = step_form.cleaned_data
            result, status = submit(
                form, services.step_record, actor=user, transfer=transfer, code=data["step"],
                done_on=data["done_on"], agreed_date=data["agreed_date"], note=data["note"],
            )  # fmt: skip
        else:
            service: Callable[..., Transfer] = TEXT_SERVICES[action]
            keyword = {"decline": "reason", "ask": "question", "answer": "answer"}[action]
            result, status = submit(
                form,
                service,
                actor=user,
                transfer=transfer,
                rename={keyword: "text"},
                **{keyword: form.cleaned_data["text"]},
            )
    if result is not None:
        messages.success(request, _("Saved. The partner is told as soon as it can be reached."))
        return redirect("crossborder:detail", pk=transfer.pk)
    page = selectors.transfer_page(user=user, pk=pk)
    bound = {"step_form": step_form} if action == "step" else {"text_form": form}
    return render(
        request, "crossborder/detail.html", {**page, **_forms(page["transfer"], bound), "failed": action}, status=status
    )


@require_safe
def held(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    resolve_message.require(user, None, _("Only an administrator can resolve held messages."))
    return render(
        request, "crossborder/held.html", {**selectors.held_messages(user=user), "form": TextForm(prefix="text")}
    )


@require_POST
def resolve(request: HttpRequest, pk: Any, action: str) -> HttpResponse:
    """Retry or set aside a held message of ours (inbox), or retry one the peer refused (outbox)."""
    user = signed_in(request)
    form = TextForm(request.POST, prefix="text")
    try:
        if action == "retry-outbox":
            refused = OutboxMessage.objects.filter(pk=pk, peer__in=selectors.peers(user=user)).first()
            if refused is None:
                raise NotFound(_("Not found."))
            services.outbox_retry(actor=user, message=refused)
        else:
            message = get_or_404(resolve_message, user, InboxMessage.objects.select_related("peer"), pk=pk)
            if action == "retry":
                services.inbox_retry(actor=user, message=message)
            elif form.is_valid():
                services.inbox_set_aside(actor=user, message=message, note=form.cleaned_data["text"])
            else:
                raise ApplicationError(_("Say why the message is set aside."))
    except ApplicationError as error:
        if error.status_code == 404:
            raise
        messages.error(request, error.message)
        return redirect("crossborder:held")
    messages.success(request, _("Done."))
    return redirect("crossborder:held")
