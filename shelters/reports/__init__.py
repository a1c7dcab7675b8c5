"""Occupancy and statistics reports of the shelters, computed in PostgreSQL (docs/reports.md
defines every figure): the occupancy report and the conventions and helpers every report shares
(occupancy_report.py), utilisation over time (utilisation.py), the shelters' own table
(shelter_table.py), residents by year (years.py) and non-residential assistance by kind
(non_residential.py). The names below are the public surface
(`reports.occupancy(...)`)."""

from shelters.reports.non_residential import NonResidentialRow, non_residential_table
from shelters.reports.occupancy_report import (
    ADULT_AGE,
    CATEGORIES,
    DESTINATIONS,
    EXIT_GROUP_ORDER,
    INDEX_PAGE_COST,
    LOS_BUCKETS,
    MAX_PERIOD_YEARS,
    PLAUSIBLE_UTILISATION,
    REPORT_WORK_MEM,
    LengthOfStay,
    OccupancyReport,
    OccupancyRow,
    ShelterRef,
    occupancy,
)
from shelters.reports.shelter_table import EXPLOITATION_ROWS, ShelterTableRow, shelter_table
from shelters.reports.utilisation import UtilisationPoint, utilisation_series
from shelters.reports.years import YearCell, YearRow, YearTable, residents_by_year

__all__ = [
    "ADULT_AGE",
    "CATEGORIES",
    "DESTINATIONS",
    "EXIT_GROUP_ORDER",
    "EXPLOITATION_ROWS",
    "INDEX_PAGE_COST",
    "LOS_BUCKETS",
    "MAX_PERIOD_YEARS",
    "PLAUSIBLE_UTILISATION",
    "REPORT_WORK_MEM",
    "LengthOfStay",
    "NonResidentialRow",
    "OccupancyReport",
    "OccupancyRow",
    "ShelterRef",
    "ShelterTableRow",
    "UtilisationPoint",
    "YearCell",
    "YearRow",
    "YearTable",
    "non_residential_table",
    "occupancy",
    "residents_by_year",
    "shelter_table",
    "utilisation_series",
]
