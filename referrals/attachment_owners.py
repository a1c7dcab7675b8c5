"""Files attached to a referral (casework.extensions.AttachmentOwner). The sending side reads
them with the case. The receiving organisation reads one only while the referral discloses the
file's data category (selectors.disclosed_categories: the categories the referral shares that a
consent in force covers, the same rule as the disclosure itself): a withdrawn or expired consent
hides the files at once. A medical file is in the health category, an identity or travel
document, a photo and a consent form in the identity category, a legal or other file in the
case summary."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework.extensions import AttachmentOwner, register_attachment_owner
from casework.models import Attachment, AttachmentKind
from core.permissions import NOTHING
from referrals import permissions, selectors
from referrals.choices import DataCategory
from referrals.models import Referral

CATEGORY_OF_KIND = {
    AttachmentKind.IDENTITY_DOCUMENT: DataCategory.IDENTITY,
    AttachmentKind.TRAVEL_DOCUMENT: DataCategory.IDENTITY,
    AttachmentKind.PHOTO: DataCategory.IDENTITY,
    AttachmentKind.CONSENT_FORM: DataCategory.IDENTITY,
    AttachmentKind.MEDICAL: DataCategory.HEALTH,
    AttachmentKind.LEGAL: DataCategory.CASE_SUMMARY,
    AttachmentKind.OTHER: DataCategory.CASE_SUMMARY,
}


def _disclosed(referral: Referral, attachment: Any) -> bool:
    return CATEGORY_OF_KIND[attachment.kind] in selectors.disclosed_categories(referral)


def _also_visible(user: Any, attachment: Any) -> bool:
    if attachment.owner_type != "referral":
        return False
    referral = Referral.objects.filter(pk=attachment.owner_id).select_related("consent").first()
    return referral is not None and permissions.receives(user, referral) and _disclosed(referral, attachment)


def _also_filter(user: Any) -> Q:
    """The receiver's readable referral files: the same rule, asked of each received referral
    that has files (a receiver's inbox, not every referral)."""
    received = permissions.received_by(user)
    if received == NOTHING:
        return NOTHING
    with_files = Attachment.objects.filter(owner_type="referral", deleted_at__isnull=True).values("owner_id")
    q = NOTHING
    for referral in Referral.objects.filter(received, pk__in=with_files).select_related("consent"):
        categories = set(selectors.disclosed_categories(referral))
        kinds = [kind for kind, category in CATEGORY_OF_KIND.items() if category in categories]
        if kinds:
            q |= Q(owner_type="referral", owner_id=referral.pk, kind__in=kinds)
    return q


def _label(referral: Referral) -> str:
    return _("Referral to %(organisation)s of %(date)s") % {
        "organisation": referral.to_organisation.name_en,
        "date": formats.date_format(referral.created_at, "SHORT_DATE_FORMAT"),
    }


def register() -> None:
    register_attachment_owner(
        AttachmentOwner(
            key="referral",
            label=gettext_lazy("Referral"),
            resolve=lambda user, pk: permissions.view_referral.get(user, pk=pk),
            where=lambda referral: (referral.case.person, referral.case, False),
            may_add=lambda user, referral: permissions.send_referral.allows(user, referral),
            choices=lambda user, case: [
                (referral, _label(referral))
                for referral in selectors.case_referrals(user=user, case=case)
                if permissions.send_referral.allows(user, referral)
            ],
            position=70,
            also_visible=_also_visible,
            also_filter=_also_filter,
        )
    )
