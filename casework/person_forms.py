"""Forms of the person pages: the whole record, a relative, and the merge of two records. They
check shapes only; casework.services.people and .merge hold the rules and their messages."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Country
from casework.choices import Relationship
from casework.forms import BLANK, PersonFieldsForm
from casework.models import Ethnicity, FamilyMember, Person
from casework.names import NAME_FIELDS
from core.limits import LIST_MAX_ITEMS, REASON_MAX_LENGTH, TEXT_MAX_LENGTH
from core.pages import DateInput, LocalNameChoiceField

LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")  # ISO 639-1 or -3, as the API takes them


class LanguagesField(forms.CharField):
    """A list of ISO 639 codes typed as "lo, th, hmn"."""

    def prepare_value(self, value: Any) -> Any:
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]  # the stub says str; this cleans to a list
        text = super().to_python(value) or ""
        codes = [code for code in re.split(r"[\s,;]+", text.lower()) if code]
        wrong = [code for code in codes if not LANGUAGE_CODE.match(code)]
        if wrong:
            raise forms.ValidationError(_("Use language codes of two or three letters, e.g. lo, th, hmn."))
        if len(codes) > LIST_MAX_ITEMS:
            raise forms.ValidationError(_("Too many languages."))
        return list(dict.fromkeys(codes))


class PersonForm(PersonFieldsForm):
    """Every field of the record a worker may correct (casework.services.people.PERSON_FIELDS)."""

    birth_date_estimated = forms.BooleanField(label=_("Only the year of birth is known"), required=False)
    age_estimated_on = forms.DateField(
        label=_("Age estimated on"),
        required=False,
        widget=DateInput(),
        help_text=_("The day the estimated age refers to. Empty: the identification date of the first case."),
    )
    nationality = LocalNameChoiceField(label=_("Nationality"), queryset=Country.objects.order_by("name_en"))
    ethnicity = LocalNameChoiceField(label=_("Ethnic group"), queryset=Ethnicity.objects.all(), required=False)
    languages = LanguagesField(label=_("Languages spoken"), required=False, max_length=200)
    interpreter_needed = forms.BooleanField(label=_("Needs an interpreter"), required=False)
    interpreter_language = forms.CharField(label=_("Interpreter's language"), max_length=10, required=False)
    contact_notes = forms.CharField(
        label=_("How to reach the person"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    identity_document = forms.CharField(label=_("Identity document number"), max_length=100, required=False)

    GROUPS = (
        (
            _("Identity"),
            (
                *NAME_FIELDS,
                "sex",
                "date_of_birth",
                "birth_date_estimated",
                "estimated_age",
                "age_estimated_on",
                "identity_document",
            ),
        ),
        (_("Origin"), ("nationality", "ethnicity", "origin_province", "origin_district", "origin_village")),
        (_("Languages"), ("languages", "interpreter_needed", "interpreter_language")),
        (_("Contacts"), ("phone", "contact_notes")),
    )

    @classmethod
    def for_person(cls, person: Person, data: Any = None) -> PersonForm:
        initial = {name: getattr(person, name) for name in cls.base_fields}
        return cls(data, initial=initial)

    def changes(self, person: Person) -> dict[str, Any]:
        """The fields whose value differs from the record: only these reach the service, so the
        audit row names what was corrected. Without an estimate its date means nothing; an
        estimate without a date is dated by the service (the first case's identification), an
        unchanged one keeps its date."""
        data = dict(self.cleaned_data)
        if data["estimated_age"] is None or (
            data["age_estimated_on"] is None and data["estimated_age"] == person.estimated_age
        ):
            data.pop("age_estimated_on")
        return {name: value for name, value in data.items() if getattr(person, name) != value}

    def rows(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [(legend, [self[name] for name in names]) for legend, names in self.GROUPS]


class FamilyMemberForm(forms.Form):
    """A relative or guardian (casework.services.people.FAMILY_MEMBER_FIELDS)."""

    relationship = forms.ChoiceField(label=_("Relationship"), choices=[*BLANK, *Relationship.choices])
    name = forms.CharField(label=_("Name"), max_length=200)
    is_guardian = forms.BooleanField(label=_("Guardian (may consent for a child)"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    lives_in_village_of_origin = forms.NullBooleanField(label=_("Lives in the village of origin"), required=False)
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )

    @classmethod
    def for_member(cls, member: FamilyMember | None, data: Any = None) -> FamilyMemberForm:
        initial = {name: getattr(member, name) for name in cls.base_fields} if member else None
        return cls(data, initial=initial)


class MergeForm(forms.Form):
    keep = forms.UUIDField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Why are these records the same person?"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
