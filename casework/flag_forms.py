"""The forms of risk flags: raise one (on a case, or on the cases ticked in the case list) and
clear one with a reason. The services (casework.services.flags) check everything again."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from casework.choices import RiskLevel
from casework.services.flags import REASON_MAX_LENGTH
from core.pages import DateField


class FlagForm(forms.Form):
    level = forms.ChoiceField(label=_("Risk level"), choices=RiskLevel.choices)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the risk is. No names: the flag shows wherever the case does."),
    )
    review_by = DateField(label=_("Review by"), required=False)


class FlagClearForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the risk over?"), max_length=REASON_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )
