from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "casework"
    verbose_name = "Casework"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from casework import dashboard_reminders
        from casework.reminders import register_rules

        register_rules()
        dashboard_reminders.register()
