"""The register import in the staff API (docs/api.md, "Register import"): the same services as
the pages (shelters.imports.services), for the operator's managers.

POST a file (multipart: `shelter`, `file`) and it is checked: a dry run whose answer lists every
row with its line number, status and errors by column code. `confirm` imports a checked file
without errors; a file of more than INLINE_ROWS rows is checked and imported by the worker (202),
the import's `status` and `done` telling its progress. `undo` removes an import within a day.
Shelters are public: a shelter the user may not import into is a 403; an upload outside their
scope is the same 404 as a missing one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.actors import signed_in
from core.api.viewsets import ScopedViewSet
from shelters import permissions
from shelters.imports import services
from shelters.imports.models import ImportRowStatus, RegisterImport
from shelters.models import Shelter

MAX_UPLOAD = 10 * 1024 * 1024


class RowErrorSerializer(serializers.Serializer):
    column = serializers.CharField(help_text="The column's code (register_ref, admitted_on, ...); empty: the row")
    message = serializers.CharField()


class RowSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text="The row's line in the file, the titles being line 1")
    ref = serializers.CharField(help_text="Its register number (the row's key)")
    status = serializers.ChoiceField(ImportRowStatus.choices, help_text="skipped: imported before")
    messages = RowErrorSerializer(many=True)


class RegisterImportSerializer(serializers.ModelSerializer):
    shelter: serializers.SlugRelatedField[Shelter] = serializers.SlugRelatedField(slug_field="code", read_only=True)
    done = serializers.SerializerMethodField(help_text="Rows checked or imported so far (progress)")
    undoable = serializers.SerializerMethodField(help_text="Whether `undo` would be accepted now")

    class Meta:
        model = RegisterImport
        fields = [
            "id",
            "shelter",
            "filename",
            "status",
            "row_count",
            "done",
            "error_count",
            "skipped_count",
            "created_at",
            "imported_at",
            "undone_at",
            "undoable",
        ]
        read_only_fields = fields

    def get_done(self, register_import: RegisterImport) -> int:
        return services.progress_of(register_import)

    def get_undoable(self, register_import: RegisterImport) -> bool:
        return services.undoable(register_import)


class RegisterImportDetailSerializer(RegisterImportSerializer):
    rows = serializers.SerializerMethodField(help_text="Every row's outcome once checked (empty while running)")

    class Meta(RegisterImportSerializer.Meta):
        fields = [*RegisterImportSerializer.Meta.fields, "rows"]
        read_only_fields = fields

    @extend_schema_field(RowSerializer(many=True))
    def get_rows(self, register_import: RegisterImport) -> list[dict[str, Any]]:
        return [
            {
                "line": row["line"],
                "ref": row["ref"],
                "status": row["status"],
                "messages": [{"column": column, "message": message} for column, message in row["errors"]],
            }
            for row in register_import.results
        ]


class ShelterInputSerializer(serializers.Serializer):
    shelter: serializers.SlugRelatedField[Shelter] = serializers.SlugRelatedField(
        slug_field="code", queryset=Shelter.objects.all()
    )


class UploadInputSerializer(ShelterInputSerializer):
    file = serializers.FileField(help_text="The register, .xlsx or .csv (the page's template), at most 10 MB")


class RegisterImportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Register uploads of the shelters whose operator the user manages: `?shelter__code=`,
    `?status=`. The detail lists every row's outcome."""

    permission = permissions.view_register_import
    serializer_class = RegisterImportSerializer
    filterset_fields = {"shelter__code": ["exact"], "status": ["exact"]}

    def base_queryset(self) -> QuerySet[RegisterImport]:
        return RegisterImport.objects.select_related("shelter").defer("content").order_by("-created_at", "id")

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return RegisterImportSerializer if self.action == "list" else RegisterImportDetailSerializer

    @extend_schema(
        request={"multipart/form-data": UploadInputSerializer},
        responses={201: RegisterImportDetailSerializer, 202: RegisterImportDetailSerializer},
    )
    def create(self, request: Request) -> Response:
        """Upload a register: checked at once (201, every row's outcome) or, for a large file, by
        the worker (202: poll the import until its status is `checked`). Nothing is written."""
        actor = signed_in(request)
        if not isinstance(request.data, Mapping):
            raise serializers.ValidationError({"file": [_("Upload a register as an .xlsx or .csv file.")]})
        shelter = self.read_input(ShelterInputSerializer)["shelter"]
        permissions.import_register.require(actor, shelter, _("Only the operator's managers import its registers."))
        file = self.read_input(UploadInputSerializer)["file"]
        if file.size > MAX_UPLOAD:
            raise serializers.ValidationError({"file": [_("A register file may be at most 10 MB.")]})
        register_import = services.import_upload(actor=actor, shelter=shelter, filename=file.name, content=file.read())
        return self._next_step(register_import, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: RegisterImportDetailSerializer, 202: RegisterImportDetailSerializer})
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str) -> Response:
        """Import a checked file without errors, in one transaction (409 otherwise): at once
        (200) or by the worker (202: poll until `imported`, or `failed` with the rows' errors)."""
        register_import = services.import_start(actor=signed_in(request), register_import=self.get_object())
        return self._next_step(register_import, status.HTTP_200_OK)

    @extend_schema(request=None, responses=RegisterImportDetailSerializer)
    @action(detail=True, methods=["post"])
    def undo(self, request: Request, pk: str) -> Response:
        """Remove everything the import created, within a day of it (409 after, or when its
        records have been worked on since)."""
        register_import = services.import_undo(actor=signed_in(request), register_import=self.get_object())
        return self._respond(register_import, status.HTTP_200_OK)

    def _next_step(self, register_import: RegisterImport, done_now: int) -> Response:
        services.import_dispatch(register_import)
        running = register_import.status in services.RUNNING
        return self._respond(register_import, status.HTTP_202_ACCEPTED if running else done_now)

    def _respond(self, register_import: RegisterImport, code: int) -> Response:
        return self.respond(self.base_queryset().get(pk=register_import.pk), RegisterImportDetailSerializer, code)
