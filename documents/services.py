"""Writes of the documents app: the audit row of every document printed or downloaded (in the
transaction that builds it), and a signature with its seal, audited and on the case's timeline."""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from accounts.actors import Staff
from accounts.models import AuditAction
from accounts.services import audit_record
from casework import permissions
from casework import timeline as case_timeline
from casework.models import PERSON_IDENTITY_FIELDS, Attachment, AttachmentKind, Case, RepatriationStep
from casework.services.attachments import Upload, attachment_add
from core.errors import ApplicationError, PermissionDenied
from documents import pdf
from documents.content import Document, seal_of
from documents.models import Signature, SignatureMethod, SignedRecord, SignerRole
from documents.seal import signed_content
from referrals.models import Consent

MAX_SIGNATURE_BYTES = 200_000  # a drawn signature is a few kilobytes
MAX_SIGNATURE_PIXELS = 1200 * 600
PNG_PREFIX = "data:image/png;base64,"


def document_issue(
    *, actor: Staff, case: Case, build: Callable[[], Document], as_pdf: bool = True
) -> tuple[Document, bytes]:
    """Build a document of a case for the actor and record the read, in one transaction: the
    access log names the document and the identity fields it prints (with an emergency grant's
    reason when the actor reads the case through one). The caller has checked the permissions
    at this moment (the view and the API ask them on every request)."""
    with transaction.atomic():
        document = build()
        reason = permissions.emergency_reasons(actor, [case.person_id]).get(case.person_id, "")
        fields = [f"document:{document.kind}"]
        if permissions.view_identity(actor, case.person):
            fields += PERSON_IDENTITY_FIELDS
        audit_record(actor=actor, action=AuditAction.EXPORT, obj=case.person, fields=fields, reason=reason)
        return document, (pdf.render(document) if as_pdf else b"")


def _clean_png(data_url: str) -> str:
    """The drawn signature, re-encoded: a PNG data URL of bounded size; anything else is refused."""
    if not data_url.startswith(PNG_PREFIX) or len(data_url) > MAX_SIGNATURE_BYTES * 4 // 3 + len(PNG_PREFIX):
        raise ApplicationError(_("Draw the signature first."), fields={"image": [_("Draw the signature first.")]})
    try:
        raw = base64.b64decode(data_url[len(PNG_PREFIX) :], validate=True)
        with Image.open(io.BytesIO(raw)) as image:
            if image.format != "PNG" or image.width * image.height > MAX_SIGNATURE_PIXELS:
                raise ValueError("not a small PNG")
            image.load()
            out = io.BytesIO()
            image.convert("LA").save(out, format="PNG", optimize=True)  # no metadata kept
    except (binascii.Error, ValueError, UnidentifiedImageError, OSError) as error:
        message = _("The signature could not be read: draw it again.")
        raise ApplicationError(message, fields={"image": [message]}) from error
    return PNG_PREFIX + base64.b64encode(out.getvalue()).decode()


def signature_record(
    *,
    actor: Staff,
    record: Consent | RepatriationStep,
    signer_name: str,
    signer_role: str,
    image: str = "",
    method: str = SignatureMethod.DRAWN,
    file: Upload | None = None,
) -> Signature:
    """A signature of a consent or of a repatriation's handover, sealed with the SHA-256 of the
    record's canonical content now (documents.seal). Drawn: the PNG from the signature pad.
    On paper: the scan of the signed form goes through the attachments service (its safe-upload
    checks; a consent's on the case as a consent form, a handover's on its step as a legal
    document), and the seal covers the scan's SHA-256 too; the file, the signature and their
    audit rows are saved together or not at all."""
    case = record.case if isinstance(record, Consent) else record.repatriation.case
    if not permissions.change_case.allows(actor, case):
        raise PermissionDenied(_("Only the case's workers record a signature."))
    errors: dict[str, list[str]] = {}
    if method not in SignatureMethod.values:
        errors["method"] = [_("Choose how the record is signed.")]
    name = signer_name.strip()
    if not name:
        errors["signer_name"] = [_("Write the name of the person who signs.")]
    if signer_role not in SignerRole.values:
        errors["signer_role"] = [_("Choose who signs.")]
    png = ""
    if method == SignatureMethod.DRAWN:
        try:
            png = _clean_png(image)
        except ApplicationError as error:
            errors.update(error.fields)
    elif method == SignatureMethod.PAPER and file is None:
        errors["file"] = [_("Choose the scan of the signed form.")]
    if errors:
        raise ApplicationError(_("The signature was not saved."), fields=errors)
    kind = SignedRecord.CONSENT if isinstance(record, Consent) else SignedRecord.HANDOVER

    def save(paper: Attachment | None = None, content: bytes = b"") -> Signature:
        digest = hashlib.sha256(content).hexdigest() if paper is not None else ""
        signature = Signature.objects.create(
            case=case,
            record=kind,
            consent=record if isinstance(record, Consent) else None,
            step=record if isinstance(record, RepatriationStep) else None,
            method=method,
            signer_name=name,
            signer_role=signer_role,
            image=png,
            paper=paper,
            paper_sha256=digest,
            content_sha256=seal_of(signed_content(record, digest)),
            signed_at=timezone.now(),
            recorded_by=actor,
        )
        fields = ["signer_name", "paper" if paper is not None else "image", "content_sha256"]
        audit_record(actor=actor, action=AuditAction.CREATE, obj=signature, fields=fields)
        case_timeline.write(case, actor, "document_signed", record=kind, signature=str(signature.pk))
        return signature

    if method == SignatureMethod.DRAWN:
        with transaction.atomic():
            return save()
    assert file is not None
    saved: list[Signature] = []
    attachment_add(
        actor=actor,
        owner_type="case" if isinstance(record, Consent) else "repatriation_step",
        owner_id=case.pk if isinstance(record, Consent) else record.pk,
        kind=AttachmentKind.CONSENT_FORM if isinstance(record, Consent) else AttachmentKind.LEGAL,
        file=file,
        description=_("Signed consent form") if isinstance(record, Consent) else _("Signed handover form"),
        then=lambda paper, content: saved.append(save(paper, content)),
    )
    return saved[0]


def person_records(person: Any, case_ids: list[Any]) -> dict[str, list[dict[str, Any]]]:
    """For a subject access export: the signatures on the person's cases (not the images)."""
    rows = Signature.objects.filter(case_id__in=case_ids).order_by("signed_at")
    return {
        "signatures": [
            {
                "record": row.record,
                "method": row.method,
                "signer_name": row.signer_name,
                "signer_role": row.signer_role,
                "seal": row.content_sha256,
                "paper": str(row.paper_id) if row.paper_id else None,  # the scan, among the attachments
                "signed_at": row.signed_at,
            }
            for row in rows
        ]
    }


def person_records_anonymise(person_ids: list[Any]) -> None:
    """The retention rule: a signature names and shows a person; it goes with the identity."""
    Signature.objects.filter(case__person_id__in=person_ids).delete()
