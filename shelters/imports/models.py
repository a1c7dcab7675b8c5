"""What an import did, so that it can be shown, repeated without effect and undone.

A row's key is its `register_ref` within the shelter: a row already imported (by an import that
was not undone) is skipped, so uploading the same file again changes nothing. The unique
constraint makes that a rule of the database, not only of the service."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ImportStatus(models.TextChoices):
    CHECKING = "checking", _("Checking")
    CHECKED = "checked", _("Checked")
    IMPORTING = "importing", _("Importing")
    IMPORTED = "imported", _("Imported")
    UNCHANGED = "unchanged", _("Nothing to change")
    FAILED = "failed", _("Not imported")
    UNDONE = "undone", _("Undone")


class ImportRowStatus(models.TextChoices):
    """What the check or the import found for one row of the file."""

    OK = "ok", _("Ready")
    ERROR = "error", _("Has errors")
    SKIPPED = "skipped", _("Imported before")


class RegisterImport(models.Model):
    """One uploaded register file and what became of it. `content` keeps the file until the
    import is accepted or refused (the worker reads it from here); `results` holds each row's
    outcome and messages (codes and messages only, never a name)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    shelter = models.ForeignKey("shelters.Shelter", on_delete=models.PROTECT, related_name="imports")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField(default=bytes)
    status = models.CharField(max_length=20, choices=ImportStatus.choices, default=ImportStatus.CHECKING)
    row_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    results = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    imported_at = models.DateTimeField(null=True, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        app_label = "shelters"
        ordering = ["-created_at"]


class RegisterImportRow(models.Model):
    """One imported row and the records it created (the undo deletes exactly these)."""

    id = models.BigAutoField(primary_key=True)
    register_import = models.ForeignKey(RegisterImport, on_delete=models.CASCADE, related_name="rows")
    shelter = models.ForeignKey("shelters.Shelter", on_delete=models.PROTECT, related_name="+")
    register_ref = models.CharField(max_length=60)
    line = models.PositiveIntegerField()
    active = models.BooleanField(default=True, help_text=_("False once the import is undone"))
    person = models.ForeignKey("casework.Person", null=True, on_delete=models.SET_NULL, related_name="+")
    case = models.ForeignKey("casework.Case", null=True, on_delete=models.SET_NULL, related_name="+")
    stay = models.ForeignKey("shelters.Stay", null=True, on_delete=models.SET_NULL, related_name="+")
    non_residential = models.ForeignKey(
        "shelters.NonResidentialAssistance", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        app_label = "shelters"
        constraints = [
            models.UniqueConstraint(
                fields=["shelter", "register_ref"], condition=Q(active=True), name="import_row_once_per_shelter"
            )
        ]
