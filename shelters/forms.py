"""Forms of the shelter pages. They check shapes only (a date is a date, a choice is offered);
every rule (who may admit, which shelter accepts whom, a taken bed) is the service's to say."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.models import ServiceType
from core.limits import REASON_MAX_LENGTH, TEXT_MAX_LENGTH
from core.pages import DateField, LocalNameChoiceField, LocalNameMultipleChoiceField, local_name
from shelters.choices import ExitDestination
from shelters.models import AssistanceKind, Bed, Shelter

NO_BED = ""


def bed_label(bed: Bed) -> str:
    return f"{bed.room.name} · {bed.label}" if bed.room_id and bed.room else bed.label


def case_code_field() -> forms.CharField:
    return forms.CharField(
        label=_("Case code"),
        max_length=20,
        help_text=_("The person's case code, for example VT-2026-00042 (on the referral or the case page)."),
    )


def clean_code(value: str) -> str:
    return value.strip().upper()


class PlaceForm(forms.Form):
    """An admission's date, bed and planned discharge: admitting by case code, or accepting a
    request for a place."""

    admitted_on = DateField(label=_("Admitted on"))
    bed = forms.ChoiceField(label=_("Bed"), required=False)
    planned_discharge_on = DateField(label=_("Planned discharge (optional)"), required=False)

    def __init__(self, *args: Any, beds: list[Bed], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("admitted_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.beds = {str(bed.pk): bed for bed in beds}
        self.fields["bed"].choices = [(NO_BED, _("No bed yet"))] + [  # type: ignore[attr-defined]
            (key, bed_label(bed)) for key, bed in self.beds.items()
        ]

    def chosen_bed(self) -> Bed | None:
        return self.beds.get(self.cleaned_data.get("bed") or NO_BED)


class AdmitForm(PlaceForm):
    case_code = case_code_field()
    field_order = ["case_code"]

    def clean_case_code(self) -> str:
        return clean_code(self.cleaned_data["case_code"])


class DischargeForm(forms.Form):
    discharged_on = DateField(
        label=_("Discharged on"),
        help_text=_("The day the person left: that night is no longer counted."),
    )
    destination = forms.ChoiceField(
        label=_("Where the person went"),
        choices=[("", "—")] + [choice for choice in ExitDestination.choices if choice[0] != ExitDestination.BED_MOVE],
    )
    reason = forms.CharField(
        label=_("What is known about the departure"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=REASON_MAX_LENGTH,
        help_text=_("Required when the person left without notice or re-migrated."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("discharged_on", timezone.localdate())
        super().__init__(*args, **kwargs)


class TransferForm(forms.Form):
    to_shelter = forms.ChoiceField(label=_("To shelter"))
    on = DateField(label=_("Transferred on"))
    to_bed = forms.ChoiceField(
        label=_("Bed in the new shelter (optional)"),
        required=False,
        help_text=_("Only free beds of shelters you work in are listed; the new shelter can assign one later."),
    )
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=REASON_MAX_LENGTH,
    )

    def __init__(self, *args: Any, shelters: list[Shelter], beds: list[Bed], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.shelters = {shelter.code: shelter for shelter in shelters}
        self.beds = {str(bed.pk): bed for bed in beds}
        self.fields["to_shelter"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (shelter.code, local_name(shelter)) for shelter in shelters
        ]
        groups: dict[str, list[tuple[str, str]]] = {}
        for key, bed in self.beds.items():
            groups.setdefault(local_name(bed.shelter), []).append((key, bed_label(bed)))
        self.fields["to_bed"].choices = [(NO_BED, _("No bed yet")), *groups.items()]  # type: ignore[attr-defined]

    def chosen_shelter(self) -> Shelter:
        return self.shelters[self.cleaned_data["to_shelter"]]

    def chosen_bed(self) -> Bed | None:
        return self.beds.get(self.cleaned_data.get("to_bed") or NO_BED)


class OutageForm(forms.Form):
    start = DateField(label=_("Out of service from"))
    end = DateField(
        label=_("Back in service on (optional)"),
        required=False,
        help_text=_("Leave empty while nobody knows."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("start", timezone.localdate())
        super().__init__(*args, **kwargs)


class MoveBedForm(forms.Form):
    to_bed = forms.ChoiceField(label=_("New bed"))
    on = DateField(label=_("Moved on"), help_text=_("The first night in the new bed (today or an earlier day)."))

    def __init__(self, *args: Any, beds: list[Bed], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.beds = {str(bed.pk): bed for bed in beds}
        self.fields["to_bed"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (key, bed_label(bed)) for key, bed in self.beds.items()
        ]

    def chosen_bed(self) -> Bed:
        return self.beds[self.cleaned_data["to_bed"]]


class PlannedDischargeForm(forms.Form):
    planned_discharge_on = DateField(
        label=_("Planned discharge"),
        required=False,
        help_text=_("Leave empty when no date is planned: the reminder then waits."),
    )


class NonResidentialForm(forms.Form):
    case_code = case_code_field()
    assisted_on = DateField(label=_("Assisted on"))
    kind = LocalNameChoiceField(
        label=_("Kind of assistance"),
        queryset=AssistanceKind.objects.filter(active=True),
        help_text=_("What the person was assisted for, as the shelters' own tables count it."),
    )
    service_types = LocalNameMultipleChoiceField(
        label=_("Services given"),
        queryset=ServiceType.objects.filter(active=True).order_by("name_en"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    notes = forms.CharField(
        label=_("Notes (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_MAX_LENGTH,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("assisted_on", timezone.localdate())
        super().__init__(*args, **kwargs)

    def clean_case_code(self) -> str:
        return clean_code(self.cleaned_data["case_code"])


class ShelterChoiceForm(forms.Form):
    """A shelter among those given (by code), and a day (the field named by DAY) that is today
    unless said otherwise."""

    DAY = ""
    shelter = forms.ChoiceField(label=_("Shelter"))

    def __init__(self, *args: Any, shelters: list[Shelter], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault(self.DAY, timezone.localdate())
        super().__init__(*args, **kwargs)
        self.shelters = {shelter.code: shelter for shelter in shelters}
        self.fields["shelter"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (shelter.code, local_name(shelter)) for shelter in shelters
        ]

    def chosen_shelter(self) -> Shelter:
        return self.shelters[self.cleaned_data["shelter"]]


class AdmissionRequestForm(ShelterChoiceForm):
    DAY = "needed_from"
    needed_from = DateField(label=_("Place needed from"))
    note = forms.CharField(
        label=_("What the shelter should know (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=REASON_MAX_LENGTH,
        help_text=_("The shelter sees the case code, sex, age and category; it sees the name once it admits."),
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the shelter cannot admit the person"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=REASON_MAX_LENGTH,
        help_text=_("The worker who asked reads this on the case."),
    )
