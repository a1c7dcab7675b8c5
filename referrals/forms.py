"""Forms of the referral pages: shapes only; consent coverage and every other rule is the
service's to say (referrals.services), shown next to the field it names."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from casework.models import ServiceType
from core.pages import LocalNameChoiceField, LocalNameMultipleChoiceField, local_name
from referrals.choices import DataCategory, ReferralStatus, Urgency
from referrals.models import Consent
from referrals.services import NOTE_MAX_LENGTH

SEND = "send"
DRAFT = "draft"


class ConsentChoice(forms.ModelChoiceField):
    def label_from_instance(self, consent: Consent) -> str:  # type: ignore[override]
        label = gettext("For %(recipient)s, given %(day)s: %(categories)s") % {
            "recipient": local_name(consent.recipient),
            "day": timezone.localdate(consent.given_at).strftime("%d/%m/%Y"),
            "categories": ", ".join(str(DataCategory(c).label) for c in consent.data_categories),
        }
        if consent.withdrawn_at is not None:
            label += " — " + gettext("withdrawn")
        elif consent.expires_at is not None and consent.expires_at <= timezone.now():
            label += " — " + gettext("expired")
        return label


class ReferralForm(forms.Form):
    to_organisation = LocalNameChoiceField(queryset=Organisation.objects.none(), label=_("Refer to"))
    service_types = LocalNameMultipleChoiceField(
        queryset=ServiceType.objects.filter(active=True),
        label=_("Services asked for"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.ROUTINE)
    reason = forms.CharField(
        label=_("Why this referral"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=NOTE_MAX_LENGTH,
    )
    shared_categories = forms.MultipleChoiceField(
        label=_("Data shared with the receiving organisation"),
        choices=DataCategory.choices,
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

    def __init__(self, *args: Any, organisation_id: Any, consents: QuerySet[Consent], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_organisation"].queryset = (  # type: ignore[attr-defined]
            Organisation.objects.filter(is_active=True).exclude(pk=organisation_id).order_by("name_en")
        )
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
