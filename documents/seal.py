"""The canonical content of a record that can be signed, and its signatures with the state of
their seal: a signature is valid while the record still hashes to what it hashed to when signed."""

from __future__ import annotations

import base64
from typing import Any

from django.utils.translation import gettext as _

from casework.models import RepatriationStep
from documents.content import SignatureBlock, seal_of
from documents.models import Signature, SignatureMethod, SignedRecord
from referrals.models import Consent

HANDOVER_STEP = "handover_at_border"


def consent_content(consent: Consent) -> dict[str, Any]:
    return {
        "record": "consent",
        "id": consent.pk,
        "case": consent.case_id,
        "recipient": consent.recipient_id,
        "data_categories": sorted(consent.data_categories),
        "service_types": sorted(service.code for service in consent.service_types.all()),
        "purpose": consent.purpose,
        "given_by": consent.given_by,
        "guardian": consent.guardian_id,
        "best_interest_reason": consent.best_interest_reason,
        "given_at": consent.given_at.isoformat(),
        "expires_at": consent.expires_at.isoformat() if consent.expires_at else None,
        "withdrawn_at": consent.withdrawn_at.isoformat() if consent.withdrawn_at else None,
    }


def handover_content(step: RepatriationStep) -> dict[str, Any]:
    trip = step.repatriation
    return {
        "record": "handover",
        "repatriation": trip.pk,
        "case": trip.case_id,
        "flow": trip.flow,
        "from_country": trip.from_country_id,
        "partner_abroad": trip.partner_abroad,
        "border_point": trip.border_point_id,
        "family_assessment": trip.family_assessment,
        "destination": trip.destination,
        "step": step.pk,
        "code": step.code,
        "status": step.status,
        "due_on": step.due_on.isoformat() if step.due_on else None,
        "done_on": step.done_on.isoformat() if step.done_on else None,
        "responsible_in_laos": step.responsible_in_laos_id,
        "responsible_abroad": step.responsible_abroad,
        "notes": step.notes,
        "reason": step.reason,
    }


def content_of(record: Consent | RepatriationStep) -> dict[str, Any]:
    return consent_content(record) if isinstance(record, Consent) else handover_content(record)


def signed_content(record: Consent | RepatriationStep, paper_sha256: str = "") -> dict[str, Any]:
    """What a signature seals: the record's content and, signed on paper, the scan's SHA-256."""
    content = content_of(record)
    if paper_sha256:
        content["paper_sha256"] = paper_sha256
    return content


def seal_now(signature: Signature, record: Consent | RepatriationStep) -> str:
    return seal_of(signed_content(record, signature.paper_sha256))


def signatures_of(record: Consent | RepatriationStep) -> list[Signature]:
    if isinstance(record, Consent):
        return list(Signature.objects.filter(record=SignedRecord.CONSENT, consent=record).select_related("recorded_by"))
    return list(Signature.objects.filter(record=SignedRecord.HANDOVER, step=record).select_related("recorded_by"))


def is_sealed(signature: Signature, record: Consent | RepatriationStep) -> bool:
    return signature.content_sha256 == seal_now(signature, record)


def png_of(signature: Signature) -> bytes | None:
    if not signature.image:
        return None
    return base64.b64decode(signature.image.split(",", 1)[-1])


def signature_blocks(record: Consent | RepatriationStep, *, label: str, signed_at: Any) -> list[SignatureBlock]:
    """The latest signature of the record, with its seal and whether it still holds; a blank
    line to sign on when there is none, or when the record changed after it was signed."""
    blocks = []
    for signature in signatures_of(record)[:1]:
        blocks.append(
            SignatureBlock(
                label=label,
                signer=signature.signer_name,
                role=signature.get_signer_role_display(),
                signed_at=signed_at(signature.signed_at),
                seal=signature.content_sha256,
                sealed=signature.content_sha256 == seal_now(signature, record),
                image=png_of(signature),
                paper=signature.method == SignatureMethod.PAPER,
            )
        )
    if not blocks or not blocks[0].sealed:
        blocks.append(SignatureBlock(label=label if not blocks else _("New signature")))
    return blocks
