"""The kinds of event shelters write on a case's timeline (registered in SheltersConfig.ready)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from casework.timeline import CASE_EVENTS
from core import record_labels


def register() -> None:
    record_labels.register(
        {"shelters.stay": _("Shelter stay"), "shelters.nonresidentialassistance": _("Assistance without a stay")}
    )
    CASE_EVENTS.register(
        {
            "stay_admitted": _("Admitted to a shelter"),
            "stay_discharged": _("Left the shelter"),
            "stay_transferred": _("Moved to another shelter"),
            "stay_bed_moved": _("Moved to another bed"),
            "stay_planned_discharge_set": _("Planned leaving date set"),
            "non_residential_recorded": _("Assistance without a stay recorded"),
            "admission_requested": _("Shelter place requested"),
            "admission_request_accepted": _("Shelter accepted the request"),
            "admission_request_declined": _("Shelter declined the request"),
        }
    )
