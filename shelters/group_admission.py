"""A group of linked cases admitted to a shelter in one action (casework.services.group_actions):
each case through `stay_admit`, so the shelter's rules (sex, ages, categories, a person already
staying somewhere) are checked for every person, without a bed (beds are given on the bed board
after). Offered to whoever works a shelter."""

from __future__ import annotations

from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from casework.extensions import GroupAction, register_group_action
from core.pages import DateField, local_name
from shelters import permissions, services
from shelters.forms import ShelterChoiceForm
from shelters.models import Shelter


class GroupAdmitForm(ShelterChoiceForm):
    DAY = "admitted_on"
    admitted_on = DateField(label=_("Admitted on"))
    planned_discharge_on = DateField(label=_("Planned discharge (optional)"), required=False)

    def clean_shelter(self) -> Shelter:
        return self.shelters[self.cleaned_data["shelter"]]


def _shelters(user: Any) -> list[Shelter]:
    return list(permissions.work_shelter.scope(user, Shelter.objects.filter(is_active=True)).order_by("name_en"))


def _form(user: Any, data: Any) -> GroupAdmitForm:
    return GroupAdmitForm(data, shelters=_shelters(user))


def _admit(actor: Any, case: Any, data: dict[str, Any]) -> str:
    services.stay_admit(
        actor=actor,
        shelter=data["shelter"],
        case=case,
        admitted_on=data["admitted_on"],
        planned_discharge_on=data.get("planned_discharge_on"),
    )
    return gettext("Admitted to %(shelter)s on %(day)s") % {
        "shelter": local_name(data["shelter"]),
        "day": date_format(data["admitted_on"], "SHORT_DATE_FORMAT"),
    }


def register() -> None:
    register_group_action(
        GroupAction(
            key="admit",
            label=_("Admit to a shelter"),
            form=_form,
            run=_admit,
            offered=lambda user: permissions.work_shelter.scope(user, Shelter.objects.all()).exists(),
            position=1,
        )
    )
