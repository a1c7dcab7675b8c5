from django.apps import AppConfig


class OfflineConfig(AppConfig):
    name = "offline"
    verbose_name = "Offline field work"
    default_auto_field = "django.db.models.BigAutoField"
