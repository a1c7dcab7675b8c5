"""A group of linked cases referred in one action (casework.services.group_actions): for each
case a referral is drafted and sent through the referral services, with the person's own consent
that covers it (coverage.covering: this recipient, these data and services, in force). A person
without such a consent is refused by `referral_send` itself, naming their case; a consent
override stays a decision per person, on the case's own referral page."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from casework.extensions import GroupAction, register_group_action
from core.pages import local_name
from core.permissions import has_role
from referrals import coverage, services
from referrals.forms import ReferralForm
from referrals.models import Consent


class GroupReferralForm(ReferralForm):
    """The referral form without the consent: each person's own covering consent is used."""

    def __init__(self, *args: Any, organisation_id: Any, **kwargs: Any) -> None:
        super().__init__(*args, organisation_id=organisation_id, consents=Consent.objects.none(), **kwargs)
        del self.fields["consent"]
        for name in ("service_types", "reason"):
            self.fields[name].required = True
        self.fields["shared_categories"].help_text = _("Each person's consent must cover every category.")


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
