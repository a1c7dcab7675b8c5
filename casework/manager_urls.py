"""Manager pages, mounted under /manage/ (config/urls.py)."""

from django.urls import path

from casework.views import manager as manager_views

app_name = "manage"

urlpatterns = [
    path("workload/", manager_views.team_workload, name="workload"),
    path("closures/", manager_views.closure_approvals, name="closures"),
    path("closures/<uuid:pk>/<slug:decision>/", manager_views.closure_decide, name="closure-decide"),
    path("reopenings/", manager_views.reopen_approvals, name="reopenings"),
    path("reopenings/<uuid:pk>/<slug:decision>/", manager_views.reopen_decide, name="reopen-decide"),
    path("plans/", manager_views.plan_approvals, name="plans"),
    path("emergency-access/", manager_views.emergency_access, name="emergency-access"),
]
