"""Attached files over the API: list (filter by case, person or owner), upload (multipart), the
file itself (`download/`, checked and audited at that moment, as on the pages) and deletion with
a reason (`delete/`). The same services as the case page's Files tab."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.actors import signed_in
from casework.attachment_permissions import may_attach, view_attachment
from casework.models import Attachment, AttachmentKind
from casework.services import attachments
from casework.views.attachments import file_response
from core import uploads
from core.api.viewsets import ScopedViewSet
from core.errors import PermissionDenied


class AttachmentSerializer(serializers.ModelSerializer[Attachment]):
    added_by = serializers.SlugRelatedField[Any](slug_field="username", read_only=True)

    class Meta:
        model = Attachment
        fields = [
            "id",
            "person",
            "case",
            "owner_type",
            "owner_id",
            "kind",
            "tier",
            "description",
            "content_type",
            "size",
            "added_by",
            "added_at",
        ]
        read_only_fields = fields


class AttachmentUploadSerializer(serializers.Serializer[Any]):
    owner_type = serializers.ChoiceField(
        choices=["person", "case", "screening", "service", "referral", "repatriation_step", "stay"],
        help_text="What the file belongs to (owner_id is that record's id).",
    )
    owner_id = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=AttachmentKind.choices)
    description = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    file = serializers.FileField(
        allow_empty_file=True, help_text="PDF, JPEG, PNG, HEIC, DOCX or ODT; at most ATTACHMENT_MAX_BYTES (20 MB)."
    )


class AttachmentDeleteSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=500)


class AttachmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Files the caller may read now: with the record they belong to, health files (medical
    documents, files of health services) never for police; a referral's receiver only the files
    the consent covers."""

    permission = view_attachment
    serializer_class = AttachmentSerializer
    filterset_fields = ["case", "person", "owner_type", "owner_id", "kind"]

    def base_queryset(self) -> QuerySet[Attachment]:
        return Attachment.objects.select_related("added_by").order_by("-added_at", "id")

    @extend_schema(
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={201: AttachmentSerializer},
        description="Upload a file (multipart/form-data). The type is read from the content; images are "
        "re-encoded without their metadata; a PDF with JavaScript or embedded files is refused (400).",
    )
    def create(self, request: Request) -> Response:
        if not may_attach(request.user):
            raise PermissionDenied(_("You cannot add files."))
        data = self.read_input(AttachmentUploadSerializer)
        attachment = attachments.attachment_add(actor=signed_in(request), **data)
        return self.respond(attachment, AttachmentSerializer, status.HTTP_201_CREATED)

    @extend_schema(
        responses={
            (200, mime): OpenApiResponse(OpenApiTypes.BINARY, description="The file, as a download")
            for mime in uploads.EXTENSIONS
        }
    )
    @action(detail=True, methods=["get"])
    def download(self, request: Request, pk: str) -> Any:
        """The file itself, served as a download; every download is recorded."""
        attachment, content = attachments.attachment_read(actor=signed_in(request), attachment_id=pk)
        return file_response(attachment, content)

    @extend_schema(request=AttachmentDeleteSerializer, responses={204: None})
    @action(detail=True, methods=["post"], url_path="delete")
    def delete_file(self, request: Request, pk: str) -> Response:
        """Delete the file, saying why: the record of who deleted it and why stays."""
        reason = self.read_input(AttachmentDeleteSerializer)["reason"]
        attachments.attachment_delete(actor=signed_in(request), attachment_id=self.get_object().pk, reason=reason)
        return Response(status=status.HTTP_204_NO_CONTENT)
