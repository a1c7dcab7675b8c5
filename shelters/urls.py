"""Shelter pages, mounted under /shelters/ (config/urls.py)."""

from django.urls import path, re_path

from shelters import board_views, views

app_name = "shelters"

urlpatterns = [
    path("", board_views.shelter_list, name="list"),
    path("<slug:code>/board/", board_views.bed_board, name="board"),
    path("<slug:code>/admit/", board_views.admit, name="admit"),
    path("stays/<uuid:pk>/discharge/", board_views.discharge, name="discharge"),
    path("stays/<uuid:pk>/transfer/", board_views.transfer, name="transfer"),
    path("beds/<uuid:pk>/out-of-service/", board_views.bed_out_of_service, name="bed-out-of-service"),
    path("outages/<uuid:pk>/end/", board_views.bed_back_in_service, name="bed-back-in-service"),
    path("reports/occupancy/", views.occupancy_report, name="occupancy-report"),
    re_path(
        r"^reports/(?P<report>occupancy|shelter-table|by-year)\.(?P<fmt>csv|xlsx)$",
        views.report_download,
        name="report-download",
    ),
]
