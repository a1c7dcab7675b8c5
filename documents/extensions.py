"""What documents adds to casework: the labels of its records and timeline event, and the
signatures in a subject access export and the retention rule (casework.extensions)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from casework.extensions import PersonRecords, register_person_records
from casework.timeline import CASE_EVENTS
from core import record_labels
from documents import services


def register() -> None:
    record_labels.register({"documents.signature": _("Signature")})
    CASE_EVENTS.register({"document_signed": _("Document signed")})
    register_person_records(
        PersonRecords(key="documents", collect=services.person_records, anonymise=services.person_records_anonymise)
    )
