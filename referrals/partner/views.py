"""The partner API (token-authenticated JSON under /api/v1/partner/) and the token page (a
staff page under /partner/tokens/).

The API views take only `PartnerTokenAuthentication` (a staff session is ignored there), read
through `referrals.permissions.referrals_for_token` and `referrals.selectors`, write through
`referrals.services` with `token=`, and answer with the JSON error shape of accounts.api.errors.
Every call leaves audit rows: reads here (one INSERT per page), changes in the services, and
refusals (403/404) here, each naming the token's prefix.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime, time, timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied as PagePermissionDenied
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers as drf_serializers
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from accounts.api.parsers import JSONParser
from accounts.context import current as current_request
from accounts.errors import ApplicationError, NotFound
from accounts.models import AuditAction, AuditEvent, Organisation
from accounts.services import audit_text
from referrals import permissions, selectors, services
from referrals.models import PartnerToken, Referral, ReferralEvent
from referrals.partner import idempotency, tokens
from referrals.partner import serializers as s
from referrals.partner.authentication import HasPartnerToken, PartnerTokenAuthentication
from referrals.partner.throttling import PartnerTokenThrottle

# ================================================================================================
# The API
# ================================================================================================

TAG = "partner"
EXAMPLE_ID = "5b0f6c1e-8f0a-4d1b-9a8e-2f6c3d7b9a10"
EXAMPLE_REFERRAL = {
    "id": EXAMPLE_ID,
    "case_code": "VT-2026-00042",
    "status": "sent",
    "from_organisation": "mlsw-vt",
    "to_organisation": "vfi",
    "services": ["shelter", "vocational_training"],
    "urgency": "high",
    "reason": "Needs a safe place and training after return from Thailand.",
    "sent_at": "2026-03-02T08:15:00Z",
    "acknowledge_due_at": "2026-03-05T08:15:00Z",
    "answer_due_at": "2026-03-09T08:15:00Z",
    "decline_reason": "",
    "outcome": "",
    "change_seq": 1042,
    "consent_status": "active",
    "disclosed_categories": ["identity", "language"],
    "identity": {
        "given_name_lo": "ນ້ອຍ",
        "family_name_lo": "",
        "given_name_latin": "Noy",
        "family_name_latin": "Example",
        "sex": "female",
        "age": 17,
        "age_estimated": False,
        "child": True,
    },
    "language": {"languages": ["lo", "th"], "interpreter_needed": False, "interpreter_language": ""},
}
EXAMPLE_WITHDRAWN = {
    **{key: value for key, value in EXAMPLE_REFERRAL.items() if key not in ("identity", "language")},
    "change_seq": 1107,
    "consent_status": "withdrawn",
    "disclosed_categories": [],
}


def _error(description: str, **examples: tuple[str, str, dict[str, list[str]]]) -> OpenApiResponse:
    """An error answer in the schema: the shared JSON error shape, one example per
    `name=(detail, code, field errors)` (underscores in the name read as spaces)."""
    return OpenApiResponse(
        s.PartnerErrorSerializer,
        description=description,
        examples=[
            OpenApiExample(name.replace("_", " "), value={"detail": detail, "code": code, "errors": errors})
            for name, (detail, code, errors) in examples.items()
        ],
    )


UNAUTHENTICATED = _error(
    "No token, or an unknown, revoked or expired one (`WWW-Authenticate: Bearer`).",
    unauthenticated=("Invalid, expired or revoked token.", "authentication_failed", {}),
)
NOT_FOUND = _error(
    "No such referral, or not addressed to your organisation (the two look the same).",
    not_found=("Not found.", "not_found", {}),
)
THROTTLED = _error(
    "Over the token's quota (default 120 requests a minute); retry after `Retry-After` seconds.",
    throttled=("Request was throttled. Expected available in 21 seconds.", "throttled", {}),
)
BAD_REQUEST = _error(
    "Invalid input, a missing Idempotency-Key, or a status change the lifecycle does not allow.",
    not_allowed_now=(
        "Cannot change status from sent to in_progress.",
        "invalid",
        {"status": ["Not allowed from the current status."]},
    ),
    no_idempotency_key=(
        "Send an Idempotency-Key header with every change, and the same key when you retry it.",
        "invalid",
        {"Idempotency-Key": ["This header is required."]},
    ),
)
FORBIDDEN = _error("The token was revoked while the request ran.")
CONFLICT = _error(
    "Someone else changed the referral's status first; GET it and decide again.",
    conflict=("Someone else changed this first.", "conflict", {}),
)
KEY_REUSED = _error(
    "This Idempotency-Key was already used for a different request.",
    key_reused=(
        "This Idempotency-Key was already used for a different request. Use a new key for every "
        "new change, and the same key only to retry the same change.",
        "idempotency_key_reused",
        {"Idempotency-Key": ["Already used for a different request."]},
    ),
)
READ_ERRORS = {400: BAD_REQUEST, 401: UNAUTHENTICATED, 429: THROTTLED}
RETRY_AFTER = OpenApiParameter(
    "Retry-After", int, OpenApiParameter.HEADER, response=[429], description="Seconds to wait before retrying."
)
IDEMPOTENCY_KEY = OpenApiParameter(
    idempotency.HEADER,
    str,
    OpenApiParameter.HEADER,
    required=True,
    pattern=idempotency.KEY_PATTERN,
    description=(
        "A new unique value (a UUID) for every change; the same value when you retry that change. A retry gets the "
        "first answer again with `Idempotent-Replayed: true`; the same key with a different body answers 422."
    ),
    examples=[OpenApiExample("a UUID", value="0f8fad5b-d9cb-469f-a165-70867728950e")],
)
REPLAYED = OpenApiParameter(
    idempotency.REPLAYED_HEADER,
    str,
    OpenApiParameter.HEADER,
    enum=["true"],
    response=[200, 201],
    description="Present on a replayed answer to a retried request: the change was made by the first request.",
)


def _change_schema(
    summary: str, description: str, request: Any = None, request_example: dict[str, Any] | None = None, *, to: str
) -> Callable[[Any], Any]:
    examples = [
        OpenApiExample("changed", value={"referral": EXAMPLE_ID, "status": to, "seq": 1043}, response_only=True)
    ]
    if request_example is not None:
        examples.append(OpenApiExample("request", value=request_example, request_only=True))
    return extend_schema(
        tags=[TAG],
        summary=summary,
        description=description,
        request=request,
        parameters=[IDEMPOTENCY_KEY, REPLAYED, RETRY_AFTER],
        responses={
            200: s.PartnerChangeResultSerializer,
            400: BAD_REQUEST,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
            422: KEY_REUSED,
            429: THROTTLED,
        },
        examples=examples,
    )


class PartnerAutoSchema(AutoSchema):
    """The partner lists answer one page object (results, next_after, next), not a bare array:
    the schema must not wrap their response in a list as it does for a viewset's `list`. (The
    list operations name their operationId themselves, which drf-spectacular derives from this.)"""

    def _is_list_view(self, serializer: Any = None) -> bool:
        return False


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
    context = current_request()
    reason = f"partner token {token.prefix}" + (f": {note}" if note else "")
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                actor=None,
                organisation_id=token.organisation_id,
                action=action,
                object_type=Referral._meta.label_lower,
                object_id=audit_text(object_id)[:64],  # a refused URL's id is whatever was sent
                fields=sorted(set(fields)),
                ip_address=context.ip_address,
                request_id=context.request_id,
                reason=reason,
            )
            for object_id in object_ids
        ]
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

    @_change_schema(
        "Acknowledge a referral",
        "You have received it (`sent` → `acknowledged`). Say so within the acknowledge due time.",
        to="acknowledged",
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str) -> Response:
        return self._change(pk, services.referral_acknowledge)

    @_change_schema(
        "Accept a referral",
        "You will provide the service (`acknowledged` → `accepted`; from `sent` the acknowledgement is recorded "
        "first).",
        to="accepted",
    )
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        return self._change(pk, services.referral_accept)

    @_change_schema(
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

    @_change_schema("Start the service", "`accepted` → `in_progress`.", to="in_progress")
    @action(detail=True, methods=["post"])
    def start(self, request: Request, pk: str) -> Response:
        return self._change(pk, services.referral_start)

    @_change_schema(
        "Complete the service",
        "`in_progress` → `completed`, with what the service achieved.",
        s.PartnerOutcomeInputSerializer,
        {"outcome": "Finished a six-month sewing course; placed with an employer in Pakse."},
        to="completed",
    )
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str) -> Response:
        return self._change(pk, services.referral_complete, s.PartnerOutcomeInputSerializer)

    @_change_schema(
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


class TokenCreateForm(forms.Form):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=gettext_lazy("Organisation"))
    name = forms.CharField(
        max_length=tokens.NAME_MAX_LENGTH,
        label=gettext_lazy("Name"),
        help_text=gettext_lazy("The system that will use the token, for example “case system sync”."),
    )
    expires_on = forms.DateField(
        required=False,
        label=gettext_lazy("Expires on (optional)"),
        help_text=gettext_lazy("The token stops working at the end of this day."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = list(organisations[:2])
        self.single = choices[0] if len(choices) == 1 else None
        if self.single is not None:
            # A partner's own staff manage one organisation: nothing to choose.
            del self.fields["organisation"]
        else:
            self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]

    def chosen_organisation(self) -> Organisation:
        return self.single or self.cleaned_data["organisation"]

    def expires_at(self) -> datetime | None:
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


@never_cache  # the answer to "create" holds the plaintext: no cache may keep it
@require_http_methods(["GET", "POST"])
def token_page(request: HttpRequest) -> HttpResponse:
    """List, create (plaintext shown once, in this response only) and revoke the partner API
    tokens of the caller's organisation (admins: of every partner NGO)."""
    user = request.user
    if not tokens.manage_partner_token.allows(user, None):
        raise PagePermissionDenied
    organisations = tokens.token_organisations(user=user)
    context: dict[str, Any] = {}
    form = TokenCreateForm(organisations=organisations)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "revoke":
            token = tokens.token_list(user=user).filter(pk=_uuid_or_404(request.POST.get("token"))).first()
            if token is None:
                raise Http404
            tokens.token_revoke(actor=user, token=token)
            messages.success(request, _("Token %(prefix)s… revoked.") % {"prefix": token.prefix})
            return redirect(request.path)
        if action != "create":
            return HttpResponse(status=400)
        form = TokenCreateForm(request.POST, organisations=organisations)
        if form.is_valid():
            try:
                new_token, plaintext = tokens.token_issue(
                    actor=user,
                    organisation=form.chosen_organisation(),
                    name=form.cleaned_data["name"],
                    expires_at=form.expires_at(),
                )
            except ApplicationError as error:
                for field, errors in error.fields.items():
                    name = {"expires_at": "expires_on"}.get(field, field)
                    for message in errors:
                        form.add_error(name if name in form.fields else None, message)
                if not error.fields:
                    form.add_error(None, error.message)
                status = 400
            else:
                context.update(new_token=new_token, plaintext=plaintext)
                form = TokenCreateForm(organisations=organisations)
        else:
            status = 400
    context.update(
        form=form,
        tokens=tokens.token_list(user=user),
        show_organisation=form.single is None,
        now=timezone.now(),
    )
    return render(request, "referrals/partner_tokens.html", context, status=status)


def _uuid_or_404(value: str | None) -> str:
    try:
        return str(uuid.UUID(str(value)))
    except ValueError as error:
        raise Http404 from error
