"""National statistics pages, mounted under /statistics/ (config/urls.py)."""

from django.urls import path, re_path

from national_statistics import views

app_name = "statistics"

urlpatterns = [
    path("", views.statistics_page, name="page"),
    re_path(
        r"^(?P<table>by-year|child-victims|repatriated|shelter-residents)\.(?P<fmt>csv|xlsx)$",
        views.statistics_download,
        name="download",
    ),
    path("ctdc/", views.statistics_ctdc_report, name="ctdc-report"),
    re_path(r"^ctdc\.(?P<fmt>csv|xlsx)$", views.statistics_ctdc, name="ctdc"),
    re_path(r"^charts/(?P<chart>trend|provinces)\.svg$", views.statistics_chart, name="chart"),
]
