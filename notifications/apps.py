from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """The reminder engine, alerts and their delivery. Its tables stay in accounts (see
    accounts/models.py) so that their migration history does not move."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"
