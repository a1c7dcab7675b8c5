"""Allowed status changes of a referral (docs/design/domain.md: Referrals); core.transitions moves them.

The receiver may accept or decline straight from `sent`: the service then moves through
`acknowledged` first (two moves, two events), so this table stays the lifecycle as staff draw it.
"""

from core.transitions import Transitions
from referrals.choices import ReferralStatus as S

REFERRAL = Transitions(
    {
        S.DRAFT: {S.SENT},
        S.SENT: {S.ACKNOWLEDGED, S.WITHDRAWN},
        S.ACKNOWLEDGED: {S.ACCEPTED, S.DECLINED, S.WITHDRAWN},
        # "Closed without service" from accepted: the person never arrived, so nothing started.
        S.ACCEPTED: {S.IN_PROGRESS, S.CLOSED_WITHOUT_SERVICE, S.WITHDRAWN},
        S.IN_PROGRESS: {S.COMPLETED, S.CLOSED_WITHOUT_SERVICE, S.WITHDRAWN},
    }
)

# No way out of these: the referral's story is over.
FINAL = frozenset({S.DECLINED, S.COMPLETED, S.CLOSED_WITHOUT_SERVICE, S.WITHDRAWN})
# Statuses in which the receiver is still waiting to answer or serving the person.
OPEN = frozenset({S.SENT, S.ACKNOWLEDGED, S.ACCEPTED, S.IN_PROGRESS})
