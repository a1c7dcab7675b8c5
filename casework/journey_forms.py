"""The form of one step of the trafficking journey: the fields of its stage only (the add page
is per stage), coded fields offered from the seeded code lists in the page's language."""

from __future__ import annotations

from typing import Any

from django import forms

from accounts.models import Country
from casework.journey_fields import CODED, COMMON_FIELDS, LABELS, STAGE_FIELDS
from casework.models import BorderPoint, JourneyCode, JourneyEvent
from core.pages import DateField, LocalNameChoiceField, local_name

MULTIPLE = {name for name in CODED if name not in ("recruiter_relationship", "labour_industry", "exit_kind")}


def code_choices(code_list: str) -> list[tuple[str, str]]:
    return [(code.code, local_name(code)) for code in JourneyCode.objects.filter(list=code_list, active=True)]


class JourneyEventForm(forms.Form):
    """Built for one stage; `values()` are the service's keyword arguments."""

    def __init__(self, stage: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stage = stage
        names = [*COMMON_FIELDS, *STAGE_FIELDS[stage]]
        for name in names:
            self.fields[name] = self._field(name)
            self.fields[name].label = LABELS[name]

    @staticmethod
    def _field(name: str) -> forms.Field:
        if name in ("started_on", "ended_on"):
            return DateField(required=False)
        if name == "country":
            return LocalNameChoiceField(queryset=Country.objects.all(), required=False)
        if name == "border_point":
            return LocalNameChoiceField(queryset=BorderPoint.objects.filter(active=True), required=False)
        if name in ("crossed_border", "irregular_crossing"):
            return forms.BooleanField(required=False)
        if name == "promise":
            return forms.CharField(max_length=300, required=False)
        if name == "place":
            return forms.CharField(max_length=200, required=False)
        choices = code_choices(CODED[name])
        if name in MULTIPLE:
            return forms.MultipleChoiceField(choices=choices, required=False, widget=forms.CheckboxSelectMultiple)
        return forms.ChoiceField(choices=[("", "---------"), *choices], required=False)

    @classmethod
    def for_event(cls, stage: str, event: JourneyEvent | None, data: Any) -> JourneyEventForm:
        initial = None
        if event is not None:
            initial = {name: getattr(event, name) for name in (*COMMON_FIELDS, *STAGE_FIELDS[stage])}
            initial["country"], initial["border_point"] = event.country_id, event.border_point_id
        return cls(stage, data, initial=initial)

    def values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)
