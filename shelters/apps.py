from django.apps import AppConfig


class SheltersConfig(AppConfig):
    name = "shelters"
    verbose_name = "Shelters"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from shelters import extensions, group_admission, timeline
        from shelters.reminders import register_rules

        register_rules()
        extensions.register()
        group_admission.register()
        timeline.register()
