from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "casework"
    verbose_name = "Casework"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from casework import dashboard_reminders
        from casework.reminders import register_rules
        from casework.services import break_glass
        from notifications.registry import register_alert

        register_rules()
        register_alert(break_glass.ALERT)
        dashboard_reminders.register()
