"""The HTCDS export's page and downloads (national_statistics.htcds, docs/htcds.md): managers
(their organisations' cases) and statisticians (every case) only; each download is audited."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts.actors import signed_in
from accounts.models import AuditAction
from accounts.services import audit_record
from core.errors import PermissionDenied
from national_statistics import htcds
from national_statistics.permissions import run_statistics, statistics_owners
from national_statistics.queries import Scope
from shelters.exports import XLSX_TYPE, csv_lines


def htcds_scope(user: object) -> Scope:
    if not run_statistics.allows(user, None):
        raise PermissionDenied(_("You cannot export case data."))
    return Scope(owners=statistics_owners(user))


def filename(what: str) -> str:
    return f"htcds_{what}_{timezone.localdate().isoformat()}"


def csv_download(scope: Scope, table: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        csv_lines(htcds.TABLES[table], htcds.rows(table, scope)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename(table)}.csv"'
    return response


def xlsx_download(scope: Scope) -> FileResponse:
    return FileResponse(
        htcds.xlsx_file(scope), as_attachment=True, filename=f"{filename('export')}.xlsx", content_type=XLSX_TYPE
    )


@never_cache
@require_safe
def htcds_page(request: HttpRequest) -> HttpResponse:
    htcds_scope(request.user)
    links = [
        (_("Victims (CSV)"), reverse("statistics:htcds-csv", args=["victims"])),
        (_("Trafficking events (CSV)"), reverse("statistics:htcds-csv", args=["events"])),
        (_("Perpetrators (CSV)"), reverse("statistics:htcds-csv", args=["perpetrators"])),
        (_("All three tables (XLSX)"), reverse("statistics:htcds-xlsx")),
    ]
    return render(request, "statistics/htcds.html", {"links": links})


@never_cache
@require_safe
def htcds_csv(request: HttpRequest, table: str) -> HttpResponseBase:
    scope = htcds_scope(request.user)
    audit_record(actor=signed_in(request), action=AuditAction.EXPORT, object_type="htcds", object_id=f"{table}.csv")
    return csv_download(scope, table)


@never_cache
@require_safe
def htcds_xlsx(request: HttpRequest) -> HttpResponseBase:
    scope = htcds_scope(request.user)
    audit_record(actor=signed_in(request), action=AuditAction.EXPORT, object_type="htcds", object_id="export.xlsx")
    return xlsx_download(scope)
