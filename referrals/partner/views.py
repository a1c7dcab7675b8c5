"""The partner API (token-authenticated JSON under /api/v1/partner/); its documentation is in
schema.py, the staff page that issues the tokens in pages.py.

The API views take only `PartnerTokenAuthentication` (a staff session is ignored there), read
through `referrals.permissions.referrals_for_token` and `referrals.selectors`, write through
`referrals.services` with `token=`, and answer with the JSON error shape of core.api.errors.
Every call leaves audit rows: reads here (one INSERT per page), changes in the services, and
refusals (403/404) here, each naming the token's prefix.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers as drf_serializers
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from accounts.models import AuditAction
from accounts.services import audit_record_many, audit_text
from core.api.parsers import JSONParser
from core.api.renderers import JSONRenderer
from core.errors import NotFound
from referrals import permissions, selectors, services
from referrals.models import PartnerToken, Referral, ReferralEvent
from referrals.partner import idempotency
from referrals.partner import serializers as s
from referrals.partner.authentication import HasPartnerToken, PartnerTokenAuthentication
from referrals.partner.schema import (
    BAD_REQUEST,
    EXAMPLE_ID,
    EXAMPLE_REFERRAL,
    EXAMPLE_WITHDRAWN,
    FORBIDDEN,
    IDEMPOTENCY_KEY,
    KEY_REUSED,
    NOT_FOUND,
    READ_ERRORS,
    REPLAYED,
    RETRY_AFTER,
    TAG,
    THROTTLED,
    UNAUTHENTICATED,
    PartnerAutoSchema,
    change_schema,
)
from referrals.partner.throttling import PartnerTokenThrottle

# ================================================================================================
# The API
# ================================================================================================


class PartnerViewSet(viewsets.GenericViewSet):
    """Plumbing of every partner endpoint: token authentication only, the per-token quota, JSON
    in and out, no staff pagination or filters."""

    schema = PartnerAutoSchema()

    authentication_classes = [PartnerTokenAuthentication]
    permission_classes = [HasPartnerToken]
    throttle_classes = [PartnerTokenThrottle]
    renderer_classes = [JSONRenderer]
    parser_classes = [JSONParser]
    pagination_class = None
    filter_backends: list[Any] = []

    @property
    def token(self) -> PartnerToken:
        return self.request.auth  # type: ignore[return-value]

    def read_query(self, serializer_class: type[drf_serializers.Serializer]) -> dict[str, Any]:
        serializer = serializer_class(data=self.request.query_params)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def read_input(self, serializer_class: type[drf_serializers.Serializer]) -> dict[str, Any]:
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def visible_referrals(self) -> Any:
        return permissions.referrals_for_token(self.token)

    def get_referral(self, pk: str, *, with_data: bool = False) -> Referral:
        """A referral addressed to the token's organisation; 404 for anything else (missing,
        someone else's, a draft), all alike."""
        try:
            uuid.UUID(str(pk))
        except ValueError as error:
            raise NotFound(_("Not found.")) from error
        queryset = self.visible_referrals().filter(pk=pk)
        if with_data:
            queryset = selectors.with_disclosure_data(queryset)
        referral = queryset.first()
        if referral is None:
            raise NotFound(_("Not found."))
        return referral

    def page_links(
        self,
        *,
        rows: list[Any],
        seq_of: Callable[[Any], int],
        after: int | None,
        has_more: bool,
        empty_after: Callable[[], int] | None = None,
    ) -> tuple[int, str | None]:
        """`next_after` (to store) and `next` (to follow while paging through one pull)."""
        if rows:
            next_after = seq_of(rows[-1])
        elif after is not None:
            next_after = after
        else:
            next_after = empty_after() if empty_after else 0
        if not has_more:
            return next_after, None
        url = remove_query_param(self.request.build_absolute_uri(), "after")
        return next_after, replace_query_param(url, "cursor", s.encode_cursor(next_after))

    def handle_exception(self, exc: Exception) -> Response:
        response = super().handle_exception(exc)
        if response.status_code in (403, 404) and isinstance(getattr(self.request, "auth", None), PartnerToken):
            # A refused call is an authorisation decision: it goes into the audit log too.
            _audit(
                self.token,
                AuditAction.VIEW if self.request.method == "GET" else AuditAction.UPDATE,
                [str(self.kwargs.get("pk", ""))],
                note=f"refused {response.status_code}",
            )
        return response


def _audit(
    token: PartnerToken, action: str, object_ids: list[str], *, fields: Sequence[str] = (), note: str = ""
) -> None:
    """Audit rows for partner calls that referrals.selectors.record_disclosure_read does not
    cover (empty pages, the event stream, refusals): one INSERT for all of them."""
    audit_record_many(
        actor=token,
        action=action,
        object_type=Referral._meta.label_lower,
        object_ids=[audit_text(pk)[:64] for pk in object_ids],  # a refused URL's id is whatever was sent
        fields=fields,
        reason=note,
    )


class PartnerReferralViewSet(PartnerViewSet):
    """Referrals addressed to the token's organisation."""

    serializer_class = s.PartnerReferralSerializer
    queryset = Referral.objects.none()  # never read: tells the schema that {id} is a UUID

    @extend_schema(
        operation_id="v1_partner_referrals_list",
        tags=[TAG],
        summary="Pull referrals addressed to you, incrementally",
        description=(
            "Referrals sent to your organisation that changed after `after`, oldest change first. Store "
            "`next_after` and send it as `after` next time: you get every change exactly once, even while "
            "referrals change during your pull. A referral that changed twice since your last pull comes once, "
            "in its current state. Follow `next` while it is not null to read the rest of this pull. Drafts never "
            "appear. Each referral carries only the data its consent covers."
        ),
        parameters=[s.ReferralQuerySerializer, RETRY_AFTER],
        responses={200: s.PartnerReferralPageSerializer, **READ_ERRORS},
        examples=[
            OpenApiExample(
                "a page",
                value={"results": [EXAMPLE_REFERRAL], "next_after": 1042, "next": None},
                response_only=True,
            ),
            OpenApiExample(
                "after consent withdrawal",
                value={"results": [EXAMPLE_WITHDRAWN], "next_after": 1107, "next": None},
                response_only=True,
            ),
        ],
    )
    def list(self, request: Request) -> Response:
        query = self.read_query(s.ReferralQuerySerializer)
        token, after, size = self.token, query.get("after"), query["page_size"]
        since = query.get("updated_since")
        referrals = selectors.partner_referrals(
            organisation=token.organisation,
            after_seq=after,
            status=query.get("status"),
            service=query.get("service"),
            updated_since=since,
        )
        rows = list(referrals[: size + 1])
        page, has_more = rows[:size], len(rows) > size
        now = timezone.now()
        results = [selectors.disclosure(referral, now=now) for referral in page]
        if page:
            shown = {referral.pk: data["disclosed_categories"] for referral, data in zip(page, results, strict=True)}
            selectors.record_disclosure_read(referrals=page, token=token, action=AuditAction.LIST, now=now, shown=shown)
        else:
            _audit(token, AuditAction.LIST, [""], note="empty page")
        next_after, next_url = self.page_links(
            rows=page,
            seq_of=lambda referral: referral.change_seq,
            after=after,
            has_more=has_more,
            # A first pull by time that found nothing: everything up to now is behind you.
            empty_after=(lambda: self._latest_seq()) if since is not None else None,
        )
        return Response({"results": results, "next_after": next_after, "next": next_url})

    def _latest_seq(self) -> int:
        latest = selectors.sent_to(self.token.organisation).aggregate(Max("change_seq"))
        return latest["change_seq__max"] or 0

    @extend_schema(
        tags=[TAG],
        summary="One referral addressed to you",
        description="The referral with the data its consent covers now (tier-2 keys vanish once consent is withdrawn).",
        parameters=[RETRY_AFTER],
        responses={200: s.PartnerReferralSerializer, 401: UNAUTHENTICATED, 404: NOT_FOUND, 429: THROTTLED},
        examples=[OpenApiExample("a referral", value=EXAMPLE_REFERRAL, response_only=True)],
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        referral = self.get_referral(pk, with_data=True)
        now = timezone.now()
        data = selectors.disclosure(referral, now=now)
        selectors.record_disclosure_read(referrals=[referral], token=self.token, action=AuditAction.VIEW, now=now)
        return Response(data)

    def _change(
        self,
        pk: str,
        service: Callable[..., Any],
        input_serializer: type[drf_serializers.Serializer] | None = None,
        status_code: int = 200,
    ) -> Response:
        data = self.read_input(input_serializer) if input_serializer else {}
        token = self.token

        def perform() -> tuple[int, dict[str, Any]]:
            referral = self.get_referral(pk)
            result = service(referral=referral, token=token, **data)
            seq = result.seq if isinstance(result, ReferralEvent) else referral.change_seq
            return status_code, {"referral": str(referral.pk), "status": referral.status, "seq": seq}

        return idempotency.run_idempotent(self.request, organisation_id=token.organisation_id, perform=perform)

    @change_schema(
        "Acknowledge a referral",
        "You have received it (`sent` → `acknowledged`). Say so within the acknowledge due time.",
        to="acknowledged",
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str) -> Response:
        return self._change(pk, services.referral_acknowledge)

    @change_schema(
        "Accept a referral",
        "You will provide the service (`acknowledged` → `accepted`; from `sent` the acknowledgement is recorded "
        "first).",
        to="accepted",
    )
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        return self._change(pk, services.referral_accept)

    @change_schema(
        "Decline a referral",
        "You cannot provide the service (`acknowledged` → `declined`; from `sent` the acknowledgement is recorded "
        "first). The reason goes back to the referring organisation. The data disclosure ends.",
        s.PartnerReasonInputSerializer,
        {"reason": "No place for a child of this age until June."},
        to="declined",
    )
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str) -> Response:
        return self._change(pk, services.referral_decline, s.PartnerReasonInputSerializer)

    @change_schema("Start the service", "`accepted` → `in_progress`.", to="in_progress")
    @action(detail=True, methods=["post"])
    def start(self, request: Request, pk: str) -> Response:
        return self._change(pk, services.referral_start)

    @change_schema(
        "Complete the service",
        "`in_progress` → `completed`, with what the service achieved.",
        s.PartnerOutcomeInputSerializer,
        {"outcome": "Finished a six-month sewing course; placed with an employer in Pakse."},
        to="completed",
    )
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str) -> Response:
        return self._change(pk, services.referral_complete, s.PartnerOutcomeInputSerializer)

    @change_schema(
        "Close without service",
        "`accepted` or `in_progress` → `closed_without_service`, with the reason (the person never arrived, "
        "left, or no longer needs it).",
        s.PartnerReasonInputSerializer,
        {"reason": "The person did not arrive and cannot be reached."},
        to="closed_without_service",
    )
    @action(detail=True, methods=["post"], url_path="close-without-service")
    def close_without_service(self, request: Request, pk: str) -> Response:
        return self._change(pk, services.referral_close_without_service, s.PartnerReasonInputSerializer)

    @extend_schema(
        tags=[TAG],
        summary="Write a note to the referring organisation",
        description="A message on a sent referral, without a status change; it appears in the event stream.",
        request=s.PartnerNoteInputSerializer,
        parameters=[IDEMPOTENCY_KEY, REPLAYED, RETRY_AFTER],
        responses={
            201: s.PartnerChangeResultSerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            422: KEY_REUSED,
            429: THROTTLED,
        },
        examples=[
            OpenApiExample("request", value={"note": "Intake interview booked for 12 March."}, request_only=True),
            OpenApiExample(
                "note added", value={"referral": EXAMPLE_ID, "status": "accepted", "seq": 1044}, response_only=True
            ),
        ],
    )
    @action(detail=True, methods=["post"])
    def notes(self, request: Request, pk: str) -> Response:
        return self._change(pk, services.referral_add_note, s.PartnerNoteInputSerializer, status_code=201)


class PartnerEventViewSet(PartnerViewSet):
    """The change stream of referrals addressed to the token's organisation."""

    serializer_class = s.PartnerEventSerializer

    @extend_schema(
        operation_id="v1_partner_events_list",
        tags=[TAG],
        summary="Pull the event stream",
        description=(
            "Every change to referrals addressed to you (status moves, notes, consent withdrawal or expiry), after "
            "`after`, in order, each once. Events carry no personal data: GET the referral for that."
        ),
        parameters=[s.PageQuerySerializer, RETRY_AFTER],
        responses={200: s.PartnerEventPageSerializer, **READ_ERRORS},
        examples=[
            OpenApiExample(
                "a page",
                value={
                    "results": [
                        {
                            "seq": 1042,
                            "referral": EXAMPLE_ID,
                            "kind": "sent",
                            "from_status": "draft",
                            "to_status": "sent",
                            "note": "",
                            "organisation": "mlsw-vt",
                            "by_you": False,
                            "at": "2026-03-02T08:15:00Z",
                        },
                        {
                            "seq": 1043,
                            "referral": EXAMPLE_ID,
                            "kind": "acknowledged",
                            "from_status": "sent",
                            "to_status": "acknowledged",
                            "note": "",
                            "organisation": "vfi",
                            "by_you": True,
                            "at": "2026-03-02T09:01:12Z",
                        },
                    ],
                    "next_after": 1043,
                    "next": None,
                },
                response_only=True,
            )
        ],
    )
    def list(self, request: Request) -> Response:
        query = self.read_query(s.PageQuerySerializer)
        token, after, size = self.token, query.get("after"), query["page_size"]
        rows = list(selectors.partner_events(organisation=token.organisation, after_seq=after)[: size + 1])
        page, has_more = rows[:size], len(rows) > size
        results = [
            {
                "seq": event.seq,
                "referral": str(event.referral_id),
                "kind": event.kind,
                "from_status": event.from_status,
                "to_status": event.to_status,
                "note": event.note,
                "organisation": event.organisation.code,
                "by_you": event.organisation_id == token.organisation_id,
                "at": event.at,
            }
            for event in page
        ]
        _audit(
            token, AuditAction.LIST, list(dict.fromkeys(str(e.referral_id) for e in page)) or [""], fields=["events"]
        )
        next_after, next_url = self.page_links(
            rows=page, seq_of=lambda event: event.seq, after=after, has_more=has_more
        )
        return Response({"results": results, "next_after": next_after, "next": next_url})


# ================================================================================================
# The token page
# ================================================================================================
