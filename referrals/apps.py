from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = "Referrals"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from notifications.registry import register_alert
        from referrals import extensions, group_referral, services, timeline
        from referrals.reminders import register_rules

        register_rules()
        register_alert(*services.OVERRIDE_ALERTS)
        extensions.register()
        group_referral.register()
        timeline.register()
        post_migrate.connect(timeline.REFERRAL_EVENTS.install, sender=self, weak=False)
