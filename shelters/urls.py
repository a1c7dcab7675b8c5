"""Shelter pages, mounted under /shelters/ (config/urls.py)."""

from django.urls import path, re_path

from shelters import views
from shelters.statistics import views as statistics

app_name = "shelters"

urlpatterns = [
    path("reports/occupancy/", views.occupancy_report, name="occupancy-report"),
    re_path(
        r"^reports/(?P<report>occupancy|shelter-table|by-year)\.(?P<fmt>csv|xlsx)$",
        views.report_download,
        name="report-download",
    ),
    path("statistics/", statistics.statistics_page, name="statistics"),
    re_path(
        r"^statistics/(?P<table>by-year|child-victims|repatriated|shelter-residents)\.(?P<fmt>csv|xlsx)$",
        statistics.statistics_download,
        name="statistics-download",
    ),
    path("statistics/ctdc/", statistics.statistics_ctdc_report, name="statistics-ctdc-report"),
    re_path(r"^statistics/ctdc\.(?P<fmt>csv|xlsx)$", statistics.statistics_ctdc, name="statistics-ctdc"),
    re_path(
        r"^statistics/charts/(?P<chart>trend|provinces)\.svg$", statistics.statistics_chart, name="statistics-chart"
    ),
]
