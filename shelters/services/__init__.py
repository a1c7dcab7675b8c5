"""Every write in shelters, one module per part of the domain: stays (admission, discharge,
transfer, bed moves; stays.py, which also holds the gates the others share), the rules of an
admission, a bed and a discharge (rules.py), beds and their outages (beds.py), the shelter, its
rooms and several beds at once (setup.py), staff postings (staffing.py), assistance without a
stay (non_residential.py), requests for a place (admission_requests.py) and the many stays and
records of a register import at once (registers.py). The names below are the public surface
(`services.stay_admit`)."""

from shelters.services.admission_requests import (
    admission_request_accept,
    admission_request_create,
    admission_request_decline,
)
from shelters.services.beds import bed_add, bed_outage_end, bed_outage_start, bed_retire
from shelters.services.non_residential import non_residential_record
from shelters.services.setup import beds_add, room_add, shelter_create, shelter_update
from shelters.services.staffing import staff_post, staff_unpost
from shelters.services.stays import (
    person_records_anonymise,
    stay_admit,
    stay_discharge,
    stay_move_bed,
    stay_set_planned_discharge,
    stay_transfer,
)

__all__ = [
    "admission_request_accept",
    "admission_request_create",
    "admission_request_decline",
    "bed_add",
    "bed_outage_end",
    "bed_outage_start",
    "bed_retire",
    "beds_add",
    "non_residential_record",
    "person_records_anonymise",
    "room_add",
    "shelter_create",
    "shelter_update",
    "staff_post",
    "staff_unpost",
    "stay_admit",
    "stay_discharge",
    "stay_move_bed",
    "stay_set_planned_discharge",
    "stay_transfer",
]
