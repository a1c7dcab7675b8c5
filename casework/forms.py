"""Forms of the casework pages. They check the shape of the input (types, choices, required
fields); the rules themselves stay in the services, whose refusals the views put back on these
forms next to the fields (core.pages.show_error)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import District, Province
from accounts.selectors import country_list
from casework.cadence import MonthsField
from casework.choices import (
    CaseCategory,
    CaseStatus,
    ClosureReason,
    DecidingBody,
    IdentificationRoute,
    NoteKind,
    ScreeningOutcome,
    ScreeningPlace,
    ServiceStatus,
    Sex,
)
from casework.models import ExploitationForm, Indicator, ServiceType
from casework.services.people import intake_errors
from casework.services.screening import INTERVIEW_FACTS
from core.limits import REASON_MAX_LENGTH, TEXT_MAX_LENGTH
from core.pages import DateField, LocalNameChoiceField, LocalNameMultipleChoiceField, add_errors, local_name

BLANK = [("", "—")]


class CaseFilterForm(forms.Form):
    """The case list's filters; the same parameter names as the API's CaseFilter, which applies them."""

    search = forms.CharField(
        label=_("Case code or name"), required=False, max_length=100, widget=forms.TextInput(attrs={"type": "search"})
    )
    status = forms.ChoiceField(label=_("Status"), choices=[*BLANK, *CaseStatus.choices], required=False)
    category = forms.ChoiceField(label=_("Category"), choices=[*BLANK, *CaseCategory.choices], required=False)
    assigned_worker = forms.ChoiceField(label=_("Worker"), required=False)
    province = forms.ChoiceField(label=_("Province"), required=False)

    def __init__(self, *args: Any, workers: list[Any], provinces: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = [(w.username, w.get_full_name() or w.username) for w in workers]
        self.fields["assigned_worker"].choices = BLANK + people  # type: ignore[attr-defined]
        self.fields["province"].choices = BLANK + provinces  # type: ignore[attr-defined]


def districts_by_province(districts: Any) -> list[tuple[str, list[tuple[str, str]]]]:
    """District choices grouped under their province's name: 148 districts, many with the same
    name, are told apart without a script, and the script shows only the chosen province's."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for district in districts:
        groups.setdefault(local_name(district.province), []).append((str(district.pk), local_name(district)))
    return list(groups.items())


class IntakeForm(forms.Form):
    """A new person and their first case, in one page of fieldsets."""

    # The person (tier 2 except sex)
    given_name_lo = forms.CharField(label=_("Given name (Lao script)"), max_length=100, required=False)
    family_name_lo = forms.CharField(label=_("Family name (Lao script)"), max_length=100, required=False)
    given_name_latin = forms.CharField(label=_("Given name (Latin letters)"), max_length=100, required=False)
    family_name_latin = forms.CharField(label=_("Family name (Latin letters)"), max_length=100, required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=[*BLANK, *Sex.choices])
    date_of_birth = DateField(label=_("Date of birth"), required=False)
    estimated_age = forms.IntegerField(
        label=_("Estimated age (years)"),
        required=False,
        min_value=0,
        max_value=120,
        help_text=_("Only when the date of birth is not known."),
    )
    origin_province = LocalNameChoiceField(
        label=_("Province of origin"), queryset=Province.objects.order_by("name_en"), required=False
    )
    origin_district = LocalNameChoiceField(
        label=_("District of origin"),
        queryset=District.objects.select_related("province").order_by("province__name_en", "name_en"),
        required=False,
        # static/js/district-filter.js shows only the chosen province's group.
        widget=forms.Select(attrs={"data-filtered-by": "id_origin_province"}),
    )
    origin_village = forms.CharField(label=_("Village of origin"), max_length=200, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    # The case (tier 1)
    category = forms.ChoiceField(label=_("Category"), choices=[*BLANK, *CaseCategory.choices])
    identification_route = forms.ChoiceField(
        label=_("How was the person identified?"), choices=[*BLANK, *IdentificationRoute.choices]
    )
    identified_on = DateField(label=_("Identified on"))
    exploitation_forms = LocalNameMultipleChoiceField(
        label=_("Forms of exploitation"),
        queryset=ExploitationForm.objects.filter(active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    exploitation_country = LocalNameChoiceField(
        label=_("Country where exploited"), queryset=country_list(), required=False
    )
    exploitation_started_on = DateField(label=_("Exploitation started on"), required=False)
    # After the duplicate check
    not_a_duplicate = forms.BooleanField(
        label=_("I checked the similar records above: this is a different person."), required=False
    )

    PERSON_FIELDS = (
        "given_name_lo",
        "family_name_lo",
        "given_name_latin",
        "family_name_latin",
        "sex",
        "date_of_birth",
        "estimated_age",
        "origin_province",
        "origin_district",
        "origin_village",
        "phone",
    )
    CASE_FIELDS = (
        "category",
        "identification_route",
        "identified_on",
        "exploitation_forms",
        "exploitation_country",
        "exploitation_started_on",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        district = self.fields["origin_district"]
        district.widget.choices = [*BLANK, *districts_by_province(district.queryset)]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        names = ("given_name_lo", "family_name_lo", "given_name_latin", "family_name_latin")
        if not any((data.get(name) or "").strip() for name in names):
            self.add_error("given_name_lo", _("Give at least one name, in Lao script or Latin letters."))
        add_errors(self, intake_errors(self.person_values(), self.case_values()))
        return data

    def person_values(self) -> dict[str, Any]:
        return self._given(self.PERSON_FIELDS)

    def case_values(self) -> dict[str, Any]:
        return self._given(self.CASE_FIELDS)

    def _given(self, names: tuple[str, ...]) -> dict[str, Any]:
        values = {name: self.cleaned_data.get(name) for name in names}
        return {name: value for name, value in values.items() if value not in (None, "")}


class ScreeningForm(forms.Form):
    place = forms.ChoiceField(label=_("Where was the interview?"), choices=[*BLANK, *ScreeningPlace.choices])
    screened_on = DateField(label=_("Date of the interview"))
    indicators = forms.MultipleChoiceField(
        label=_("Indicators observed"), required=False, widget=forms.CheckboxSelectMultiple
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        required=False,
        help_text=_("Leave empty to accept the suggested outcome."),
    )
    override_reason = forms.CharField(
        label=_("Why the outcome differs from the suggestion"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=REASON_MAX_LENGTH,
    )
    deciding_body = forms.ChoiceField(label=_("Deciding body"), choices=[*BLANK, *DecidingBody.choices], required=False)
    decided_on = DateField(label=_("Decided on"), required=False)
    interpreter_used = forms.BooleanField(label=_("An interpreter was used"), required=False)
    interpreter_language = forms.CharField(label=_("Language interpreted"), max_length=10, required=False)
    same_gender_interviewer_offered = forms.BooleanField(
        label=_("An interviewer of the same gender was offered"), required=False
    )
    guardian_or_social_worker_present = forms.NullBooleanField(
        label=_("A guardian or social worker was present (for a child)"),
        required=False,
    )
    consent_assents_to_interview = forms.BooleanField(label=_("The person agrees to the interview"), required=False)
    consent_told_purpose = forms.BooleanField(label=_("Told the purpose of the interview"), required=False)
    consent_told_data_use = forms.BooleanField(label=_("Told how the information will be used"), required=False)
    consent_told_research_use = forms.BooleanField(label=_("Told about use for research"), required=False)
    consent_told_right_to_own_data = forms.BooleanField(label=_("Told of the right to their own data"), required=False)
    consent_told_retention = forms.BooleanField(label=_("Told how long the record is kept"), required=False)
    consent_told_how_to_withdraw = forms.BooleanField(label=_("Told how to withdraw consent"), required=False)
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_MAX_LENGTH,
        help_text=_("No counselling or medical detail here."),
    )

    def __init__(self, *args: Any, indicators: list[Indicator], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicator_list = indicators
        self.fields["indicators"].choices = [(i.code, i.code) for i in indicators]  # type: ignore[attr-defined]
        self.fields["outcome"].choices = [("", _("The suggested outcome")), *ScreeningOutcome.choices]  # type: ignore[attr-defined]

    def service_values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["indicators"] = [(code, "") for code in data["indicators"]]
        data["outcome"] = data["outcome"] or None
        return {
            name: data[name]
            for name in (
                "place",
                "screened_on",
                "indicators",
                "outcome",
                "override_reason",
                "deciding_body",
                "decided_on",
                "notes",
                *INTERVIEW_FACTS,
            )
        }


class NoteForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of note"), choices=NoteKind.choices)
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 4}), max_length=TEXT_MAX_LENGTH)

    def __init__(self, *args: Any, sensitive_allowed: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not sensitive_allowed:  # only the assigned counsellor writes counselling and medical notes
            self.fields["kind"].choices = [  # type: ignore[attr-defined]
                c for c in NoteKind.choices if c[0] not in (NoteKind.COUNSELLING, NoteKind.MEDICAL)
            ]


class ServiceForm(forms.Form):
    service_type = LocalNameChoiceField(label=_("Service"), queryset=ServiceType.objects.filter(active=True))
    status = forms.ChoiceField(label=_("Status"), choices=ServiceStatus.choices)
    provider_name = forms.CharField(label=_("Provider (when not in Pathway)"), max_length=200, required=False)
    planned_on = DateField(label=_("Planned for"), required=False)
    started_on = DateField(label=_("Started on"), required=False)
    ended_on = DateField(label=_("Ended on"), required=False)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=TEXT_MAX_LENGTH
    )

    def __init__(self, *args: Any, hide_health: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if hide_health:
            field = self.fields["service_type"]
            field.queryset = field.queryset.filter(health=False)  # type: ignore[attr-defined]


class ClosureRequestForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason for closing"), choices=[*BLANK, *ClosureReason.choices])
    note = forms.CharField(
        label=_("Explanation"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=REASON_MAX_LENGTH
    )


class StepForm(forms.Form):
    """One change to a repatriation step: start, complete, skip, block or unblock it."""

    ACTIONS = [
        ("start", _("Start")),
        ("complete", _("Mark done")),
        ("skip", _("Skip")),
        ("block", _("Blocked")),
        ("unblock", _("Unblock")),
    ]
    action = forms.ChoiceField(label=_("Change"), choices=ACTIONS)
    done_on = DateField(label=_("Done on"), required=False)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=1000)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "complete" and not data.get("done_on"):
            self.add_error("done_on", _("Give the date the step was done."))
        if data.get("action") in ("skip", "block") and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why."))
        return data


class CadenceForm(forms.Form):
    """An organisation's follow-up visits, on the reminder rules page (casework/reminders.py)."""

    months = MonthsField()
