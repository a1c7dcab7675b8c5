"""Forms of the cross-border pages; the services check the rules again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from core.pages import DateField, LocalNameChoiceField
from crossborder.choices import Purpose, steps_for
from crossborder.models import Peer, Transfer
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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisations = Organisation.objects.filter(is_active=True).order_by("name_en")
        for name in ("organisation", "receiving_organisation"):
            self.fields[name].queryset = organisations  # type: ignore[attr-defined]


class ConsentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.recipient} · {obj.given_at:%d/%m/%Y}"


class ReferForm(forms.Form):
    peer = forms.ModelChoiceField(label=_("Partner instance"), queryset=Peer.objects.none())
    purpose = forms.ChoiceField(label=_("For"), choices=Purpose.choices)
    categories = forms.MultipleChoiceField(label=_("Data to share"), choices=CATEGORY_CHOICES, widget=CHECKBOXES)
    consent = ConsentChoiceField(label=_("Consent"), queryset=Consent.objects.none(), required=False)
    reason = forms.CharField(
        label=_("Why the person is referred"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

    def __init__(self, *args: Any, peers: QuerySet[Peer], consents: QuerySet[Consent], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["peer"].queryset = peers  # type: ignore[attr-defined]
        self.fields["consent"].queryset = consents  # type: ignore[attr-defined]


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
