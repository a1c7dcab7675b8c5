"""Shelter pages, mounted under /shelters/ (config/urls.py)."""

from django.urls import path, re_path

from shelters import board_views, request_views, setup_views, stay_views, views
from shelters.imports import views as import_views

app_name = "shelters"

urlpatterns = [
    path("", board_views.shelter_list, name="list"),
    path("new/", setup_views.shelter_new, name="new"),
    path("<slug:code>/setup/", setup_views.setup, name="setup"),
    path("<slug:code>/setup/describe/", setup_views.shelter_edit, name="edit"),
    path("<slug:code>/setup/rooms/", setup_views.room_add, name="room-add"),
    path("<slug:code>/setup/beds/", setup_views.beds_add, name="beds-add"),
    path("<slug:code>/setup/staff/", setup_views.staff_post, name="staff-post"),
    path("<slug:code>/setup/staff/<uuid:user>/end/", setup_views.staff_unpost, name="staff-unpost"),
    path("beds/<uuid:pk>/retire/", setup_views.bed_retire, name="bed-retire"),
    path("outages/<uuid:pk>/end/", setup_views.outage_end, name="outage-end"),
    path("<slug:code>/board/", board_views.bed_board, name="board"),
    path("<slug:code>/admit/", board_views.admit, name="admit"),
    path("<slug:code>/assistance/", stay_views.non_residential, name="non-residential"),
    path("<slug:code>/requests/", request_views.request_list, name="requests"),
    path("stays/<uuid:pk>/discharge/", board_views.discharge, name="discharge"),
    path("stays/<uuid:pk>/transfer/", board_views.transfer, name="transfer"),
    path("stays/<uuid:pk>/move-bed/", stay_views.move_bed, name="move-bed"),
    path("stays/<uuid:pk>/planned-discharge/", stay_views.planned_discharge, name="planned-discharge"),
    path("beds/<uuid:pk>/out-of-service/", board_views.bed_out_of_service, name="bed-out-of-service"),
    path("cases/<uuid:case_id>/request/", request_views.request_admission, name="request-admission"),
    path("requests/<uuid:pk>/accept/", request_views.request_accept, name="request-accept"),
    path("requests/<uuid:pk>/decline/", request_views.request_decline, name="request-decline"),
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
        r"^reports/(?P<report>occupancy|shelter-table|by-year|utilisation|non-residential)\.(?P<fmt>csv|xlsx)$",
        views.report_download,
        name="report-download",
    ),
]
