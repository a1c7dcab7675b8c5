from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = "Referrals"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from referrals import extensions
        from referrals.reminders import register_rules

        register_rules()
        extensions.register()
