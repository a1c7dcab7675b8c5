"""The stream of referral changes that partners pull.

Every change to a referral (a status move, a note) writes one ReferralEvent with a number from
one PostgreSQL sequence and moves `Referral.change_seq` to it. Writers take one transaction-level
advisory lock before they take the number and keep it until they commit, so numbers become
visible in the order they were taken: a reader that has seen number N will never later find a
change numbered below N. A partner that pulls "everything after N" therefore never misses a
change and never gets one twice, even when two changes share a timestamp. Referral changes are
human-paced (a few per minute), so serialising their commits costs nothing measurable.
"""

from __future__ import annotations

from typing import Any

from django.db import connection

from accounts.actors import Staff
from referrals.models import Referral, ReferralEvent
from referrals.timeline import REFERRAL_EVENTS
from referrals.webhooks import schedule_deliveries

LOCK_KEY = 0x5041_5448_5741_59  # "PATHWAY", the advisory lock of the change stream


def record_change(
    referral: Referral,
    *,
    kind: str,
    organisation: Any,
    actor: Staff | None = None,
    token: Any = None,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
) -> ReferralEvent:
    """Append one event to the stream, inside the caller's transaction.

    Locks are always taken in the same order — the referral's row, then the stream lock — so a
    note and a status change of one referral cannot deadlock each other."""
    if not connection.in_atomic_block:
        raise RuntimeError("record_change must run inside the transaction that makes the change")
    Referral.objects.select_for_update().filter(pk=referral.pk).values_list("pk", flat=True).first()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s), nextval('referrals_change_seq'), pg_current_xact_id()::text::bigint",
            [LOCK_KEY],
        )
        _, seq, txid = cursor.fetchone()
    event = ReferralEvent.objects.create(
        referral=referral,
        seq=seq,
        txid=txid,
        actor=actor if getattr(actor, "pk", None) else None,
        token=token,
        organisation=organisation,
        kind=REFERRAL_EVENTS.require(kind),
        from_status=from_status,
        to_status=to_status,
        note=note,
    )
    Referral.objects.filter(pk=referral.pk).update(change_seq=seq)
    referral.change_seq = seq
    schedule_deliveries(event)
    return event
