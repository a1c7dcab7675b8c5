"""Staff referral API: consents, referrals from a case (create, change the draft, send,
withdraw), the receiving organisation's inbox and answers, and partner webhooks.

Thin viewsets: every list and object goes through a Permission (404 for missing and not-yours
alike), every write through referrals.services (403 when the caller sees the object but may not
do this). A receiver's answers show the disclosure, and reading it is written to the audit log."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.actors import signed_in
from accounts.models import AuditAction
from casework.models import Case, FamilyMember
from casework.permissions import view_case, view_health
from core.api.viewsets import ScopedViewSet
from core.errors import ApplicationError
from referrals import permissions, selectors, services, webhooks
from referrals.api import serializers as s
from referrals.choices import ReferralStatus
from referrals.models import Consent, ConsentOverride, Referral, Webhook

CONSENTS = "consents"
REFERRALS = "referrals"
WEBHOOKS = "webhooks"
DENIED = {
    403: OpenApiResponse(description="You see the referral but may not do this."),
    404: OpenApiResponse(description="Missing, or not yours (the two are indistinguishable)."),
}
REFUSED = {400: OpenApiResponse(description="Refused, with a message per field (`errors`)."), **DENIED}


def with_side(user: Any, referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    """Annotate `case_visible`: whether the caller may see each referral's case (the sending
    side), in the same query, so a page of any length costs the same."""
    visible_cases = Case.objects.filter(view_case.filter(user), pk=OuterRef("case_id"))
    return referrals.annotate(case_visible=Exists(visible_cases), health_visible=permissions.health_visible(user))


def overrides_seen_by(user: Any) -> QuerySet[ConsentOverride]:
    """Override requests with what their serializer reads: `health_visible` annotated."""
    return (
        ConsentOverride.objects.select_related("referral__case__person", "requested_by", "decided_by")
        .prefetch_related("referral__service_types")
        .annotate(health_visible=permissions.override_health_visible(user))
    )


# --- Consents -----------------------------------------------------------------------------------------
class ConsentFilter(filters.FilterSet):
    # A UUID, not a model choice: an unknown case and someone else's give the same (empty) answer.
    case = filters.UUIDFilter(field_name="case_id", label="Case id")

    class Meta:
        model = Consent
        fields = ["case"]


@extend_schema_view(
    list=extend_schema(tags=[CONSENTS], summary="Consents of the cases you may see (filter with ?case=)"),
    retrieve=extend_schema(tags=[CONSENTS], summary="One consent", responses={200: s.ConsentSerializer, **DENIED}),
)
class ConsentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Consent per disclosure, read with its case; recorded and withdrawn by the case's workers."""

    permission = permissions.view_consent
    serializer_class = s.ConsentSerializer
    filterset_class = ConsentFilter

    def base_queryset(self) -> QuerySet[Consent]:
        health_cases = Case.objects.filter(view_health.filter(self.request.user), pk=OuterRef("case_id"))
        return (
            Consent.objects.select_related("recipient", "recorded_by", "withdrawn_by")
            .prefetch_related("service_types")
            .annotate(health_visible=Exists(health_cases))
            .order_by("-given_at", "id")
        )

    @extend_schema(
        tags=[CONSENTS],
        summary="Record a consent",
        description=(
            "Which organisation may receive which data categories for which services. For a child (under 18 "
            "on the consent date) a guardian consents (`given_by=guardian` with `guardian`) or a best-interest "
            "decision is recorded (`best_interest_reason`); an adult consents for themselves."
        ),
        request=s.ConsentInputSerializer,
        responses={201: s.ConsentSerializer, **REFUSED},
    )
    def create(self, request: Request) -> Response:
        data = self.read_input(s.ConsentInputSerializer)
        case = data.pop("case")
        guardian_id = data.pop("guardian", None)
        guardian = None
        if guardian_id is not None:
            guardian = FamilyMember.objects.filter(pk=guardian_id, person_id=case.person_id).first()
            if guardian is None:
                raise ApplicationError(
                    _("Please correct the errors below."),
                    fields={"guardian": [_("Choose a guardian recorded in this person's family.")]},
                )
        consent = services.consent_record(actor=signed_in(request), case=case, guardian=guardian, **data)
        return self.respond(self.get_queryset().get(pk=consent.pk), status_code=status.HTTP_201_CREATED)

    @extend_schema(
        tags=[CONSENTS],
        summary="Withdraw a consent",
        description="Takes effect at once: the referrals it covers disclose nothing of tier 2 and cannot be sent.",
        request=s.ConsentWithdrawSerializer,
        responses={200: s.ConsentSerializer, 409: OpenApiResponse(description="Already withdrawn."), **REFUSED},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        consent = self.get_object()
        note = self.read_input(s.ConsentWithdrawSerializer).get("note", "")
        services.consent_withdraw(actor=signed_in(request), consent=consent, note=note)
        return self.respond(self.get_queryset().get(pk=consent.pk))


# --- Referrals ----------------------------------------------------------------------------------------
class ReferralFilter(filters.FilterSet):
    case = filters.UUIDFilter(field_name="case_id", label="Case id")
    status = filters.ChoiceFilter(choices=ReferralStatus.choices)

    class Meta:
        model = Referral
        fields = ["case", "status"]


@extend_schema_view(
    list=extend_schema(
        tags=[REFERRALS],
        summary="Referrals you may see",
        description=(
            "The referrals of the cases you work on (drafts included) and those sent to your organisation. "
            "Filter with `?case=` and `?status=`. Each row says from which `side` you see it."
        ),
    ),
    retrieve=extend_schema(tags=[REFERRALS], summary="One referral", responses={200: s.ReferralSerializer, **DENIED}),
)
class ReferralViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    permission = permissions.view_referral
    serializer_class = s.ReferralSerializer
    filterset_class = ReferralFilter

    def base_queryset(self) -> QuerySet[Referral]:
        referrals = selectors.with_disclosure_data(Referral.objects.select_related("from_worker"))
        return with_side(self.request.user, referrals).order_by("-created_at", "id")

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        context.setdefault("now", getattr(self, "_now", None) or timezone.now())
        return context

    # --- reads -------------------------------------------------------------------------------------
    def _page(self, referrals: QuerySet[Referral]) -> Response:
        self._now = timezone.now()
        page = self.paginate_queryset(referrals) or []
        self._record_reads(page, AuditAction.LIST)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def _record_reads(self, referrals: list[Referral], action: str) -> None:
        """The receiver's rows show the person's data: one audit row each, in one INSERT."""
        received = [referral for referral in referrals if not s.sender_view(referral)]
        if received:
            selectors.record_disclosure_read(referrals=received, user=self.request.user, action=action, now=self._now)

    def _answer(self, referral_id: UUID | str, status_code: int = status.HTTP_200_OK) -> Response:
        self._now = timezone.now()
        referral = self.permission.get(self.request.user, self.get_queryset(), pk=referral_id)
        self._record_reads([referral], AuditAction.VIEW)
        return self.respond(referral, status_code=status_code)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._page(self.filter_queryset(self.get_queryset()))

    def retrieve(self, request: Request, pk: str) -> Response:
        return self._answer(pk)

    @extend_schema(
        tags=[REFERRALS],
        summary="Referrals sent to your organisation",
        description="For social workers, counsellors and managers of the receiving organisation; never drafts.",
        parameters=[s.InboxQuerySerializer],
        responses=s.ReferralSerializer(many=True),
    )
    @action(detail=False, methods=["get"])
    def inbox(self, request: Request) -> Response:
        query = s.InboxQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        referrals = selectors.inbox(user=request.user, status=query.validated_data.get("status"))
        referrals = self.filter_queryset(referrals)  # the list's filters (`case`) apply here too
        return self._page(with_side(request.user, referrals.select_related("from_worker")))

    @extend_schema(
        tags=[REFERRALS],
        summary="The referral's history",
        description=(
            "Every status change and note, oldest first, with who made it. The receiving side does not see "
            "the draft's own history."
        ),
        responses={200: s.ReferralEventSerializer(many=True), 404: DENIED[404]},
    )
    @action(detail=True, methods=["get"])
    def events(self, request: Request, pk: str) -> Response:
        referral = self.get_object()
        events = referral.events.select_related("organisation", "actor").order_by("seq")
        if not s.sender_view(referral):
            events = events.exclude(kind__in=selectors.DRAFT_EVENT_KINDS)
        page = self.paginate_queryset(events)
        context = {"withhold_notes": s.withholds_health(referral)}
        return self.get_paginated_response(s.ReferralEventSerializer(page, many=True, context=context).data)

    # --- the sending side --------------------------------------------------------------------------------
    def _consent(self, consent_id: UUID | None) -> Consent | None:
        if consent_id is None:
            return None
        consent = permissions.view_consent.scope(self.request.user).filter(pk=consent_id).first()
        if consent is None:
            raise ApplicationError(
                _("Please correct the errors below."),
                fields={"consent": [_("Choose a consent recorded on this case.")]},
            )
        return consent

    @extend_schema(
        tags=[REFERRALS],
        summary="Start a referral (a draft)",
        description="Nothing leaves your organisation until the draft is sent.",
        request=s.ReferralInputSerializer,
        responses={201: s.ReferralSerializer, **REFUSED},
    )
    def create(self, request: Request) -> Response:
        data = self.read_input(s.ReferralInputSerializer)
        case = data.pop("case")
        consent = self._consent(data.pop("consent", None))
        referral = services.referral_create(actor=signed_in(request), case=case, consent=consent, **data)
        return self._answer(referral.pk, status.HTTP_201_CREATED)

    @extend_schema(
        tags=[REFERRALS],
        summary="Change a draft",
        description="Only while it is a draft; `consent: null` unlinks the consent.",
        request=s.ReferralDraftSerializer,
        responses={200: s.ReferralSerializer, **REFUSED},
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        referral = self.get_object()
        data = self.read_input(s.ReferralDraftSerializer, partial=True)
        if "consent" in data:
            data["consent"] = self._consent(data["consent"])
        services.referral_update_draft(
            actor=signed_in(request), referral=referral, service_types=data.pop("service_types", None), **data
        )
        return self._answer(referral.pk)

    @extend_schema(
        tags=[REFERRALS],
        summary="Send the draft",
        description=(
            "Only when a consent covers it: the same person, this recipient, every shared category and requested "
            "service, neither withdrawn nor expired (for a child: a guardian's or best-interest consent). "
            "Otherwise 400, naming each gap under `errors`."
        ),
        request=None,
        responses={200: s.ReferralSerializer, **REFUSED},
    )
    @action(detail=True, methods=["post"])
    def send(self, request: Request, pk: str) -> Response:
        services.referral_send(actor=signed_in(request), referral=self.get_object())
        return self._answer(pk)

    @extend_schema(
        tags=[REFERRALS],
        summary="Ask to send the draft without consent to protect a life (sender)",
        description=(
            "Creates a pending consent override with the reason. The draft stays a draft, invisible to the "
            "receiver, until a manager of your organisation other than you approves it "
            "(`POST /consent-overrides/{id}/approve/`); then `send` works without a covering consent."
        ),
        request=s.ReferralReasonSerializer,
        responses={201: s.ConsentOverrideSerializer, 409: OpenApiResponse(description="Already asked."), **REFUSED},
    )
    @action(detail=True, methods=["post"], url_path="consent-override")
    def consent_override(self, request: Request, pk: str) -> Response:
        referral = self.get_object()
        reason = self.read_input(s.ReferralReasonSerializer)["reason"]
        override = services.consent_override_request(actor=signed_in(request), referral=referral, reason=reason)
        shown = overrides_seen_by(request.user).get(pk=override.pk)
        return self.respond(shown, s.ConsentOverrideSerializer, status.HTTP_201_CREATED)

    @extend_schema(
        tags=[REFERRALS],
        summary="Withdraw the referral (sender)",
        request=s.ReferralReasonSerializer,
        responses={200: s.ReferralSerializer, **REFUSED},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        referral = self.get_object()
        reason = self.read_input(s.ReferralReasonSerializer)["reason"]
        services.referral_withdraw(actor=signed_in(request), referral=referral, reason=reason)
        return self._answer(pk)

    # --- the receiving side ---------------------------------------------------------------------------
    def _receive(self, service: Any, **values: Any) -> Response:
        service(referral=self.get_object(), actor=self.request.user, **values)
        return self._answer(self.kwargs["pk"])

    @extend_schema(
        tags=[REFERRALS],
        summary="Acknowledge receipt (receiver)",
        request=None,
        responses={200: s.ReferralSerializer, **REFUSED},
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str) -> Response:
        return self._receive(services.referral_acknowledge)

    @extend_schema(
        tags=[REFERRALS],
        summary="Accept (receiver)",
        description="Straight from `sent`, the acknowledgement is recorded first.",
        request=s.ReferralAcceptSerializer,
        responses={200: s.ReferralSerializer, **REFUSED},
    )
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        return self._receive(services.referral_accept, note=self.read_input(s.ReferralAcceptSerializer).get("note", ""))

    @extend_schema(
        tags=[REFERRALS],
        summary="Decline, with a reason (receiver)",
        request=s.ReferralReasonSerializer,
        responses={200: s.ReferralSerializer, **REFUSED},
    )
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str) -> Response:
        return self._receive(services.referral_decline, reason=self.read_input(s.ReferralReasonSerializer)["reason"])

    @extend_schema(
        tags=[REFERRALS],
        summary="The service has started (receiver)",
        request=None,
        responses={200: s.ReferralSerializer, **REFUSED},
    )
    @action(detail=True, methods=["post"])
    def start(self, request: Request, pk: str) -> Response:
        return self._receive(services.referral_start)

    @extend_schema(
        tags=[REFERRALS],
        summary="The service is complete, with its outcome (receiver)",
        request=s.ReferralOutcomeSerializer,
        responses={200: s.ReferralSerializer, **REFUSED},
    )
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str) -> Response:
        return self._receive(
            services.referral_complete, outcome=self.read_input(s.ReferralOutcomeSerializer)["outcome"]
        )

    @extend_schema(
        tags=[REFERRALS],
        summary="Close without service, with a reason (receiver)",
        request=s.ReferralReasonSerializer,
        responses={200: s.ReferralSerializer, **REFUSED},
    )
    @action(detail=True, methods=["post"], url_path="close-without-service")
    def close_without_service(self, request: Request, pk: str) -> Response:
        return self._receive(
            services.referral_close_without_service, reason=self.read_input(s.ReferralReasonSerializer)["reason"]
        )

    @extend_schema(
        tags=[REFERRALS],
        summary="Write a note on a sent referral (either side)",
        request=s.ReferralNoteSerializer,
        responses={201: s.ReferralEventSerializer, **REFUSED},
    )
    @action(detail=True, methods=["post"])
    def notes(self, request: Request, pk: str) -> Response:
        note = self.read_input(s.ReferralNoteSerializer)["note"]
        event = services.referral_add_note(referral=self.get_object(), note=note, actor=signed_in(request))
        return self.respond(event, s.ReferralEventSerializer, status.HTTP_201_CREATED)


# --- Consent overrides: the second person's decision -------------------------------------------------
@extend_schema_view(
    list=extend_schema(tags=[REFERRALS], summary="Consent override requests you may see"),
    retrieve=extend_schema(
        tags=[REFERRALS],
        summary="One consent override request",
        responses={200: s.ConsentOverrideSerializer, 404: DENIED[404]},
    ),
)
class ConsentOverrideViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Managers of the sending organisation see its requests and decide those they did not make;
    the case's workers see the requests on their referrals."""

    permission = permissions.view_override
    serializer_class = s.ConsentOverrideSerializer

    def base_queryset(self) -> QuerySet[ConsentOverride]:
        return overrides_seen_by(self.request.user).order_by("-requested_at", "id")

    def _decide(self, approve: bool) -> Response:
        note = self.read_input(s.OverrideNoteSerializer).get("note", "")
        override = services.consent_override_decide(
            actor=signed_in(self.request), override=self.get_object(), approve=approve, note=note
        )
        return self.respond(self.get_queryset().get(pk=override.pk))

    @extend_schema(
        tags=[REFERRALS],
        summary="Approve: the draft may be sent without consent (a manager, not the requester)",
        request=s.OverrideNoteSerializer,
        responses={200: s.ConsentOverrideSerializer, 409: OpenApiResponse(description="Already decided."), **REFUSED},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        return self._decide(True)

    @extend_schema(
        tags=[REFERRALS],
        summary="Reject, with a note (a manager, not the requester)",
        request=s.OverrideNoteSerializer,
        responses={200: s.ConsentOverrideSerializer, 409: OpenApiResponse(description="Already decided."), **REFUSED},
    )
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        return self._decide(False)


# --- Webhooks -----------------------------------------------------------------------------------------
@extend_schema_view(
    list=extend_schema(
        tags=[WEBHOOKS],
        summary="Your organisation's webhooks",
        description="Partner and manager accounts see their organisation's; administrators all. Never the secret.",
    )
)
class WebhookViewSet(mixins.ListModelMixin, ScopedViewSet):
    permission = webhooks.manage_webhook
    serializer_class = s.WebhookSerializer

    def base_queryset(self) -> QuerySet[Webhook]:
        return Webhook.objects.select_related("organisation", "created_by").order_by("-created_at", "id")

    @extend_schema(
        tags=[WEBHOOKS],
        summary="Register a webhook",
        description=(
            "An https:// endpoint told (HMAC-signed, no personal data) when a referral is sent to your "
            "organisation or the sender changes it. The answer holds the signing `secret`, shown this once."
        ),
        request=s.WebhookInputSerializer,
        responses={201: s.WebhookCreatedSerializer, **REFUSED},
    )
    def create(self, request: Request) -> Response:
        data = self.read_input(s.WebhookInputSerializer)
        organisation = data.get("organisation") or getattr(request.user, "organisation", None)
        if organisation is None:
            raise ApplicationError(
                _("Please correct the errors below."), fields={"organisation": [_("Name the organisation.")]}
            )
        webhook, _secret = webhooks.webhook_register(
            actor=signed_in(request), organisation=organisation, url=data["url"]
        )
        # The serializer reads the secret from the row: this is the only answer that includes it.
        return self.respond(webhook, s.WebhookCreatedSerializer, status.HTTP_201_CREATED)

    @extend_schema(
        tags=[WEBHOOKS],
        summary="Deactivate a webhook",
        description="No further notifications; deliveries still waiting are given up.",
        request=None,
        responses={200: s.WebhookSerializer, **DENIED},
    )
    @action(detail=True, methods=["post"])
    def deactivate(self, request: Request, pk: str) -> Response:
        webhook = webhooks.webhook_deactivate(actor=signed_in(request), webhook=self.get_object())
        return self.respond(webhook)
