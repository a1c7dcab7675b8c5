"""Every write of the cross-border app (docs/cross-border.md)."""

from crossborder.services.inbox import inbox_retry, inbox_set_aside, receive
from crossborder.services.outbox import deliver, outbox_retry
from crossborder.services.peers import peer_deactivate, peer_register
from crossborder.services.transfers import (
    step_record,
    transfer_accept,
    transfer_answer,
    transfer_ask,
    transfer_decline,
    transfer_refer,
)

__all__ = [
    "deliver",
    "inbox_retry",
    "inbox_set_aside",
    "outbox_retry",
    "peer_deactivate",
    "peer_register",
    "receive",
    "step_record",
    "transfer_accept",
    "transfer_answer",
    "transfer_ask",
    "transfer_decline",
    "transfer_refer",
]
