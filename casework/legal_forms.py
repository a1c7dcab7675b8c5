"""The forms of the Legal tab: a perpetrator (the record and their part in this case), linking a
known perpetrator to this case, legal proceedings' details, moving them to the next stage, and a
hearing. The services (casework.services.perpetrators, .proceedings) check everything again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.selectors import country_list
from casework import transitions
from casework.choices import (
    AgeBand,
    HearingKind,
    PerpetratorRelation,
    PerpetratorRole,
    ProceedingOutcome,
    ProceedingStage,
    Sex,
    VictimSupport,
)
from core.pages import DateField, LocalNameChoiceField

BLANK = [("", "---------")]


def _ticks(choices: Any, label: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(label=label, choices=choices, widget=forms.CheckboxSelectMultiple)


class PerpetratorLinkForm(forms.Form):
    """Their part in this case (also the part of the perpetrator form)."""

    roles = _ticks(PerpetratorRole.choices, _("Role in her trafficking"))
    relation = forms.ChoiceField(label=_("Who they were to her"), choices=PerpetratorRelation.choices)


class PerpetratorForm(PerpetratorLinkForm):
    known_as = forms.CharField(
        label=_("Name or nickname"),
        max_length=200,
        help_text=_("As she or the police know them. Seen only by the assigned counsellor and police investigators."),
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.OTHER)
    age_band = forms.ChoiceField(label=_("Age"), choices=AgeBand.choices, initial=AgeBand.UNKNOWN)
    nationality = LocalNameChoiceField(label=_("Nationality"), queryset=country_list(), required=False)
    notes = forms.CharField(label=_("Notes"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 4}))

    field_order = ["known_as", "roles", "relation", "sex", "age_band", "nationality", "notes"]


class KnownPerpetratorForm(PerpetratorLinkForm):
    perpetrator = forms.ChoiceField(label=_("Perpetrator already recorded"), choices=())

    field_order = ["perpetrator", "roles", "relation"]

    def __init__(self, *args: Any, known: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["perpetrator"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [*BLANK, *[(str(p.pk), p.known_as) for p in known]]


class ProceedingForm(forms.Form):
    court = forms.CharField(label=_("Court"), max_length=200, required=False)
    police_case_number = forms.CharField(label=_("Police case number"), max_length=60, required=False)
    court_case_number = forms.CharField(label=_("Court case number"), max_length=60, required=False)
    support = forms.MultipleChoiceField(
        label=_("Support she was given as a witness"),
        choices=VictimSupport.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    sentence = forms.CharField(label=_("Sentence"), max_length=300, required=False)
    compensation_ordered_kip = forms.DecimalField(
        label=_("Compensation ordered (kip)"), min_value=0, max_digits=16, decimal_places=0, required=False
    )
    compensation_paid_kip = forms.DecimalField(
        label=_("Compensation paid (kip)"), min_value=0, max_digits=16, decimal_places=0, required=False
    )
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[*BLANK, *ProceedingOutcome.choices], required=False)


class ProceedingOpenForm(ProceedingForm):
    complaint_on = DateField(label=_("Complaint filed on"), required=False)

    field_order = ["complaint_on"]


class ProceedingMoveForm(forms.Form):
    stage = forms.ChoiceField(label=_("Next stage"), choices=())
    on = DateField(label=_("Reached on"), required=False, help_text=_("Today if left empty."))
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[*BLANK, *ProceedingOutcome.choices], required=False)

    def __init__(self, *args: Any, current: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        following = transitions.PROCEEDING.targets(current)
        field = self.fields["stage"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(value, label) for value, label in ProceedingStage.choices if value in following]


class HearingForm(forms.Form):
    held_on = DateField(label=_("Date of the hearing"))
    kind = forms.ChoiceField(label=_("Kind of hearing"), choices=HearingKind.choices, initial=HearingKind.TRIAL)
    place = forms.CharField(label=_("Court or place"), max_length=200, required=False)
