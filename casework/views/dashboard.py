"""The first page after login, by role: my open cases; for a manager, the decisions waiting and
the numbers that matter, each linking to its list (casework.home); and the panels other apps add
(referrals waiting, due reminders, consent overrides, tonight's beds) through casework.extensions."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from accounts.models import Role
from casework import extensions, home, permissions, selectors
from casework.choices import CaseStatus
from core.permissions import has_role

MY_CASES_SHOWN = 20
CASE_ROLES = (Role.SOCIAL_WORKER, Role.COUNSELLOR, Role.POLICE, Role.MANAGER)


@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    mine = list(
        selectors.case_list(user=user)
        .filter(assigned_worker_id=user.pk)
        .exclude(status=CaseStatus.CLOSED)[: MY_CASES_SHOWN + 1]
    )
    more = len(mine) > MY_CASES_SHOWN
    mine = mine[:MY_CASES_SHOWN]
    selectors.record_identity_read(user=user, objects=[case.person for case in mine])
    return render(
        request,
        "casework/dashboard.html",
        {
            "my_cases": mine,
            "more_cases": more,
            "can_open": permissions.can_open_case(user),
            # Partners and statisticians hold no case: their home leads to their own work instead.
            "works_cases": bool(mine) or has_role(user, *CASE_ROLES),
            "panels": extensions.dashboard_panels(request),
            "manager": home.manager_home(user=user),
            "organisation": user.organisation,  # type: ignore[union-attr]
            "transfers_waiting": selectors.transfers_waiting(user=user).count()
            if has_role(user, *permissions.TRANSFER_DECIDERS)
            else None,
        },
    )
