"""Allowed status changes of a transfer (the same on both ends; core.transitions moves them)."""

from core.transitions import Transitions
from crossborder.choices import TransferStatus as S

TRANSFER = Transitions(
    {
        S.SENT: {S.ACCEPTED, S.DECLINED, S.INFO_REQUESTED},
        S.INFO_REQUESTED: {S.SENT, S.DECLINED},
        S.ACCEPTED: {S.COMPLETED},
    }
)
