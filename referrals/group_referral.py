"""A group of linked cases referred in one action (casework.services.group_actions): for each
case a referral is drafted and sent through the referral services, with the person's own consent
that covers it (coverage.covering: this recipient, these data and services, in force). A person
without such a consent is refused by `referral_send` itself, naming their case; a consent
override stays a decision per person, on the case's own referral page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, Role
from casework.extensions import GroupAction, register_group_action
from casework.models import ServiceType
from core.pages import LocalNameChoiceField, LocalNameMultipleChoiceField, local_name
from core.permissions import has_role
from referrals import coverage, services
from referrals.choices import DataCategory, Urgency
from referrals.models import Consent
from referrals.services import NOTE_MAX_LENGTH


class GroupReferralForm(forms.Form):
    to_organisation = LocalNameChoiceField(queryset=Organisation.objects.none(), label=_("Refer to"))
    service_types = LocalNameMultipleChoiceField(
        queryset=ServiceType.objects.filter(active=True),
        label=_("Services asked for"),
        widget=forms.CheckboxSelectMultiple,
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.ROUTINE)
    reason = forms.CharField(
        label=_("Why this referral"), widget=forms.Textarea(attrs={"rows": 3}), max_length=NOTE_MAX_LENGTH
    )
    shared_categories = forms.MultipleChoiceField(
        label=_("Data shared with the receiving organisation"),
        choices=[choice for choice in DataCategory.choices if choice[0] != DataCategory.HTCDS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Each person's consent must cover every category."),
    )

    def __init__(self, *args: Any, organisation_id: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_organisation"].queryset = (  # type: ignore[attr-defined]
            Organisation.objects.filter(is_active=True).exclude(pk=organisation_id).order_by("name_en")
        )


def _form(user: Any, data: Any) -> GroupReferralForm:
    return GroupReferralForm(data, organisation_id=user.organisation_id)


def _refer(actor: Any, case: Any, data: dict[str, Any]) -> str:
    wanted = coverage.Wanted(
        case=case,
        recipient=data["to_organisation"],
        categories=list(data.get("shared_categories") or []),
        services=list(data["service_types"]),
    )
    consents = Consent.objects.filter(person_id=case.person_id, recipient=wanted.recipient).order_by("-given_at")
    consent = next(iter(coverage.covering(wanted, consents)), None)
    referral = services.referral_create(
        actor=actor,
        case=case,
        to_organisation=wanted.recipient,
        service_types=wanted.services,
        urgency=data["urgency"],
        reason=data["reason"],
        shared_categories=wanted.categories,
        consent=consent,
    )
    services.referral_send(actor=actor, referral=referral)
    return gettext("Referred to %(organisation)s") % {"organisation": local_name(wanted.recipient)}


def register() -> None:
    register_group_action(
        GroupAction(
            key="refer",
            label=_("Refer to an organisation"),
            form=_form,
            run=_refer,
            offered=lambda user: has_role(user, Role.SOCIAL_WORKER, Role.COUNSELLOR),
            position=2,
        )
    )
