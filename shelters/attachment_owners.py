"""Files attached to a stay (casework.extensions.AttachmentOwner): read by the case's readers,
and, for files that are not health data, by whoever sees the stay (shelters view_stay: the
shelter's staff while the person lives there, its operator)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework.extensions import AttachmentOwner, register_attachment_owner
from casework.models import AttachmentTier
from casework.permissions import change_case
from shelters.models import Stay
from shelters.permissions import view_stay


def _label(stay: Stay) -> str:
    admitted = formats.date_format(stay.during.lower, "SHORT_DATE_FORMAT")
    return _("Stay from %(date)s") % {"date": admitted}


def _also_visible(user: Any, attachment: Any) -> bool:
    if attachment.owner_type != "stay" or attachment.tier != AttachmentTier.IDENTITY:
        return False
    stay = Stay.objects.filter(pk=attachment.owner_id).select_related("shelter", "case").first()
    return stay is not None and view_stay.allows(user, stay)


def _also_filter(user: Any) -> Q:
    stays = Stay.objects.filter(view_stay.filter(user)).values("pk")
    return Q(owner_type="stay", tier=AttachmentTier.IDENTITY, owner_id__in=stays)


def register() -> None:
    register_attachment_owner(
        AttachmentOwner(
            key="stay",
            label=gettext_lazy("Stay"),
            resolve=lambda user, pk: view_stay.get(user, pk=pk),
            where=lambda stay: (stay.person, stay.case, False),
            may_add=lambda user, stay: change_case.allows(user, stay.case),
            choices=lambda user, case: [
                (stay, _label(stay)) for stay in view_stay.scope(user).filter(case=case).order_by("-created_at")
            ],
            position=60,
            also_visible=_also_visible,
            also_filter=_also_filter,
        )
    )
