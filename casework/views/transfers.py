"""Transferring a case to another organisation: the owner's workers or managers ask (and may
cancel while it waits); the receiving organisation sees the transfers waiting for it on its
own page (linked from the dashboard) and accepts, giving the case to one of its workers, or
declines with a reason. Each step calls the service the API calls (casework.services.cases)."""

from __future__ import annotations

from typing import Any

from django import forms as django_forms
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.actors import signed_in
from casework import forms, permissions, selectors
from casework.choices import TransferStatus
from casework.models import Case, CaseTransfer
from casework.services import cases
from casework.views import queues
from casework.views.case_admin import case_for, case_form_page, press
from core.errors import PermissionDenied
from core.pages import get_or_404
from core.permissions import has_role


def _transfers(case: Case) -> dict[str, Any]:
    transfers = list(selectors.case_transfers(case=case))
    return {"transfers": transfers, "pending": any(t.status == TransferStatus.PENDING for t in transfers)}


def _transfer_page(
    request: HttpRequest, case: Case, form: django_forms.Form, refused: tuple[django_forms.Form, int] | None = None
) -> HttpResponse:
    return case_form_page(
        request,
        case,
        form=form,
        call=lambda data: (
            cases.case_transfer_request(
                actor=signed_in(request), case=case, to_organisation=data["to_organisation"], reason=data["reason"]
            )
            and reverse("casework:case-transfer", args=[case.pk])
        ),
        done=_("Transfer requested: the other organisation will answer."),
        title=gettext_lazy("Transfer to another organisation"),
        button=gettext_lazy("Ask to transfer"),
        template="casework/case_transfer.html",
        context=_transfers,
        refused=refused,
    )


@require_http_methods(["GET", "POST"])
def case_transfer(request: HttpRequest, case_id: Any) -> HttpResponse:
    """The case's transfers, the one waiting (with a button to cancel it), and the request form."""
    case = case_for(request, case_id, permissions.move_case, _("You cannot change this case."))
    return _transfer_page(request, case, forms.TransferRequestForm(request.POST or None, owner=case.owner))


@require_POST
def transfer_cancel(request: HttpRequest, case_id: Any, transfer_id: Any) -> HttpResponse:
    case = case_for(request, case_id, permissions.move_case, _("You cannot change this case."))
    transfer = case.transfers.select_related("case").filter(pk=transfer_id).first()
    if transfer is None:
        raise Http404
    return press(
        request,
        lambda: cases.case_transfer_cancel(actor=signed_in(request), transfer=transfer),
        done=_("Transfer cancelled."),
        back=reverse("casework:case-transfer", args=[case.pk]),
        page=lambda refused: _transfer_page(request, case, forms.TransferRequestForm(owner=case.owner), refused),
    )


# --- The receiving organisation's inbox -----------------------------------------------------------
def _waiting(request: HttpRequest) -> Any:
    if not has_role(request.user, *permissions.TRANSFER_DECIDERS):
        raise PermissionDenied(_("Only social workers, counsellors and managers answer transfers."))
    return selectors.transfers_waiting(user=request.user)


def _workers(request: HttpRequest) -> list[Any]:
    """The user's organisation's workers, read once for every card of the page."""
    if not hasattr(request, "_transfer_workers"):
        request._transfer_workers = forms.eligible_workers(request.user.organisation)  # type: ignore[attr-defined,union-attr]
    return request._transfer_workers  # type: ignore[attr-defined,no-any-return]


def _card(request: HttpRequest, transfer: CaseTransfer, data: Any) -> queues.Forms:
    prefix = str(transfer.pk)
    return {
        "accept": forms.TransferAcceptForm(data, prefix=prefix, workers=_workers(request)),
        "decline": forms.DeclineForm(data, prefix=prefix),
    }


INBOX = queues.Queue(
    template="casework/transfer_inbox.html",
    url_name="casework:transfer-decide",
    items=_waiting,
    forms=_card,
    label=lambda transfer: str(transfer.case.person.case_code),
    decisions={
        "accept": (
            lambda request, transfer, data: cases.case_transfer_accept(
                actor=signed_in(request), transfer=transfer, assign_to=data["assign_to"]
            ),
            gettext_lazy("Case %(code)s is now yours."),
            lambda transfer: reverse("casework:case-detail", args=[transfer.case_id]),
        ),
        "decline": (
            lambda request, transfer, data: cases.case_transfer_decline(
                actor=signed_in(request), transfer=transfer, reason=data["reason"]
            ),
            gettext_lazy("Transfer of %(code)s declined."),
            lambda transfer: reverse("casework:transfers"),
        ),
    },
)


@require_safe
def transfer_inbox(request: HttpRequest) -> HttpResponse:
    """Transfers offered to the user's organisation, oldest first."""
    return queues.show(request, INBOX)


@require_POST
def transfer_decide(request: HttpRequest, transfer_id: Any, decision: str) -> HttpResponse:
    """Accept or decline (with a reason). A transfer the user may not see is a 404; one they see
    but may not answer (the sender) is refused by the service, on the form."""
    queryset = CaseTransfer.objects.select_related("case__person", "from_organisation", "to_organisation")
    transfer = get_or_404(permissions.view_transfer, request.user, queryset, pk=transfer_id)
    return queues.decide(request, INBOX, transfer, decision)
