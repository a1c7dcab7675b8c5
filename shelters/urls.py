"""Shelter pages, mounted under /shelters/ (config/urls.py)."""

from django.urls import path, re_path

from shelters import board_views, views
from shelters.imports import views as import_views

app_name = "shelters"

urlpatterns = [
    path("", board_views.shelter_list, name="list"),
    path("<slug:code>/board/", board_views.bed_board, name="board"),
    path("<slug:code>/admit/", board_views.admit, name="admit"),
    path("stays/<uuid:pk>/discharge/", board_views.discharge, name="discharge"),
    path("stays/<uuid:pk>/transfer/", board_views.transfer, name="transfer"),
    path("beds/<uuid:pk>/out-of-service/", board_views.bed_out_of_service, name="bed-out-of-service"),
    path("outages/<uuid:pk>/end/", board_views.bed_back_in_service, name="bed-back-in-service"),
    path("<slug:code>/import/", import_views.upload, name="import"),
    re_path(
        r"^(?P<code>[-\w]+)/import/template\.(?P<fmt>csv|xlsx)$", import_views.template_download, name="import-template"
    ),
    path("imports/<uuid:pk>/", import_views.detail, name="import-detail"),
    path("imports/<uuid:pk>/status/", import_views.status, name="import-status"),
    path("imports/<uuid:pk>/confirm/", import_views.confirm, name="import-confirm"),
    path("imports/<uuid:pk>/undo/", import_views.undo, name="import-undo"),
    path("reports/occupancy/", views.occupancy_report, name="occupancy-report"),
    re_path(
        r"^reports/(?P<report>occupancy|shelter-table|by-year)\.(?P<fmt>csv|xlsx)$",
        views.report_download,
        name="report-download",
    ),
]
