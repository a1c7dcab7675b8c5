from django.apps import AppConfig


class NationalStatisticsConfig(AppConfig):
    """National statistics: suppressed aggregates and the CTDC-style export, above casework and
    shelters (they count both). Named so as not to shadow Python's `statistics` module."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "national_statistics"
