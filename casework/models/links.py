"""Linked cases (issue 20.5): siblings, family, people who travelled or were returned together,
victims of the same perpetrator. Every kind holds both ways, so a link is stored once as a group
of cases (two siblings are a group of two; five people returned together, a group of five) and
read the same from each member's case: no pair is stored twice, no direction can disagree.

Who made the group, when and why (the reason: no names, it shows with every member case), and
who added each member when. Who removed a member and why is in the audit log."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from casework.choices import LinkKind


class CaseGroup(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=20, choices=LinkKind.choices)
    reason = models.CharField(max_length=500)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=LinkKind.values), name="case_group_kind_valid"),
            models.CheckConstraint(condition=~Q(reason=""), name="case_group_reason_given"),
        ]


class CaseGroupMember(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    group = models.ForeignKey(CaseGroup, on_delete=models.CASCADE, related_name="members")
    case = models.ForeignKey("casework.Case", on_delete=models.CASCADE, related_name="group_memberships")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [models.UniqueConstraint(fields=["group", "case"], name="case_group_member_once")]
        indexes = [models.Index(fields=["case"], name="case_group_member_case")]
