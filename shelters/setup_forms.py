"""Forms of the set-up pages (a new shelter, its description, rooms, beds, retirements, postings,
the end of an outage). Shapes only, as in forms.py: the rules are the services'."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, Province, User
from casework.choices import CaseCategory, Sex
from core.limits import TEXT_MAX_LENGTH
from core.pages import DateField, LocalNameChoiceField
from shelters.forms import NO_BED
from shelters.models import Room
from shelters.services.setup import MAX_BEDS_AT_ONCE


class ShelterForm(forms.Form):
    """A shelter's description (services.setup.DESCRIPTION)."""

    name_en = forms.CharField(label=_("Name in English"), max_length=200)
    name_lo = forms.CharField(label=_("Name in Lao"), max_length=200, required=False)
    province = LocalNameChoiceField(label=_("Province"), queryset=Province.objects.order_by("name_en"))
    address = forms.CharField(
        label=_("Address (district, village)"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Confidential: shown only to the shelter's staff and its operator."),
    )
    accepts_sexes = forms.MultipleChoiceField(
        label=_("Accepts"), choices=Sex.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    min_age = forms.IntegerField(label=_("Youngest age accepted"), min_value=0, max_value=120, required=False)
    max_age = forms.IntegerField(label=_("Oldest age accepted"), min_value=0, max_value=120, required=False)
    accepts_categories = forms.MultipleChoiceField(
        label=_("Categories served"), choices=CaseCategory.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    is_transit_centre = forms.BooleanField(label=_("Transit centre"), required=False)
    is_active = forms.BooleanField(label=_("Admits new residents"), required=False)

    def description(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if name not in ("code", "operator")}


class NewShelterForm(ShelterForm):
    code = forms.SlugField(
        label=_("Code"), max_length=60, help_text=_("Short and permanent, e.g. vte-shelter-2: it appears in addresses.")
    )
    operator = LocalNameChoiceField(label=_("Run by"), queryset=Organisation.objects.none())
    field_order = ["code", "name_en", "name_lo", "operator", "province"]

    def __init__(self, *args: Any, operators: QuerySet[Organisation], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("is_active", True)
        super().__init__(*args, **kwargs)
        self.fields["operator"].queryset = operators  # type: ignore[attr-defined]


class RoomForm(forms.Form):
    name = forms.CharField(label=_("Room name"), max_length=60)


LABELS = re.compile(r"^(?P<prefix>[^\d\s,-]*)(?P<first>\d+)(?:\s*-\s*(?P=prefix)?(?P<last>\d+))?$")


def expand_labels(text: str) -> list[str]:
    """`1-12` -> 1 ... 12; `A1-A12, B3` -> A1 ... A12 and B3; anything else is one label."""
    labels: list[str] = []
    for part in (piece.strip() for piece in text.split(",")):
        match = LABELS.match(part)
        if match and match["last"]:
            first, last = int(match["first"]), int(match["last"])
            if last < first or last - first >= MAX_BEDS_AT_ONCE:
                raise forms.ValidationError(_("%(range)s is not a range of beds.") % {"range": part})
            labels += [f"{match['prefix']}{number}" for number in range(first, last + 1)]
        elif part:
            labels.append(part)
    return labels


class BedsForm(forms.Form):
    labels = forms.CharField(
        label=_("Bed labels"),
        max_length=500,
        help_text=_("One or more, separated by commas; a range adds every number: 1-12, or A1-A12, B3."),
    )
    room = forms.ChoiceField(label=_("Room"), required=False)
    in_service_from = DateField(label=_("In service since"), help_text=_("May be long ago, e.g. 01/01/2015."))

    def __init__(self, *args: Any, rooms: list[Room], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rooms = {str(room.pk): room for room in rooms}
        self.fields["room"].choices = [(NO_BED, _("No room"))] + [  # type: ignore[attr-defined]
            (key, room.name) for key, room in self.rooms.items()
        ]

    def clean_labels(self) -> list[str]:
        return expand_labels(self.cleaned_data["labels"])

    def chosen_room(self) -> Room | None:
        return self.rooms.get(self.cleaned_data.get("room") or NO_BED)


class RetireForm(forms.Form):
    on = DateField(label=_("No longer in service from"), help_text=_("The first day the bed is not used."))


class OutageEndForm(forms.Form):
    end = DateField(label=_("Back in service on"))


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        name = obj.get_full_name()
        return f"{name} ({obj.username})" if name else obj.username


class PostingForm(forms.Form):
    user = UserChoiceField(label=_("Shelter staff member"), queryset=User.objects.none())

    def __init__(self, *args: Any, users: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users  # type: ignore[attr-defined]
