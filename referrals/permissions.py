"""Who may see, send and answer referrals, and when a consent covers a disclosure (docs/design/access.md:
partner role, Consent), each predicate beside its filter.

- The sending side sees a referral with its case (casework view_case), drafts included, and
  sends, changes or withdraws it when it may change the case.
- Staff of the receiving organisation with a casework role see what is addressed to it once it
  has been sent (the inbox) and answer it. They do not see the case: they get the disclosure.
- A partner's API token sees the same inbox (`referrals_for_token`) while it is active.
- A consent override request is seen with its referral by the sending side, and decided by a
  manager of the sending organisation who did not ask for it (four eyes).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, Role
from casework.ages import is_child_on
from casework.models import Case, ServiceType
from casework.permissions import change_case, manage_case, view_case, view_health
from core.pages import local_name
from core.permissions import EVERYTHING, NOTHING, Permission, define, has_role
from referrals.choices import ConsentGivenBy, DataCategory, ReferralStatus
from referrals.models import Consent, ConsentOverride, DirectoryEntry, PartnerToken, Referral

# Who answers a referral for the receiving organisation (and sees its inbox).
RECEIVER_ROLES = (Role.SOCIAL_WORKER, Role.COUNSELLOR, Role.MANAGER)


def _through_cases(permission: Permission[Case], user: Any) -> Q:
    return Q(case__in=Case.objects.filter(permission.filter(user)).values("pk"))


def _case_of(obj: Case | Referral | Consent) -> Case:
    return obj if isinstance(obj, Case) else obj.case


# --- The receiving organisation's inbox -------------------------------------------------------
def receives(user: Any, referral: Referral) -> bool:
    return (
        has_role(user, *RECEIVER_ROLES)
        and user.organisation_id is not None
        and referral.to_organisation_id == user.organisation_id
        and referral.status != ReferralStatus.DRAFT
    )


def received_by(user: Any) -> Q:
    """The filter of `receives`: sent (not draft) referrals addressed to the user's organisation."""
    if not has_role(user, *RECEIVER_ROLES) or user.organisation_id is None:
        return NOTHING
    return Q(to_organisation_id=user.organisation_id) & ~Q(status=ReferralStatus.DRAFT)


# --- Seeing a referral ------------------------------------------------------------------------
view_referral = define(
    "referrals.view_referral",
    Referral,
    predicate=lambda user, referral: receives(user, referral) or view_case.allows(user, referral.case),
    filter=lambda user: _through_cases(view_case, user) | received_by(user),
)


# --- Health content of a referral: its health services, the health category, the text about them
def sees_health(user: Any, referral: Referral) -> bool:
    """The sending side by the case's health rule (casework view_health: never police, never
    through an emergency grant); the receiving organisation, which is asked to provide those
    services (police never receive: RECEIVER_ROLES)."""
    return receives(user, referral) or view_health.allows(user, referral.case)


def health_visible(user: Any) -> ExpressionWrapper:
    """The filter of `sees_health`, as an annotation of a referral queryset."""
    cases = Case.objects.filter(view_health.filter(user)).values("pk")
    return ExpressionWrapper(received_by(user) | Q(case__in=cases), output_field=BooleanField())


# --- Sending side: create, change a draft, send, withdraw ---------------------------------------
# The predicate also takes the case itself ("may this user refer from this case?").
send_referral = define(
    "referrals.send_referral",
    Referral,
    predicate=lambda user, obj: change_case.allows(user, _case_of(obj)),
    filter=lambda user: _through_cases(change_case, user),
)

# --- Receiving side: acknowledge, accept or decline, start, complete ----------------------------
answer_referral = define("referrals.answer_referral", Referral, predicate=receives, filter=received_by)

# --- Consents are read with their case ------------------------------------------------------------
view_consent = define(
    "referrals.view_consent",
    Consent,
    predicate=lambda user, consent: view_case.allows(user, consent.case),
    filter=lambda user: _through_cases(view_case, user),
)

# Recorded by those who may change the case (referrals.services.consent_record checks change_case);
# withdrawn by them or the case's managers, also once the case is closed.
withdraw_consent = define(
    "referrals.withdraw_consent",
    Consent,
    predicate=lambda user, consent: manage_case.allows(user, consent.case) or change_case.allows(user, consent.case),
    filter=lambda user: _through_cases(manage_case, user) | _through_cases(change_case, user),
)


# --- Consent overrides: asked by the sending side, decided by a second person -----------------------
def manages_sender(user: Any, override: ConsentOverride) -> bool:
    return (
        has_role(user, Role.MANAGER)
        and user.organisation_id is not None
        and override.referral.from_organisation_id == user.organisation_id
    )


def _sender_managed(user: Any) -> Q:
    if not has_role(user, Role.MANAGER) or user.organisation_id is None:
        return NOTHING
    return Q(referral__from_organisation_id=user.organisation_id)


view_override = define(
    "referrals.view_consentoverride",
    ConsentOverride,
    predicate=lambda user, override: manages_sender(user, override) or view_case.allows(user, override.referral.case),
    filter=lambda user: (
        _sender_managed(user) | Q(referral__case__in=Case.objects.filter(view_case.filter(user)).values("pk"))
    ),
)


def override_health_visible(user: Any) -> ExpressionWrapper:
    """May the user read an override request's text about a referral about health, as an
    annotation: the case's health readers (casework view_health), and the managers of the sending
    organisation, who must read it to decide."""
    cases = Case.objects.filter(view_health.filter(user)).values("pk")
    return ExpressionWrapper(Q(referral__case__in=cases) | _sender_managed(user), output_field=BooleanField())


decide_override = define(
    "referrals.decide_consentoverride",
    ConsentOverride,
    predicate=lambda user, override: (
        manages_sender(user, override)
        and override.status == ConsentOverride.Status.PENDING
        and override.requested_by_id != user.pk
    ),
    filter=lambda user: _sender_managed(user) & Q(status=ConsentOverride.Status.PENDING) & ~Q(requested_by_id=user.pk),
)


# --- Partner tokens: administrators, and managers of the token's organisation ---------------------
def _can_view_token(user: Any, token: PartnerToken) -> bool:
    if has_role(user, Role.ADMIN):
        return True
    return has_role(user, Role.MANAGER) and token.organisation_id == user.organisation_id


def _tokens_visible(user: Any) -> Q:
    if has_role(user, Role.ADMIN):
        return EVERYTHING
    return Q(organisation_id=user.organisation_id) if has_role(user, Role.MANAGER) else NOTHING


view_partner_token = define(
    "referrals.view_partnertoken", PartnerToken, predicate=_can_view_token, filter=_tokens_visible
)


def token_is_active(token: PartnerToken | None, *, now: datetime | None = None) -> bool:
    """Not revoked, not expired, and its organisation still active."""
    if token is None or token.revoked_at is not None:
        return False
    if token.expires_at is not None and token.expires_at <= (now or timezone.now()):
        return False
    return bool(token.organisation.is_active)


def token_sees(token: PartnerToken, referral: Referral) -> bool:
    """The predicate of `referrals_for_token`."""
    return (
        token_is_active(token)
        and referral.to_organisation_id == token.organisation_id
        and referral.status != ReferralStatus.DRAFT
    )


def referrals_for_token(token: PartnerToken) -> QuerySet[Referral]:
    """Everything a partner token may read: referrals sent to its organisation, never drafts."""
    if not token_is_active(token):
        return Referral.objects.none()
    return Referral.objects.filter(to_organisation_id=token.organisation_id).exclude(status=ReferralStatus.DRAFT)


# --- Does the consent cover this referral? ---------------------------------------------------------
def is_child_for_consent(person: Any, on: Any) -> bool:
    """Under 18 on that date. An unknown age counts as a child (presumption of minority): the
    stricter consent rule applies until an age or an estimate is recorded."""
    child = is_child_on(person, on)
    return True if child is None else child


def consent_problems(
    referral: Referral, consent: Consent | None, *, now: datetime | None = None, categories: bool = True
) -> dict[str, list[str]]:
    """What stops `consent` from covering `referral`, as field messages (empty when it covers
    it). Sending refuses on any of them; the disclosure shares nothing of tier 2 when any but
    the category check fails (it shares the intersection of the categories instead)."""
    now = now or timezone.now()
    problems: dict[str, list[str]] = defaultdict(list)
    if consent is None:
        problems["consent"].append(_("No consent is linked to this referral."))
        return dict(problems)
    person = referral.case.person
    if consent.person_id != person.pk:
        problems["consent"].append(_("The consent was given for another person."))
    if consent.recipient_id != referral.to_organisation_id:
        problems["consent"].append(_("The consent does not name the receiving organisation as recipient."))
    if consent.withdrawn_at is not None:
        problems["consent"].append(
            _("The consent was withdrawn on %(date)s.") % {"date": timezone.localdate(consent.withdrawn_at)}
        )
    if consent.expires_at is not None and consent.expires_at <= now:
        problems["consent"].append(
            _("The consent expired on %(date)s.") % {"date": timezone.localdate(consent.expires_at)}
        )
    if consent.given_at > now:
        problems["consent"].append(
            _("The consent applies only from %(date)s.") % {"date": timezone.localdate(consent.given_at)}
        )
    child = is_child_for_consent(person, timezone.localdate(consent.given_at)) or is_child_for_consent(
        person, timezone.localdate(now)
    )
    if child and consent.given_by == ConsentGivenBy.PERSON:
        problems["consent"].append(
            _("The person is a child: the consent must come from a guardian or a best-interest decision.")
        )
    if categories:
        missing = sorted(set(referral.shared_categories) - set(consent.data_categories))
        if missing:
            named = "; ".join(str(label) for value, label in DataCategory.choices if value in missing)
            problems["shared_categories"].append(
                _("The consent does not cover these data categories: %(missing)s.") % {"missing": named}
            )
    # referrals.selectors.with_disclosure_columns loads these codes with the referral.
    requested = getattr(referral, "service_codes", None)
    if requested is None:
        requested = [service.code for service in referral.service_types.all()]
    consented = getattr(referral, "consent_service_codes", None) if consent.pk == referral.consent_id else None
    if consented is None:
        consented = [service.code for service in consent.service_types.all()]
    missing = sorted(set(requested) - set(consented))
    if missing:
        # Named in the page's language (one query, only when something is missing).
        named = "; ".join(local_name(service) for service in ServiceType.objects.filter(code__in=missing))
        problems["service_types"].append(
            _("The consent does not cover these services: %(missing)s.") % {"missing": named}
        )
    return dict(problems)


# --- The directory of services ---------------------------------------------------------------------
# Every member of staff reads it (it names organisations and office contacts, no person); a partner's
# API token does not. A manager keeps their own organisation's entry, an admin any.
DIRECTORY_READERS = tuple(role for role in Role.values if role != Role.PARTNER)


def _reads_directory(user: Any) -> bool:
    return has_role(user, *DIRECTORY_READERS)


view_directory = define(
    "referrals.view_directory",
    DirectoryEntry,
    predicate=lambda user, entry: _reads_directory(user),
    filter=lambda user: EVERYTHING if _reads_directory(user) else NOTHING,
)


def _keeps_entry(user: Any, organisation: Organisation) -> bool:
    if has_role(user, Role.ADMIN):
        return True
    return has_role(user, Role.MANAGER) and organisation.pk == user.organisation_id


def _kept_entries(user: Any) -> Q:
    if has_role(user, Role.ADMIN):
        return EVERYTHING
    if has_role(user, Role.MANAGER) and user.organisation_id is not None:
        return Q(pk=user.organisation_id)
    return NOTHING


change_directory_entry = define(
    "referrals.change_directory_entry", Organisation, predicate=_keeps_entry, filter=_kept_entries
)
