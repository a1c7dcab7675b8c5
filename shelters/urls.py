"""Shelter pages, mounted under /shelters/ (config/urls.py)."""

from django.urls import path, re_path

from shelters import views

app_name = "shelters"

urlpatterns = [
    path("reports/occupancy/", views.occupancy_report, name="occupancy-report"),
    re_path(
        r"^reports/(?P<report>occupancy|shelter-table|by-year)\.(?P<fmt>csv|xlsx)$",
        views.report_download,
        name="report-download",
    ),
]
