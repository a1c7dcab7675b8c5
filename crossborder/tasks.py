"""Celery tasks of the cross-border app: thin, ids only, idempotent (acks_late)."""

from __future__ import annotations

from celery import shared_task

from crossborder.services import directory, inbox, outbox


@shared_task(name="crossborder.tasks.deliver_to_peer", acks_late=True, ignore_result=True)
def deliver_to_peer(peer_id: str) -> dict[str, int]:
    """Send the peer's due messages (crossborder.services.outbox.deliver)."""
    return outbox.deliver(peer_id)


@shared_task(name="crossborder.tasks.send_due", acks_late=True, ignore_result=True)
def send_due() -> int:
    """Beat's sweep: queue every peer with a message due, and forget old nonces."""
    peers = outbox.due_peer_ids()
    outbox.enqueue(peers)
    inbox.nonces_prune()
    return len(peers)


@shared_task(name="crossborder.tasks.pull_directory", acks_late=True, ignore_result=True)
def pull_directory(peer_id: str) -> str:
    """Refresh our copy of one peer's directory of services (crossborder.services.directory.pull)."""
    return directory.pull(peer_id)


@shared_task(name="crossborder.tasks.pull_directories", acks_late=True, ignore_result=True)
def pull_directories() -> int:
    """Beat's sweep: queue a refresh for every active peer whose copy is due."""
    peers = directory.claim_due()
    for peer_id in peers:
        pull_directory.delay(str(peer_id))
    return len(peers)
