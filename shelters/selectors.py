"""Reads for shelters: lists, the bed board and current residents, scoped to the caller and
audited where they show who a resident is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from casework.selectors import record_identity_read
from shelters import permissions
from shelters.models import Bed, BedOutage, Shelter, Stay


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
    bed: Bed
    stay: Stay | None
    outage: BedOutage | None

    @property
    def free(self) -> bool:
        return self.stay is None and self.outage is None


def bed_board(*, user: Any, shelter: Shelter, on: date | None = None) -> list[BoardRow]:
    """Every bed in service on `on` with who is in it, or why it is out of service; three
    queries whatever the number of beds. The caller has checked `work_shelter`. Showing
    residents is audited (one INSERT)."""
    on = on or timezone.localdate()
    beds = (
        Bed.objects.filter(shelter=shelter, in_service__contains=on)
        .select_related("room")
        .prefetch_related(
            Prefetch(
                "stays",
                queryset=Stay.objects.filter(during__contains=on).select_related("person", "case", "shelter", "bed"),
                to_attr="current",
            ),
            Prefetch("outages", queryset=BedOutage.objects.filter(during__contains=on), to_attr="current_outages"),
        )
        .order_by("room__name", "label")
    )
    rows = [
        BoardRow(bed=bed, stay=next(iter(bed.current), None), outage=next(iter(bed.current_outages), None))
        for bed in beds
    ]
    record_identity_read(user=user, objects=[row.stay.person for row in rows if row.stay])
    return rows
