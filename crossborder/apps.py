from django.apps import AppConfig


class CrossborderConfig(AppConfig):
    name = "crossborder"
    verbose_name = "Cross-border referral"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from crossborder import extensions, timeline

        timeline.register()
        extensions.register()
