"""Demo entries of the directory of services, so that the referral form offers providers by
service and province. Contacts are made up (example.org, 000 numbers): offices, never people.
An organisation that has an entry already keeps it (a demo manager may have changed it)."""

from __future__ import annotations

from accounts.models import Organisation, Province
from casework.models import ServiceType
from core.actors import SYSTEM
from referrals import services
from referrals.models import DirectoryEntry

# Organisation code, services, provinces, places or cases a month, accepting referrals.
DEMO_ENTRIES = (
    ("lwu-cpc", ("shelter", "basic_needs", "counselling", "medical_care"), ("VT",), 20, True),
    ("lwu-lm", ("counselling", "family_tracing", "reintegration"), ("LM", "OU"), 8, True),
    ("mlsw-transit-centre", ("shelter", "basic_needs", "family_tracing"), ("VT",), 30, True),
    ("vfi", ("shelter", "counselling", "education", "vocational_training"), ("CH", "VT"), 15, True),
    ("sengsavang", ("shelter", "counselling", "vocational_training", "reintegration"), ("SV",), 12, True),
    ("friends-international", ("education", "vocational_training", "employment_support"), ("VT",), 25, True),
    ("world-vision", ("reintegration", "financial_support", "education"), ("SV", "CH", "LM"), 10, False),
    ("alliance-anti-trafic", ("legal_aid", "interpreter", "reintegration"), ("VT", "SV"), 6, True),
    ("iom", ("family_tracing", "reintegration", "financial_support"), ("VT", "SV", "CH", "LM"), 40, True),
)


def demo_directory() -> int:
    """Write the demo entries of organisations without one; the number written."""
    provinces = {province.code: province for province in Province.objects.all()}
    kinds = {service.code: service for service in ServiceType.objects.all()}
    taken = set(DirectoryEntry.objects.values_list("organisation__code", flat=True))
    written = 0
    for number, (code, offered, where, capacity, accepting) in enumerate(DEMO_ENTRIES):
        organisation = Organisation.objects.filter(code=code, is_active=True).first()
        if organisation is None or code in taken:
            continue
        services.directory_entry_save(
            actor=SYSTEM,
            organisation=organisation,
            service_types=[kinds[name] for name in offered if name in kinds],
            provinces=[provinces[name] for name in where if name in provinces],
            capacity=capacity,
            accepting=accepting,
            phone=f"+856 21 000 {100 + number}",
            email=f"referrals@{code}.example.org",
        )
        written += 1
    return written
