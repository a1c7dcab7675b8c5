"""Adding, reading and deleting attached files (casework.models.Attachment; docs/user-guide.md).

- Adding: the owner record is found through its own permission (404 when the user cannot see
  it), the file is checked and cleaned (core.uploads: size, type from the content, images
  re-encoded without metadata, active PDFs refused), encrypted with a new data key
  (core.envelope) and written under a random name. The row, the audit and timeline rows and
  the object are written together: a refusal or a failure leaves no row and no object.
- Reading: the permission is asked at that moment and the read is audited in the same
  transaction as the file is read; without the audit row, no file.
- Deleting: with a reason; the row keeps who, when and why, the wrapped key is destroyed and the
  object is removed once the transaction commits.
- Retention and subject access: through casework.extensions.PERSON_RECORDS (registered below)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any, Protocol

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.actors import Staff
from accounts.models import AuditAction
from accounts.services import audit_record
from casework import extensions
from casework.attachment_permissions import delete_attachment, may_read_health_of, view_attachment
from casework.models import Attachment, AttachmentKind, AttachmentTier
from casework.services.common import record, validate
from core import envelope, uploads
from core.errors import ApplicationError, NotFound, PermissionDenied
from core.validation import required_text


class Upload(Protocol):
    """What a page or the API hands over: Django's UploadedFile, or any file with a size."""

    size: int | None

    def read(self, size: int = -1) -> bytes: ...


def storage() -> Storage:
    return storages["attachments"]


def _refuse(field: str, message: str) -> ApplicationError:
    return ApplicationError(_("The file was not added."), fields={field: [message]})


def _names(person: Any) -> list[str]:
    """The person's names, as words of three letters or more, to keep them out of descriptions."""
    words = []
    for field in ("given_name_lo", "family_name_lo", "given_name_latin", "family_name_latin"):
        words += [w for w in re.split(r"\W+", str(getattr(person, field, "") or "").casefold()) if len(w) >= 3]
    return words


def _description(person: Any, text: str) -> str:
    text = (text or "").strip()
    folded = text.casefold()
    if any(name in folded for name in _names(person)):
        raise _refuse("description", _("Describe the document without the person's name."))
    return text


def attachment_add(
    *,
    actor: Staff,
    owner_type: str,
    owner_id: Any,
    kind: str,
    file: Upload,
    description: str = "",
    then: Callable[[Attachment, bytes], Any] | None = None,
) -> Attachment:
    """`then(attachment, content)` runs inside the same transaction once the object is written,
    with the stored (cleaned) plaintext: a record built on the file (a signature on paper) is
    saved with it or not at all."""
    owner = extensions.ATTACHMENT_OWNERS.get(owner_type)
    if owner is None:
        raise _refuse("owner_type", _("Choose what the file belongs to."))
    record_ = owner.resolve(actor, owner_id)  # NotFound outside the user's scope
    person, case, health = owner.where(record_)
    if not owner.may_add(actor, record_):
        raise PermissionDenied(_("You cannot add files to this record."))
    if kind not in AttachmentKind.values:
        raise _refuse("kind", _("Choose the kind of document."))
    tier = AttachmentTier.HEALTH if health or kind == AttachmentKind.MEDICAL else AttachmentTier.IDENTITY
    if tier == AttachmentTier.HEALTH and not may_read_health_of(actor, person, case):
        raise PermissionDenied(_("You cannot add medical documents to this case."))
    description = _description(person, description)
    try:
        uploads.check_size(file.size or 0)
        clean = uploads.sanitise(file.read())
    except uploads.UploadRefused as error:
        raise _refuse("file", str(error)) from error
    data_key = envelope.new_data_key()
    attachment = Attachment(
        id=uuid.uuid4(),
        person=person,
        case=case,
        owner_type=owner.key,
        owner_id=record_.pk,
        kind=kind,
        tier=tier,
        description=description,
        content_type=clean.content_type,
        size=len(clean.content),
        storage_name=f"attachments/{uuid.uuid4().hex}",
        data_key=data_key,
        added_by=actor,
    )
    validate(attachment)
    sealed = envelope.seal(clean.content, data_key, str(attachment.id))
    written = False
    try:
        with transaction.atomic():
            attachment.save(force_insert=True)
            _record(attachment, actor, "attachment_added", AuditAction.CREATE, owner=owner.key, document=kind)
            name = storage().save(attachment.storage_name, ContentFile(sealed))
            written = True
            if name != attachment.storage_name:  # never expected with random names: refuse rather than guess
                raise RuntimeError("the attachments storage renamed an object")
            if then is not None:
                then(attachment, clean.content)
    except BaseException:
        if written:
            storage().delete(attachment.storage_name)
        raise
    return attachment


def _record(attachment: Attachment, actor: Staff, event: str, action: str, *, reason: str = "", **data: Any) -> None:
    if attachment.case is not None:
        record(attachment.case, actor, event, action=action, obj=attachment, reason=reason, **data)
    else:
        audit_record(actor=actor, action=action, obj=attachment, reason=reason)


def attachment_read(*, actor: Staff, attachment_id: Any) -> tuple[Attachment, bytes]:
    """The file's plaintext, if the user may read it now (404 otherwise), audited with the read."""
    with transaction.atomic():
        attachment = view_attachment.get(actor, pk=attachment_id)
        audit_record(actor=actor, action=AuditAction.VIEW, obj=attachment, fields=["file"])
        try:
            with storage().open(attachment.storage_name, "rb") as stored:
                sealed = stored.read()
        except (FileNotFoundError, OSError) as error:
            raise NotFound(_("Not found.")) from error
        return attachment, envelope.open_sealed(sealed, attachment.data_key, str(attachment.id))


def attachment_delete(*, actor: Staff, attachment_id: Any, reason: str) -> Attachment:
    with transaction.atomic():
        attachment = view_attachment.get(actor, pk=attachment_id)
        delete_attachment.require(actor, attachment, _("You cannot delete this file."))
        reason = required_text(reason, field="reason", message=_("Say why the file is deleted."))
        name = attachment.storage_name
        Attachment.objects.filter(pk=attachment.pk).update(
            deleted_at=timezone.now(), deleted_by=actor, delete_reason=reason, data_key=""
        )
        attachment.refresh_from_db()
        _record(attachment, actor, "attachment_deleted", AuditAction.DELETE, reason=reason, document=attachment.kind)
        transaction.on_commit(lambda: storage().delete(name))
    return attachment


# --- Retention and subject access -----------------------------------------------------------------
def _collect(person: Any, case_ids: list[Any]) -> dict[str, list[dict[str, Any]]]:
    rows = Attachment.objects.filter(person=person, deleted_at__isnull=True).filter(
        case_id__in=case_ids
    ) | Attachment.objects.filter(person=person, deleted_at__isnull=True, case__isnull=True)
    return {
        "attachments": [
            {
                "id": str(a.id),
                "case": str(a.case_id) if a.case_id else None,
                "record": a.owner_type,
                "kind": a.kind,
                "description": a.description,
                "content_type": a.content_type,
                "size": a.size,
                "added_at": a.added_at.isoformat(),
            }
            for a in rows.order_by("added_at", "id")
        ]
    }


def erase_for_people(person_ids: list[Any]) -> None:
    """Retention: the people's files go with their identity (rows, wrapped keys and objects)."""
    rows = Attachment.objects.filter(person_id__in=person_ids)
    names = list(rows.values_list("storage_name", flat=True))
    rows.delete()

    def remove() -> None:
        for name in names:
            storage().delete(name)

    transaction.on_commit(remove)


def register() -> None:
    extensions.register_person_records(
        extensions.PersonRecords(key="attachments", collect=_collect, anonymise=erase_for_people)
    )
