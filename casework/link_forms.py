"""The forms of linked cases: link this case with another by its code, add a case to a group,
take one out with a reason. The services (casework.services.links) check everything again."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from casework.choices import LinkKind
from casework.services.links import REASON_MAX_LENGTH


def _case_code() -> forms.CharField:
    return forms.CharField(
        label=_("Case code of the other case"),
        max_length=20,
        help_text=_("For example VT-2026-00042. Only cases you work on or oversee can be linked."),
    )


class LinkForm(forms.Form):
    kind = forms.ChoiceField(label=_("How are the cases linked?"), choices=LinkKind.choices)
    case_code = _case_code()
    reason = forms.CharField(
        label=_("Why (no names)"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Every reader of each linked case sees this."),
    )


class GroupAddForm(forms.Form):
    case_code = _case_code()


class UnlinkForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is this case taken out of the group?"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
