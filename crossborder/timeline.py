"""The kinds of event cross-border transfers write on a case's timeline (casework.timeline);
registered in CrossborderConfig.ready."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from casework.timeline import CASE_EVENTS
from core import record_labels


def register() -> None:
    record_labels.register(
        {
            "crossborder.peer": _("Partner instance"),
            "crossborder.transfer": _("Cross-border referral"),
            "crossborder.inboxmessage": _("Cross-border message"),
            "crossborder.outboxmessage": _("Cross-border message"),
        }
    )
    CASE_EVENTS.register(
        {
            "crossborder_referred": _("Referred to a partner country"),
            "crossborder_accepted": _("Cross-border referral accepted"),
            "crossborder_declined": _("Cross-border referral declined"),
            "crossborder_info_requested": _("The partner country asked for more information"),
            "crossborder_info_provided": _("More information given to the partner country"),
            "crossborder_step_done": _("Cross-border step done"),
        }
    )
