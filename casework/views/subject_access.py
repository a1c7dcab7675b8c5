"""The subject access download on the case page: everything Pathway holds about the case's
person, as a JSON file, for a manager over one of the person's cases (the service checks and
audits; 404 outside scope, 403 for others and for a child's record)."""

from __future__ import annotations

from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import FileResponse, HttpRequest, JsonResponse
from django.views.decorators.http import require_safe

from accounts.actors import signed_in
from casework import permissions
from casework.models import Case
from casework.services.subject_access import subject_access_archive, subject_access_export


@require_safe
def subject_access(request: HttpRequest, case_id: Any) -> JsonResponse:
    case = permissions.view_case.get(request.user, Case.objects.select_related("person"), pk=case_id)
    document = subject_access_export(actor=signed_in(request), person=case.person)
    response = JsonResponse(document, encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="{case.person.case_code}-subject-access.json"'
    response["Cache-Control"] = "no-store"
    return response


@require_safe
def subject_access_zip(request: HttpRequest, case_id: Any) -> FileResponse:
    """The same export with the person's attached files that the manager may read, as a ZIP."""
    case = permissions.view_case.get(request.user, Case.objects.select_related("person"), pk=case_id)
    archive = subject_access_archive(actor=signed_in(request), person=case.person)
    name = f"{case.person.case_code}-subject-access.zip"
    response = FileResponse(archive, as_attachment=True, filename=name, content_type="application/zip")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
