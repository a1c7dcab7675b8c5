"""Forms of the cross-border pages; the services check the rules again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from casework.models import ServiceType
from core.pages import DateField, LocalNameChoiceField, local_name
from crossborder.choices import Purpose, steps_for
from crossborder.models import PartnerProvider, Peer, Transfer
from crossborder.selectors import named_locally
from crossborder.services.peers import SHAREABLE
from referrals.choices import DataCategory
from referrals.models import Consent

CATEGORY_CHOICES = [(value, label) for value, label in DataCategory.choices if value in SHAREABLE]
CHECKBOXES = forms.CheckboxSelectMultiple


class PeerForm(forms.Form):
    name = forms.CharField(label=_("Name of the partner instance"), max_length=200)
    instance_id = forms.SlugField(label=_("Its instance id"), max_length=60)
    base_url = forms.URLField(label=_("Its address"), max_length=300, assume_scheme="https")
    public_key = forms.CharField(
        label=_("Its public key"),
        max_length=64,
        help_text=_("Received from the partner out of band, e.g. read aloud on the phone and checked."),
    )
    organisation = LocalNameChoiceField(
        label=_("Organisation that stands for it here"), queryset=Organisation.objects.none()
    )
    receiving_organisation = LocalNameChoiceField(
        label=_("Our organisation that handles its referrals"), queryset=Organisation.objects.none()
    )
    may_send = forms.MultipleChoiceField(
        label=_("It may refer to us for"), choices=Purpose.choices, widget=CHECKBOXES, required=False
    )
    may_receive = forms.MultipleChoiceField(
        label=_("We may refer to it for"), choices=Purpose.choices, widget=CHECKBOXES, required=False
    )
    categories_in = forms.MultipleChoiceField(
        label=_("Data it may send us"), choices=CATEGORY_CHOICES, widget=CHECKBOXES, required=False
    )
    categories_out = forms.MultipleChoiceField(
        label=_("Data we may send it"), choices=CATEGORY_CHOICES, widget=CHECKBOXES, required=False
    )
    share_directory = forms.BooleanField(
        label=_("Share our directory of services with it"),
        help_text=_("Organisations, their services, provinces, capacity and office contact: no person."),
        required=False,
        initial=True,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisations = Organisation.objects.filter(is_active=True).order_by("name_en")
        for name in ("organisation", "receiving_organisation"):
            self.fields[name].queryset = organisations  # type: ignore[attr-defined]


class ConsentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.recipient} · {obj.given_at:%d/%m/%Y}"


class ProviderChoiceField(forms.ModelChoiceField):
    """A provider of the partner's directory: its name, the partner, whether it takes referrals."""

    def label_from_instance(self, obj: Any) -> str:
        label = f"{named_locally(obj.__dict__)} · {obj.peer.name}"
        if obj.capacity is not None:
            label += " · " + gettext("%(count)s places or cases a month") % {"count": obj.capacity}
        return label if obj.accepting else label + " · " + gettext("Not accepting referrals now")


class ReferForm(forms.Form):
    """The referral to a partner, and the receiving service named from the partner's directory:
    "Find providers" (FIND) narrows the list to the partner's providers of the service in the area."""

    peer = forms.ModelChoiceField(label=_("Partner instance"), queryset=Peer.objects.none())
    purpose = forms.ChoiceField(label=_("For"), choices=Purpose.choices)
    service = forms.ModelChoiceField(
        label=_("Service needed there"), queryset=ServiceType.objects.filter(active=True), required=False,
        to_field_name="code",
    )  # fmt: skip
    area = forms.ChoiceField(label=_("Province or area in the partner country"), required=False)
    provider = ProviderChoiceField(
        label=_("Receiving service (from the partner's directory)"),
        queryset=PartnerProvider.objects.none(),
        required=False,
        help_text=_("Optional. Choose the partner, the service and the area, then Find providers."),
    )
    categories = forms.MultipleChoiceField(label=_("Data to share"), choices=CATEGORY_CHOICES, widget=CHECKBOXES)
    consent = ConsentChoiceField(label=_("Consent"), queryset=Consent.objects.none(), required=False)
    reason = forms.CharField(
        label=_("Why the person is referred"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

    def __init__(
        self,
        *args: Any,
        peers: QuerySet[Peer],
        consents: QuerySet[Consent],
        providers: QuerySet[PartnerProvider],
        areas: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["peer"].queryset = peers  # type: ignore[attr-defined]
        self.fields["consent"].queryset = consents  # type: ignore[attr-defined]
        self.fields["provider"].queryset = providers  # type: ignore[attr-defined]
        self.fields["area"].choices = [("", "---------"), *areas]  # type: ignore[attr-defined]
        self.fields["service"].label_from_instance = local_name  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        provider, peer, service = data.get("provider"), data.get("peer"), data.get("service")
        if provider is not None and peer is not None and provider.peer_id != peer.pk:
            self.add_error("provider", _("This organisation is in another partner's directory."))
        elif provider is not None and service is not None and service.code not in provider.service_codes:
            self.add_error("provider", _("This organisation does not offer this service."))
        return data


class TextForm(forms.Form):
    """One text: the question, the answer, the reason to decline, a note on a held message."""

    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class StepForm(forms.Form):
    step = forms.ChoiceField(label=_("Step"))
    done_on = DateField(label=_("Done on"))
    agreed_date = DateField(label=_("Agreed handover date"), required=False)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False)

    def __init__(self, *args: Any, transfer: Transfer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        done = {step.code for step in transfer.steps.all()}
        self.fields["step"].choices = [  # type: ignore[attr-defined]
            (step.code, step.label)
            for step in steps_for(transfer.purpose)
            if step.by == transfer.role and step.code not in done
        ]


REFER_FIELDS = ("peer", "purpose", "service", "area", "provider", "categories", "consent", "reason")
