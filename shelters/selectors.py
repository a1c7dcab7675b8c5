"""Reads for shelters: lists, the bed board and current residents, scoped to the caller and
audited where they show who a resident is."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import AuditAction
from accounts.services import audit_record_many
from casework.ages import age_on
from casework.privacy import as_record
from casework.selectors import record_identity_read
from shelters import permissions
from shelters.models import (
    AdmissionRequest,
    AdmissionRequestStatus,
    Bed,
    BedOutage,
    NonResidentialAssistance,
    Shelter,
    ShelterStaff,
    Stay,
)


def shelter_list(*, user: Any) -> QuerySet[Shelter]:
    return permissions.view_shelter.scope(user).select_related("operator", "province").order_by("name_en", "id")


def current_stays(*, shelter: Shelter, on: date) -> QuerySet[Stay]:
    return (
        Stay.objects.filter(shelter=shelter, during__contains=on)
        .select_related("bed", "person", "case", "shelter")
        .order_by("bed__label", "id")
    )


@dataclass(frozen=True)
class BoardRow:
    """One bed on one night. `stay` is who is in it, only when the user may see that stay
    (permissions.view_stay: shelter staff see today's residents only); `occupied` says whether
    someone is, for everyone who sees the board."""

    bed: Bed
    stay: Stay | None
    outage: BedOutage | None
    occupied: bool

    @property
    def free(self) -> bool:
        return not self.occupied and self.outage is None


def bed_board(
    *, user: Any, shelter: Shelter, on: date | None = None, offset: int = 0, limit: int | None = None
) -> list[BoardRow]:
    """Every bed in service on `on` (or the slice `offset`, `limit` of them, in board order)
    with who is in it, or why it is out of service; three queries whatever the number of beds.
    The caller has checked `work_shelter`. A stay the user may not see (another night's
    resident, for shelter staff) shows as an occupied bed without the stay. Showing residents
    is audited (one INSERT)."""
    on = on or timezone.localdate()
    beds = (
        Bed.objects.filter(shelter=shelter, in_service__contains=on)
        .select_related("room")
        .prefetch_related(
            Prefetch(
                "stays",
                # The shelter too, so the (shelter, during) GiST index finds the stays of the night.
                queryset=Stay.objects.filter(shelter=shelter, during__contains=on).select_related(
                    "person", "case", "shelter", "bed"
                ),
                to_attr="current",
            ),
            Prefetch("outages", queryset=BedOutage.objects.filter(during__contains=on), to_attr="current_outages"),
        )
        .order_by("room__name", "label", "id")
    )
    if limit is not None:
        beds = beds[offset : offset + limit]
    rows = []
    for bed in beds:
        stay = next(iter(bed.current), None)
        shown = stay if stay is not None and permissions.view_stay.allows(user, stay) else None
        rows.append(
            BoardRow(bed=bed, stay=shown, outage=next(iter(bed.current_outages), None), occupied=stay is not None)
        )
    record_identity_read(user=user, objects=[row.stay.person for row in rows if row.stay])
    return rows


def free_beds(*, shelters: Any, on: date) -> list[Bed]:
    """Beds of `shelters` in service on `on` with nobody in them and no outage that night, in
    board order. Whether a stay may start there is still the service's to say (an outage or a
    retirement may be planned)."""
    # The stays of the night through the (shelter, during) GiST index, not every stay of each bed.
    taken = Stay.objects.filter(shelter__in=shelters, during__contains=on, bed__isnull=False).values("bed_id")
    out = BedOutage.objects.filter(bed__shelter__in=shelters, during__contains=on).values("bed_id")
    return list(
        Bed.objects.filter(shelter__in=shelters, in_service__contains=on)
        .exclude(pk__in=taken)
        .exclude(pk__in=out)
        .select_related("room", "shelter")
        .order_by("shelter__name_en", "room__name", "label")
    )


def unbedded_stays(*, shelter: Shelter, on: date) -> list[Stay]:
    """Current residents without a bed (admitted before one was free). They name people: the
    page that shows them records the read (`record_identity_read`)."""
    return list(current_stays(shelter=shelter, on=on).filter(bed__isnull=True))


def transfer_targets(*, user: Any, stay: Stay) -> list[Shelter]:
    """Active shelters the resident may be transferred to by `user`: ones they work in, and the
    other shelters of the same operator (shelters.services.stay_transfer says the rest)."""
    return list(
        Shelter.objects.filter(permissions.work_shelter.filter(user) | Q(operator_id=stay.shelter.operator_id))
        .filter(is_active=True)
        .exclude(pk=stay.shelter_id)
        .order_by("name_en", "code")
    )


@dataclass(frozen=True)
class BoardCounts:
    beds: int
    occupied: int
    out_of_service: int
    unbedded: int

    @property
    def free(self) -> int:
        return self.beds - self.occupied - self.out_of_service


def board_counts(*, shelter: Shelter, on: date) -> BoardCounts:
    """Tonight's totals for the whole shelter (the board may show one page of its beds). The
    services keep a bed from being both occupied and out of service on one night."""
    beds = Bed.objects.filter(shelter=shelter, in_service__contains=on)
    stays = Stay.objects.filter(shelter=shelter, during__contains=on)
    return BoardCounts(
        beds=beds.count(),
        occupied=stays.filter(bed__in=beds).count(),
        out_of_service=BedOutage.objects.filter(bed__in=beds, during__contains=on).count(),
        unbedded=stays.filter(bed__isnull=True).count(),
    )


def planned_discharges(*, shelter: Shelter, on: date, until: date) -> list[Stay]:
    """Residents on `on` whose planned discharge is no later than `until`. They name people:
    the page that shows them records the read."""
    return list(
        current_stays(shelter=shelter, on=on)
        .filter(planned_discharge_on__lte=until)
        .order_by("planned_discharge_on", "person__case_code")
    )


def person_records(person: Any, case_ids: list[Any]) -> dict[str, list[dict[str, Any]]]:
    """A subject access export's shelter part: the person's stays and non-residential assistance
    on the cases the exporting manager may see (casework.services.subject_access audits it)."""
    stays = Stay.objects.filter(person=person, case_id__in=case_ids).order_by("during", "id")
    assisted = (
        NonResidentialAssistance.objects.filter(person=person, case_id__in=case_ids)
        .prefetch_related("service_types")
        .order_by("assisted_on", "id")
    )
    return {
        "stays": [{**as_record(stay), "during": [stay.during.lower, stay.during.upper]} for stay in stays],
        "non_residential_assistance": [
            {**as_record(a), "service_types": [t.pk for t in a.service_types.all()]} for a in assisted
        ],
    }


ANSWERED_SHOWN = 20  # answered requests listed under the waiting ones


def admission_requests(*, user: Any, shelter: Shelter) -> tuple[list[AdmissionRequest], list[AdmissionRequest]]:
    """The shelter's waiting requests (oldest first) and its last answered ones, for the people
    who work it (the caller checked `work_shelter`). Each carries `age` (today's) for the page,
    which shows the case code, sex, age and category, never the name; reading the sex and age
    of the people waiting is logged (one INSERT)."""
    requests = (
        permissions.view_admission_request.scope(user)
        .filter(shelter=shelter)
        .select_related("case__person", "requested_by__organisation", "stay__bed")
    )
    waiting = list(requests.filter(status=AdmissionRequestStatus.PENDING).order_by("requested_at", "id"))
    answered = list(
        requests.exclude(status=AdmissionRequestStatus.PENDING).order_by("-decided_at", "id")[:ANSWERED_SHOWN]
    )
    show_applicants(user=user, requests=waiting)
    return waiting, answered


def show_applicants(*, user: Any, requests: list[AdmissionRequest], action: str = AuditAction.LIST) -> None:
    """Give each waiting request the person's age today (`age`), and log that the user read the
    sex and age of these people (one INSERT)."""
    today = timezone.localdate()
    for request in requests:
        request.age = age_on(request.case.person, today)  # type: ignore[attr-defined]
    people = [request.case.person for request in requests]
    if people:
        audit_record_many(actor=user, action=action, objects=people, fields=["sex", "date_of_birth"])


def waiting_requests_count(*, shelter: Shelter) -> int:
    return AdmissionRequest.objects.filter(shelter=shelter, status=AdmissionRequestStatus.PENDING).count()


# --- The set-up page: every bed ever set up, its outages from today on, and the postings -----------
def _natural(label: str) -> tuple[Any, ...]:
    """Bed 2 before bed 10."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", label))


def setup_beds(*, shelter: Shelter, on: date) -> list[Bed]:
    """The shelter's beds, retired ones included, by room and label; each with `open_outages`:
    those not over by `on`."""
    outages = BedOutage.objects.filter(Q(during__endswith__isnull=True) | Q(during__endswith__gt=on))
    beds = (
        Bed.objects.filter(shelter=shelter)
        .select_related("room")
        .prefetch_related(Prefetch("outages", queryset=outages.order_by("during"), to_attr="open_outages"))
    )
    return sorted(beds, key=lambda bed: (bed.room.name if bed.room else "", _natural(bed.label)))


def postings(*, shelter: Shelter) -> QuerySet[ShelterStaff]:
    return ShelterStaff.objects.filter(shelter=shelter).select_related("user").order_by("user__username")
