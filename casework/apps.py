from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "casework"
    verbose_name = "Casework"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts.reminders.registry import register_alert
        from casework import dashboard_reminders
        from casework.reminders import register_rules
        from casework.services import break_glass

        register_rules()
        register_alert(break_glass.ALERT)
        dashboard_reminders.register()
