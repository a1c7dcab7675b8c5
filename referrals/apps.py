from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = "Referrals"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from notifications.registry import register_alert
        from referrals import extensions, services
        from referrals.reminders import register_rules

        register_rules()
        register_alert(*services.OVERRIDE_ALERTS)
        extensions.register()
