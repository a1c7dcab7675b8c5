"""National statistics pages, mounted under /statistics/ (config/urls.py)."""

from django.urls import path, re_path

from national_statistics import htcds_views, views

app_name = "statistics"

urlpatterns = [
    path("", views.statistics_page, name="page"),
    re_path(
        r"^(?P<table>by-year|child-victims|repatriated|shelter-residents|proceedings|verdicts)\.(?P<fmt>csv|xlsx)$",
        views.statistics_download,
        name="download",
    ),
    path("ctdc/", views.statistics_ctdc_report, name="ctdc-report"),
    re_path(r"^ctdc\.(?P<fmt>csv|xlsx)$", views.statistics_ctdc, name="ctdc"),
    path("htcds/", htcds_views.htcds_page, name="htcds"),
    re_path(r"^htcds/(?P<table>victims|events|perpetrators)\.csv$", htcds_views.htcds_csv, name="htcds-csv"),
    path("htcds.xlsx", htcds_views.htcds_xlsx, name="htcds-xlsx"),
    re_path(r"^charts/(?P<chart>trend|provinces)\.svg$", views.statistics_chart, name="chart"),
]
