"""Forms of the casework pages. They check the shape of the input (types, choices, required
fields); the rules themselves stay in the services, whose refusals the views put back on these
forms next to the fields (core.pages.show_error)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import District, Organisation, Province, Role, User
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
    SupportPlanType,
    Wellbeing,
)
from casework.models import ExploitationForm, FollowUpPolicy, Indicator, ServiceType
from casework.services.people import intake_errors
from casework.services.screening import INTERVIEW_FACTS
from casework.workload import OVERDUE_CHOICES
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
    # The lists behind the numbers of a manager's home and team workload pages.
    current = forms.BooleanField(label=_("Not closed"), required=False)
    overdue = forms.ChoiceField(label=_("Overdue"), choices=[*BLANK, *OVERDUE_CHOICES], required=False)
    closure_pending = forms.BooleanField(label=_("Closure requested"), required=False)
    unassigned = forms.BooleanField(label=_("Not assigned"), required=False)
    flagged = forms.BooleanField(label=_("Flagged"), required=False)

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


class PersonFieldsForm(forms.Form):
    """Who the person is, as intake asks it; the person page adds the rest (casework.person_forms)."""

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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        district = self.fields["origin_district"]
        district.widget.choices = [*BLANK, *districts_by_province(district.queryset)]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        names = ("given_name_lo", "family_name_lo", "given_name_latin", "family_name_latin")
        if not any((data.get(name) or "").strip() for name in names):
            self.add_error("given_name_lo", _("Give at least one name, in Lao script or Latin letters."))
        return data


class CaseFieldsForm(forms.Form):
    """What opens a case: for a new person at intake, or for one already registered."""

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

    CASE_FIELDS = (
        "category",
        "identification_route",
        "identified_on",
        "exploitation_forms",
        "exploitation_country",
        "exploitation_started_on",
    )

    def case_values(self) -> dict[str, Any]:
        """The case fields given (those the form could read: clean() also calls it on errors)."""
        values = {name: self.cleaned_data.get(name) for name in self.CASE_FIELDS}
        return {name: value for name, value in values.items() if value not in (None, "")}


class IntakeForm(PersonFieldsForm, CaseFieldsForm):
    """A new person and their first case, in one page of fieldsets."""

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

    def clean(self) -> dict[str, Any]:
        """The services' date checks run here too, so a future birth date is reported with the
        other errors of the form, not in a second round."""
        data = super().clean() or {}
        add_errors(self, intake_errors(self.person_values(), self.case_values()))
        return data

    def person_values(self) -> dict[str, Any]:
        values = {name: self.cleaned_data.get(name) for name in self.PERSON_FIELDS}
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


class ServiceStatusForm(forms.Form):
    """One service's next status (casework.services.assistance.service_set_status), one per row."""

    status = forms.ChoiceField(label=_("New status"), choices=[*BLANK, *ServiceStatus.choices])
    on = DateField(label=_("Date of the change"), required=False, help_text=_("Today when left empty."))
    notes = forms.CharField(
        label=_("Outcome"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=TEXT_MAX_LENGTH
    )


class PlanForm(forms.Form):
    """The case plan: a summary, the follow-up policy and its goals (a formset: each filled row is
    a goal; emptying a row removes its goal)."""

    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=TEXT_MAX_LENGTH
    )
    follow_up_policy = LocalNameChoiceField(
        label=_("Follow-up visits"),
        queryset=FollowUpPolicy.objects.filter(organisation__isnull=True).order_by("name_en"),
        required=False,
        empty_label=_("The organisation's own cadence"),
    )

    def __init__(self, *args: Any, goals: list[dict[str, Any]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        data = args[0] if args else kwargs.get("data")
        self.goals = GoalFormSet(data, prefix="goals", initial=None if data is not None else goals)

    def is_valid(self) -> bool:
        valid = super().is_valid()
        return self.goals.is_valid() and valid

    def goal_values(self) -> list[dict[str, Any]]:
        return [form.cleaned_data for form in self.goals if form.cleaned_data.get("support_type")]


class GoalForm(forms.Form):
    support_type = forms.ChoiceField(
        label=_("Kind of support"), choices=[*BLANK, *SupportPlanType.choices], required=False
    )
    objective = forms.CharField(
        label=_("Goal and actions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=REASON_MAX_LENGTH,
    )
    target_date = DateField(label=_("Target date"), required=False)
    achieved_on = DateField(label=_("Achieved on"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if any(data.get(name) for name in self.fields):  # a filled row needs both; an empty one is ignored
            for name in ("support_type", "objective"):
                if not (data.get(name) or "").strip():
                    self.add_error(name, _("This field is required."))
        return data


GoalFormSet = forms.formset_factory(GoalForm, extra=2, max_num=30, validate_max=True)


class PlanReturnForm(forms.Form):
    # Not required here: the service says what is missing (required_text), for the page and the API.
    reason = forms.CharField(
        label=_("What should change"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class FollowUpRecordForm(forms.Form):
    """What a worker found at a follow-up visit (casework.services.follow_ups.follow_up_record)."""

    done_on = DateField(label=_("Visited on"))
    place = forms.CharField(label=_("Place"), required=False, max_length=200)
    met_with = forms.CharField(label=_("Who was met"), required=False, max_length=200)
    wellbeing = forms.ChoiceField(label=_("How the person is"), choices=[*BLANK, *Wellbeing.choices], required=False)
    next_step = forms.CharField(
        label=_("Next step"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=TEXT_MAX_LENGTH
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=TEXT_MAX_LENGTH
    )


class FollowUpRescheduleForm(forms.Form):
    due_on = DateField(label=_("New day"))
    reason = forms.CharField(label=_("Why it moves"), required=False, max_length=REASON_MAX_LENGTH)


class ClosureRequestForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason for closing"), choices=[*BLANK, *ClosureReason.choices])
    note = forms.CharField(
        label=_("Explanation"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=REASON_MAX_LENGTH
    )


class CadenceForm(forms.Form):
    """An organisation's follow-up visits, on the reminder rules page (casework/reminders.py)."""

    months = MonthsField()


# --- The case itself: its details, its worker, sharing, transfer, reopening -------------------------
class CaseEditForm(CaseFieldsForm):
    """The case's details (casework.services.cases.CASE_DETAIL_FIELDS and its forms of
    exploitation): what opened it, and where and until when she was exploited; the service
    checks the dates against each other, today and the person."""

    exploitation_province = LocalNameChoiceField(
        label=_("Province where exploited (within Lao PDR)"),
        queryset=Province.objects.order_by("name_en"),
        required=False,
    )
    exploitation_ended_on = DateField(label=_("Exploitation ended on"), required=False)
    field_order = [*CaseFieldsForm.CASE_FIELDS[:5], "exploitation_province", "exploitation_started_on"]

    @classmethod
    def initial_for(cls, case: Any) -> dict[str, Any]:
        initial = {name: getattr(case, name) for name in cls.base_fields if name != "exploitation_forms"}
        return {**initial, "exploitation_forms": list(case.exploitation_forms.all())}


class WorkerChoiceField(forms.ChoiceField):
    """One of a list of workers read once: a page of many forms (the transfer inbox) offers the
    same list on each without reading it again. Cleans to the User, or None when left empty."""

    def set_workers(self, workers: list[Any]) -> None:
        self.workers = {str(worker.pk): worker for worker in workers}
        self.choices = [*BLANK, *((key, self.label_for(worker)) for key, worker in self.workers.items())]

    @staticmethod
    def label_for(worker: Any) -> str:
        roles = ", ".join(str(Role(role).label) for role in worker.roles if role in Role.values)
        return f"{worker.get_full_name() or worker.get_username()} ({roles})"

    def clean(self, value: Any) -> Any:
        key = super().clean(value)
        return self.workers.get(key) if key else None


def eligible_workers(organisation: Any) -> list[Any]:
    """Who may hold a case of `organisation` (casework.services.cases._check_worker): its active
    social workers and counsellors."""
    return list(
        User.objects.filter(organisation=organisation, is_active=True)
        .filter(roles__overlap=[Role.SOCIAL_WORKER, Role.COUNSELLOR])
        .order_by("username")
    )


class AssignForm(forms.Form):
    worker = WorkerChoiceField(label=_("Worker"))

    def __init__(self, *args: Any, workers: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["worker"].set_workers(workers)  # type: ignore[attr-defined]


class OrganisationChoiceForm(forms.Form):
    """A form that names another organisation (a share, a transfer): every active one but the owner."""

    organisation_field = "organisation"

    def __init__(self, *args: Any, owner: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields[self.organisation_field]
        field.queryset = Organisation.objects.exclude(pk=owner.pk).order_by("name_en")  # type: ignore[attr-defined]


class ShareForm(OrganisationChoiceForm):
    organisation = LocalNameChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())
    purpose = forms.CharField(
        label=_("Why the case is shared"),
        max_length=200,
        help_text=_("What the organisation needs the case for; write no names."),
    )


class TransferRequestForm(OrganisationChoiceForm):
    organisation_field = "to_organisation"
    to_organisation = LocalNameChoiceField(label=_("Transfer to"), queryset=Organisation.objects.none())
    reason = forms.CharField(
        label=_("Why the case is transferred"), widget=forms.Textarea(attrs={"rows": 3}), max_length=REASON_MAX_LENGTH
    )


class ReasonForm(forms.Form):
    """One reason, checked by the service (it says what is missing, once, for the page and the API)."""

    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=REASON_MAX_LENGTH
    )


class DeclineForm(ReasonForm):
    reason = forms.CharField(
        label=_("Why you decline"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=REASON_MAX_LENGTH,
    )


class TransferAcceptForm(forms.Form):
    assign_to = WorkerChoiceField(
        label=_("Give the case to"), required=False, help_text=_("Leave empty to assign it later.")
    )

    def __init__(self, *args: Any, workers: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assign_to"].set_workers(workers)  # type: ignore[attr-defined]
