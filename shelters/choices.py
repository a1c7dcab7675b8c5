"""Exit destinations grouped as HUD's HMIS does (docs/design/domain.md, Occupancy), for the Lao context."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ExitGroup(models.TextChoices):
    PERMANENT = "permanent", _("Permanent")
    TEMPORARY = "temporary", _("Temporary")
    INSTITUTIONAL = "institutional", _("Institutional")
    NEGATIVE = "negative", _("Negative")
    DECEASED = "deceased", _("Deceased")
    UNKNOWN = "unknown", _("Unknown")
    INTERNAL = "internal", _("Not an exit (bed move)")


class ExitDestination(models.TextChoices):
    FAMILY_REUNIFICATION = "family_reunification_home_village", _("Family reunification in the home village")
    INDEPENDENT_LIVING = "independent_living_lao", _("Independent living")
    KINSHIP_OR_FOSTER_CARE = "kinship_or_foster_care", _("Kinship or foster care")
    REPATRIATED = "repatriated_to_country_of_origin", _("Repatriated to the country of origin")
    OTHER_SHELTER = "other_shelter_lao", _("Another shelter")
    TRANSIT_CENTRE = "transit_centre", _("Transit centre")
    HOSPITAL = "hospital_or_treatment", _("Hospital or treatment")
    DETENTION = "detention_or_custody", _("Detention or custody")
    REMIGRATED = "remigrated_abroad", _("Re-migrated abroad")
    LEFT_WITHOUT_NOTICE = "left_without_notice", _("Left without notice")
    DECEASED = "deceased", _("Deceased")
    UNKNOWN = "unknown", _("Unknown")
    # Closes one bed's stay when the resident moves to another bed of the same shelter: the
    # reports count neither an exit nor an admission for it.
    BED_MOVE = "bed_move", _("Moved to another bed in the same shelter")


# A small integer per destination, its position in ExitDestination (0: none yet, an open stay), kept
# on the stay by a trigger (migration 0010) for the occupancy pass's index, where it takes 2 bytes
# instead of about 20. The trigger lists the same codes; tests/shelters/test_reports.py checks it.
EXIT_CODES: dict[str, int] = {destination: code for code, destination in enumerate(ExitDestination.values, 1)}

EXIT_GROUPS: dict[str, str] = {
    ExitDestination.FAMILY_REUNIFICATION: ExitGroup.PERMANENT,
    ExitDestination.INDEPENDENT_LIVING: ExitGroup.PERMANENT,
    ExitDestination.KINSHIP_OR_FOSTER_CARE: ExitGroup.PERMANENT,
    ExitDestination.REPATRIATED: ExitGroup.PERMANENT,
    ExitDestination.OTHER_SHELTER: ExitGroup.TEMPORARY,
    ExitDestination.TRANSIT_CENTRE: ExitGroup.TEMPORARY,
    ExitDestination.HOSPITAL: ExitGroup.INSTITUTIONAL,
    ExitDestination.DETENTION: ExitGroup.INSTITUTIONAL,
    ExitDestination.REMIGRATED: ExitGroup.NEGATIVE,
    ExitDestination.LEFT_WITHOUT_NOTICE: ExitGroup.NEGATIVE,
    ExitDestination.DECEASED: ExitGroup.DECEASED,
    ExitDestination.UNKNOWN: ExitGroup.UNKNOWN,
    ExitDestination.BED_MOVE: ExitGroup.INTERNAL,
}

# Exits that count as "positive" in the report's % to positive destinations.
POSITIVE_DESTINATIONS = frozenset(d for d, group in EXIT_GROUPS.items() if group == ExitGroup.PERMANENT)
