"""Applying a device's queued writes exactly once, in the order it sends them.

Each write carries an idempotency key chosen on the device. The write and its SyncWrite row
commit in one transaction, so a write is either wholly applied and remembered or not at all: a
device that lost the answer (the connection dropped mid-sync) sends it again and gets the stored
answer, never a second copy. The audit rows the services write carry `offline:<key>` as their
request id: who (the actor), when it synced (their time) and, through the SyncWrite row, when
the worker saved it on the device."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from accounts.actors import Staff
from core.context import current, request_context
from core.errors import ApplicationError, Conflict, NotFound
from offline.models import Device, SyncWrite, WriteKind, WriteStatus
from offline.services.writes import HANDLERS, invalid

MAX_WRITES = 50  # per request; the device sends its queue in batches


def _device_time(value: Any) -> datetime:
    parsed = parse_datetime(str(value or ""))
    if parsed is None:
        raise invalid("device_time")
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, UTC)


def _answer(row: SyncWrite) -> dict[str, Any]:
    answer = {"key": str(row.key), "status": row.status, **row.answer}
    if row.status == WriteStatus.CONFLICT:
        answer["values"] = json.loads(row.conflict)
    return answer


def sync_apply(*, actor: Staff, device: Device, write: Any) -> dict[str, Any]:
    """Apply one write (or return the answer it got before). A refusal is kept too, so the same
    key always gets the same answer; the worker corrects it and sends a new write."""
    if not isinstance(write, dict):
        raise invalid("writes")
    try:
        key = uuid.UUID(str(write.get("key")))
    except ValueError:
        raise invalid("key") from None
    kind, payload = write.get("kind"), write.get("payload")
    if kind not in WriteKind.values or not isinstance(payload, dict):
        raise invalid("kind")
    earlier = SyncWrite.objects.filter(pk=key).first()
    if earlier is not None:
        if earlier.user_id != actor.pk:
            raise NotFound(_("Not found."))
        return _answer(earlier)
    row = SyncWrite(
        key=key,
        device=device,
        user=actor,
        kind=kind,
        case_ref=str(write.get("case_ref") or payload.get("temp_code") or "")[:40],
        device_time=_device_time(write.get("device_time")),
        status=WriteStatus.APPLIED,
    )
    try:
        with transaction.atomic(), request_context(replace(current(), request_id=f"offline:{key}")):
            row.answer = HANDLERS[kind](actor, payload, row)
            row.save(force_insert=True)
    except IntegrityError:
        return _the_first_answer(actor, key)
    except ApplicationError as error:
        row.status, row.conflict = WriteStatus.REFUSED, ""
        row.answer = {"message": error.message, "fields": error.fields, "code": error.code}
        try:
            with transaction.atomic():
                row.save(force_insert=True)
        except IntegrityError:
            return _the_first_answer(actor, key)
    return _answer(row)


def _the_first_answer(actor: Staff, key: uuid.UUID) -> dict[str, Any]:
    """The same key sent twice at once: the other request's answer (its row committed first)."""
    first = SyncWrite.objects.filter(pk=key, user=actor).first()
    if first is None:
        raise Conflict(_("This write could not be applied; send it again."))
    return _answer(first)


def sync_batch(*, actor: Staff, device: Device, writes: Any) -> list[dict[str, Any]]:
    """The answers of a batch, in order; the device's last sync time is now."""
    if not isinstance(writes, list) or len(writes) > MAX_WRITES:
        raise invalid("writes", _("Send a list of at most %(count)d writes.") % {"count": MAX_WRITES})
    answers = [sync_apply(actor=actor, device=device, write=write) for write in writes]
    Device.objects.filter(pk=device.pk).update(last_sync_at=timezone.now())
    return answers
