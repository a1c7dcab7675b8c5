"""The casework records files can be attached to: the person, the case, a screening, a service
and a repatriation step (shelters registers stays, referrals registers referrals). Each is
found, checked and listed through casework's own permissions."""

from __future__ import annotations

from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework import permissions
from casework.extensions import AttachmentOwner, register_attachment_owner
from casework.templatetags.casework import step_title
from core.pages import local_name


def _any_case_changeable(user: Any, person: Any) -> bool:
    return any(permissions.change_case.allows(user, case) for case in person.cases.all())


def _date(value: Any) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT") if value else ""


def register() -> None:
    register_attachment_owner(
        AttachmentOwner(
            key="person",
            label=gettext_lazy("The person"),
            resolve=lambda user, pk: permissions.view_person.get(user, pk=pk),
            where=lambda person: (person, None, False),
            may_add=_any_case_changeable,
            choices=lambda user, case: [(case.person, _("The person (on every case)"))],
            position=10,
        )
    )
    register_attachment_owner(
        AttachmentOwner(
            key="case",
            label=gettext_lazy("The case"),
            resolve=lambda user, pk: permissions.view_case.get(user, pk=pk),
            where=lambda case: (case.person, case, False),
            may_add=lambda user, case: permissions.change_case.allows(user, case),
            choices=lambda user, case: [(case, _("This case"))],
            position=20,
        )
    )
    register_attachment_owner(
        AttachmentOwner(
            key="screening",
            label=gettext_lazy("Screening"),
            resolve=lambda user, pk: permissions.view_screening.get(user, pk=pk),
            where=lambda screening: (screening.case.person, screening.case, False),
            may_add=lambda user, screening: permissions.record_screening.allows(user, screening.case),
            choices=lambda user, case: [
                (s, _("Screening of %(date)s") % {"date": _date(s.screened_on)})
                for s in permissions.view_screening.scope(user).filter(case=case)
            ],
            position=30,
        )
    )
    register_attachment_owner(
        AttachmentOwner(
            key="service",
            label=gettext_lazy("Service"),
            resolve=lambda user, pk: permissions.view_service.get(user, pk=pk),
            # A health service's files are health data (view_health), whatever their kind.
            where=lambda service: (service.case.person, service.case, service.service_type.health),
            may_add=lambda user, service: permissions.change_case.allows(user, service.case),
            choices=lambda user, case: [
                (s, _("Service: %(name)s") % {"name": local_name(s.service_type)})
                for s in permissions.view_service.scope(user).filter(case=case).select_related("service_type")
            ],
            position=40,
        )
    )
    register_attachment_owner(
        AttachmentOwner(
            key="repatriation_step",
            label=gettext_lazy("Repatriation step"),
            resolve=lambda user, pk: permissions.view_repatriation_step.get(user, pk=pk),
            where=lambda step: (step.repatriation.case.person, step.repatriation.case, False),
            may_add=lambda user, step: permissions.change_case.allows(user, step.repatriation.case),
            choices=lambda user, case: [
                (step, _("Repatriation step: %(name)s") % {"name": step_title(step)})
                for step in permissions.view_repatriation_step.scope(user)
                .filter(repatriation__case=case)
                .select_related("repatriation")
            ],
            position=50,
        )
    )
