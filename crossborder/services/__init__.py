"""Every write of the cross-border app (docs/cross-border.md)."""

from crossborder.services.directory import peer_directory_refresh, peer_share_directory
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
    "peer_directory_refresh",
    "peer_register",
    "peer_share_directory",
    "receive",
    "step_record",
    "transfer_accept",
    "transfer_answer",
    "transfer_ask",
    "transfer_decline",
    "transfer_refer",
]
