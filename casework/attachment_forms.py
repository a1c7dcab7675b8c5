"""The forms of the case page's Files tab (casework.views.attachments)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from casework import extensions
from casework.models import AttachmentKind


def owner_choices(user: Any, case: Any) -> list[tuple[str, str]]:
    """The records of this case (and its person) the user may attach a file to, as `key:id`."""
    choices = []
    for owner in extensions.attachment_owners():
        for record, label in owner.choices(user, case):
            if owner.may_add(user, record):
                choices.append((f"{owner.key}:{record.pk}", label))
    return choices


class AttachmentForm(forms.Form):
    owner = forms.ChoiceField(label=_("Belongs to"))
    kind = forms.ChoiceField(label=_("Kind of document"), choices=[("", "—"), *AttachmentKind.choices])
    description = forms.CharField(
        label=_("Description"),
        max_length=200,
        required=False,
        help_text=_("What the document is, without the person's name."),
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, JPEG, PNG, HEIC, DOCX or ODT. Photos are stored without their location and other details."),
        allow_empty_file=True,  # the service says why an empty file is refused
    )

    def __init__(self, *args: Any, owners: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = owners  # type: ignore[attr-defined]  # a ChoiceField (declared above)
        self.fields["file"].widget.attrs["accept"] = ".pdf,.jpg,.jpeg,.png,.heic,.docx,.odt,image/*"

    def owner_parts(self) -> tuple[str, str]:
        key, _separator, pk = self.cleaned_data["owner"].partition(":")
        return key, pk


class AttachmentDeleteForm(forms.Form):
    reason = forms.CharField(label=_("Why is it deleted?"), max_length=500)
