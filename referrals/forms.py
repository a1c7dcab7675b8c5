"""Forms of the referral pages: shapes only; consent coverage and every other rule is the
service's to say (referrals.services), shown next to the field it names."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, Province
from casework.models import FamilyMember, ServiceType
from core.limits import REASON_MAX_LENGTH
from core.pages import DateField, LocalNameChoiceField, LocalNameMultipleChoiceField, local_name
from referrals import coverage
from referrals.choices import ConsentGivenBy, DataCategory, ReferralStatus, Urgency
from referrals.models import Consent
from referrals.services import NOTE_MAX_LENGTH

SEND = "send"
DRAFT = "draft"
CHECK = "check"  # show the consents that fit what is chosen, save nothing
FIND = "find"  # list the providers of the chosen services in the province, with no error shown


class ConsentChoice(forms.ModelChoiceField):
    def label_from_instance(self, consent: Consent) -> str:  # type: ignore[override]
        label = gettext("For %(recipient)s, given %(day)s: %(categories)s") % {
            "recipient": local_name(consent.recipient),
            "day": timezone.localdate(consent.given_at).strftime("%d/%m/%Y"),
            "categories": ", ".join(coverage.category_labels(consent.data_categories)),
        }
        state = coverage.consent_state(consent)
        if state != "in_force":
            label += " — " + str(coverage.STATES[state])
        return label


class ProviderChoice(LocalNameChoiceField):
    """An organisation, with its directory capacity when the list comes from the directory."""

    with_capacity = False

    def label_from_instance(self, obj: Organisation) -> str:  # type: ignore[override]
        label = local_name(obj)
        if not self.with_capacity:
            return label
        entry = obj.directory_entry  # joined by referrals.selectors.providers
        state = gettext("accepting referrals") if entry.accepting else gettext("not accepting referrals now")
        if entry.capacity is not None:
            state = gettext("%(count)s a month") % {"count": entry.capacity} + ", " + state
        return f"{label} — {state}"


class ProviderFinder(forms.Form):
    """What the recipient list is narrowed by: the services and the person's province."""

    service_types = LocalNameMultipleChoiceField(
        queryset=ServiceType.objects.filter(active=True),
        label=_("Services asked for"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    province = LocalNameChoiceField(
        queryset=Province.objects.all(),
        label=_("Person's province"),
        required=False,
        help_text=_("With services chosen, only organisations offering them in this province are listed."),
    )
    show_all = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def narrowed(self) -> tuple[list[ServiceType], Province] | None:
        """The services and province to narrow by, or None for every organisation."""
        if not self.is_valid() or self.cleaned_data["show_all"]:
            return None
        services, province = list(self.cleaned_data["service_types"]), self.cleaned_data["province"]
        return (services, province) if services and province is not None else None


class ReferralForm(ProviderFinder):
    field_order = ["service_types", "province", "to_organisation"]
    to_organisation = ProviderChoice(queryset=Organisation.objects.none(), label=_("Refer to"))
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.ROUTINE)
    reason = forms.CharField(
        label=_("Why this referral"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=NOTE_MAX_LENGTH,
    )
    shared_categories = forms.MultipleChoiceField(
        label=_("Data shared with the receiving organisation"),
        choices=[choice for choice in DataCategory.choices if choice[0] != DataCategory.HTCDS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Only what the service needs; the consent must cover every category."),
    )
    consent = ConsentChoice(
        queryset=Consent.objects.none(),
        label=_("Consent"),
        required=False,
        help_text=_("The person's (or for a child a guardian's or best-interest) consent for this disclosure."),
    )

    def __init__(
        self,
        *args: Any,
        organisation_id: Any,
        consents: QuerySet[Consent],
        providers: QuerySet[Organisation] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to_organisation"]
        if providers is None:
            providers = Organisation.objects.filter(is_active=True).exclude(pk=organisation_id).order_by("name_en")
        else:
            field.with_capacity = True  # type: ignore[attr-defined]
        field.queryset = providers  # type: ignore[attr-defined]
        self.fields["consent"].queryset = consents.select_related("recipient")  # type: ignore[attr-defined]


class AnswerForm(forms.Form):
    """The one text an action may carry (a reason, an outcome or a note); the service says
    whether it is required."""

    text = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=4000)


class InboxFilter(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All"))] + [c for c in ReferralStatus.choices if c[0] != ReferralStatus.DRAFT],
    )


class OverrideRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Why sharing without consent is needed to protect a life"),
        help_text=_("Write no names: the reason goes to the access log."),
        required=False,  # the service says it is required, for the page and the API alike
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )


class OverrideDecisionForm(forms.Form):
    note = forms.CharField(
        label=_("Note (required to reject)"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )


def initial_from(form: forms.Form, names: tuple[str, ...]) -> dict[str, Any]:
    """The values of `names` a link carried in its query string (the form bound to it), as the
    initial values of an empty form: what is not valid is left out, and no error is shown."""
    form.is_valid()
    return {name: form.cleaned_data[name] for name in names if form.data.get(name) and name in form.cleaned_data}


# --- Consent -----------------------------------------------------------------------------------------
class GuardianChoice(forms.ModelChoiceField):
    """A guardian by relationship, and by name for a user who may see the family."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.named = True
        super().__init__(*args, **kwargs)

    def label_from_instance(self, member: FamilyMember) -> str:  # type: ignore[override]
        relationship = str(member.get_relationship_display())
        return f"{relationship}: {member.name}" if self.named else relationship


class ConsentForm(forms.Form):
    """Shapes only: referrals.services.consent_record says what is required (for a child, the
    guardian or the best-interest reason), as it does for the API."""

    recipient = LocalNameChoiceField(
        queryset=Organisation.objects.none(), label=_("Organisation that may receive the data"), required=False
    )
    data_categories = forms.MultipleChoiceField(
        label=_("Data it may receive"),
        choices=DataCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    service_types = LocalNameMultipleChoiceField(
        queryset=ServiceType.objects.filter(active=True),
        label=_("For these services"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    purpose = forms.CharField(label=_("Purpose"), max_length=300, required=False)
    given_on = DateField(label=_("Given on"), required=False, help_text=_("Empty: today."))
    valid_until = DateField(
        label=_("Valid until (last day)"),
        required=False,
        help_text=_("Empty: until the person withdraws it."),
    )

    given_by = forms.ChoiceField(
        label=_("Who gave the consent"), choices=[("", "—"), *ConsentGivenBy.choices], required=False
    )
    guardian = GuardianChoice(
        queryset=FamilyMember.objects.none(),
        label=_("The guardian who consented"),
        required=False,
        help_text=_("Only the relatives recorded as guardians on the Person tab can be chosen."),
    )
    best_interest_reason = forms.CharField(
        label=_("Why sharing is in the child's best interest"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=REASON_MAX_LENGTH,
        required=False,
        help_text=_("Only for a best-interest decision. Write no names."),
    )
    # Asked only for a child: the page folds them away for an adult.
    CHILD_FIELDS = ("guardian", "best_interest_reason")
    # The service's argument names that differ from the fields'.
    RENAME = {"given_at": "given_on", "expires_at": "valid_until"}

    def __init__(
        self, *args: Any, organisation_id: Any, person: Any, hide_health: bool, names_shown: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = (  # type: ignore[attr-defined]
            Organisation.objects.filter(is_active=True).exclude(pk=organisation_id).order_by("name_en")
        )
        guardian: GuardianChoice = self.fields["guardian"]  # type: ignore[assignment]
        guardian.queryset = FamilyMember.objects.filter(person=person, is_guardian=True)
        guardian.named = names_shown
        if hide_health:  # police never record (nor see) health details: casework.permissions.hides_health
            services: LocalNameMultipleChoiceField = self.fields["service_types"]  # type: ignore[assignment]
            services.queryset = ServiceType.objects.filter(active=True, health=False)
            categories: forms.MultipleChoiceField = self.fields["data_categories"]  # type: ignore[assignment]
            categories.choices = [c for c in DataCategory.choices if c[0] != DataCategory.HEALTH]

    def service_values(self) -> dict[str, Any]:
        """The cleaned values as consent_record's arguments: the days become instants (given on
        a past day: from its start; valid until a day: to its end, in Laos' time)."""
        data = self.cleaned_data
        today = timezone.localdate()
        given_on, until = data["given_on"], data["valid_until"]
        return {
            "recipient": data["recipient"],
            "data_categories": data["data_categories"],
            "service_types": list(data["service_types"]),
            "purpose": data["purpose"],
            "given_by": data["given_by"],
            "guardian": data["guardian"],
            "best_interest_reason": data["best_interest_reason"],
            "given_at": None if given_on is None or given_on == today else start_of(given_on),
            "expires_at": None if until is None else start_of(until + timedelta(days=1)),
        }


def start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class WithdrawForm(forms.Form):
    note = forms.CharField(
        label=_("Why it is withdrawn"),
        help_text=_("Write no names: the reason is kept with the consent."),
        required=False,  # as in the API: the service takes the withdrawal without one
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )


# --- The directory of services -------------------------------------------------------------------------
class DirectoryEntryForm(forms.Form):
    service_types = LocalNameMultipleChoiceField(
        queryset=ServiceType.objects.filter(active=True),
        label=_("Services we provide"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    provinces = LocalNameMultipleChoiceField(
        queryset=Province.objects.all(),
        label=_("Provinces where we provide them"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    capacity = forms.IntegerField(label=_("Places or cases a month"), required=False, min_value=0, max_value=100000)
    accepting = forms.BooleanField(label=_("Accepting referrals now"), required=False)
    phone = forms.CharField(label=_("Office phone"), required=False, max_length=40)
    email = forms.EmailField(label=_("Office e-mail"), required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class DirectoryFilter(forms.Form):
    """Service and province; with partner countries' directories, the country and the area there
    (referrals.partner_directories supplies their choices)."""

    service = LocalNameChoiceField(queryset=ServiceType.objects.filter(active=True), label=_("Service"), required=False)
    province = LocalNameChoiceField(queryset=Province.objects.all(), label=_("Province"), required=False)

    def __init__(
        self, *args: Any, countries: list[tuple[str, str]] | None = None, areas: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        areas = areas or []
        if countries:
            self.fields["country"] = forms.ChoiceField(
                label=_("Country"),
                choices=[("", _("All")), ("here", _("Here (our directory)")), *countries],
                required=False,
            )
            self.fields["area"] = forms.ChoiceField(
                label=_("Province or area in the partner country"), choices=[("", "---------"), *areas], required=False
            )
