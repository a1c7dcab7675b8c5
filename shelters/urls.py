"""Shelter pages, mounted under /shelters/ (config/urls.py)."""

from django.urls import path, re_path

from shelters import board_views, views
from shelters.statistics import views as statistics

app_name = "shelters"

urlpatterns = [
    path("", board_views.shelter_list, name="list"),
    path("<slug:code>/board/", board_views.bed_board, name="board"),
    path("<slug:code>/admit/", board_views.admit, name="admit"),
    path("stays/<uuid:pk>/discharge/", board_views.discharge, name="discharge"),
    path("stays/<uuid:pk>/transfer/", board_views.transfer, name="transfer"),
    path("beds/<uuid:pk>/out-of-service/", board_views.bed_out_of_service, name="bed-out-of-service"),
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
