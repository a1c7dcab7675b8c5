"""The records a document is printed from, each reached through the permission that governs it,
asked again on every request: a withdrawn share or a reassigned case takes effect at once. A
record outside the reader's scope and a missing one are the same 404."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from casework import permissions
from casework.models import Case, Repatriation, RepatriationStep
from core.errors import NotFound
from documents import letters, summary
from documents.content import Document
from documents.models import Signature
from documents.seal import HANDOVER_STEP, is_sealed, signatures_of
from referrals.models import Consent, Referral
from referrals.permissions import view_consent
from referrals.selectors import case_referrals

KINDS = ("case_summary", "referral_letter", "repatriation_file", "consent_form")


def _one(queryset: Any, pk: Any) -> Any:
    try:
        found = queryset.filter(pk=pk).first()
    except (ValueError, ValidationError):
        found = None
    if found is None:
        raise NotFound(_("Not found."))
    return found


def case_for(*, user: Any, case_id: Any) -> Case:
    queryset = Case.objects.select_related(
        "person__nationality", "person__origin_province", "person__origin_district", "owner", "assigned_worker"
    )
    return permissions.view_case.get(user, queryset, pk=case_id)


def referral_for(*, user: Any, case: Case, referral_id: Any) -> Referral:
    return _one(case_referrals(user=user, case=case), referral_id)


def repatriation_for(*, user: Any, case: Case, repatriation_id: Any) -> Repatriation:
    steps = RepatriationStep.objects.select_related("responsible_in_laos").order_by("position")
    queryset = (
        permissions.view_repatriation.scope(user)
        .filter(case=case)
        .select_related("from_country", "border_point")
        .prefetch_related(Prefetch("steps", queryset=steps))
    )
    return _one(queryset, repatriation_id)


def consent_for(*, user: Any, case: Case, consent_id: Any) -> Consent:
    queryset = (
        view_consent.scope(user)
        .filter(case=case)
        .select_related("recipient", "guardian")
        .prefetch_related("service_types")
    )
    return _one(queryset, consent_id)


def handover_of(trip: Repatriation) -> RepatriationStep:
    step = next((step for step in trip.steps.all() if step.code == HANDOVER_STEP), None)
    if step is None:
        raise NotFound(_("Not found."))
    step.repatriation = trip
    return step


def builder(kind: str, *, user: Any, case: Case, object_id: Any = None) -> Callable[[], Document]:
    """The function that builds one kind of document for this reader (the lookups run when it is
    called, inside the transaction that audits the read)."""
    if kind == "case_summary":
        return lambda: summary.case_summary(user=user, case=case)
    if kind == "referral_letter":
        return lambda: letters.referral_letter(
            user=user, case=case, referral=referral_for(user=user, case=case, referral_id=object_id)
        )
    if kind == "repatriation_file":
        return lambda: letters.repatriation_file(
            user=user, case=case, trip=repatriation_for(user=user, case=case, repatriation_id=object_id)
        )
    if kind == "consent_form":
        return lambda: letters.consent_form(
            user=user, case=case, consent=consent_for(user=user, case=case, consent_id=object_id)
        )
    raise NotFound(_("Not found."))


@dataclass(frozen=True)
class Printable:
    """A record the documents page lists, with its latest signatures and whether the latest still
    seals it; `handover` is a repatriation's handover step (the record a return signs)."""

    record: Any
    signatures: list[Signature]
    sealed: bool
    handover: RepatriationStep | None = None


def _printable(record: Any, signed: Consent | RepatriationStep | None) -> Printable:
    signatures = signatures_of(signed) if signed is not None else []
    sealed = bool(signatures) and signed is not None and is_sealed(signatures[0], signed)
    return Printable(record, signatures, sealed, signed if isinstance(signed, RepatriationStep) else None)


def case_documents(*, user: Any, case: Case) -> dict[str, Any]:
    """What the case's documents page lists: the referrals, repatriations and consents the reader
    may see, with the seal state of each signed record."""
    consents = view_consent.scope(user).filter(case=case).select_related("recipient").prefetch_related("service_types")
    trips = (
        permissions.view_repatriation.scope(user)
        .filter(case=case)
        .select_related("from_country", "border_point")
        .prefetch_related("steps")
    )
    repatriations = []
    for trip in trips:
        handover = next((step for step in trip.steps.all() if step.code == HANDOVER_STEP), None)
        if handover is not None:
            handover.repatriation = trip
        repatriations.append(_printable(trip, handover))
    return {
        "referrals": list(case_referrals(user=user, case=case)),
        "repatriations": repatriations,
        "consents": [_printable(consent, consent) for consent in consents],
        "can_sign": permissions.change_case.allows(user, case),
    }
