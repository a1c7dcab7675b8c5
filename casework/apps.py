from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "casework"
    verbose_name = "Casework"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from casework import attachment_owners, closure_checks, dashboard_reminders, group_steps, home
        from casework.reminders import register_rules
        from casework.services import attachments, break_glass, flags
        from casework.timeline import CASE_EVENTS
        from casework.views import assessments as assessment_pages
        from casework.views import flags as flag_pages
        from casework.views import journey, legal
        from casework.views import links as link_pages
        from notifications.registry import register_alert

        register_rules()
        register_alert(break_glass.ALERT, flags.ALERT)
        dashboard_reminders.register()
        home.register()
        closure_checks.register()
        journey.register()
        legal.register()
        flag_pages.register()
        assessment_pages.register()
        link_pages.register()
        group_steps.register()
        attachment_owners.register()
        attachments.register()
        # After every app registered its kinds (ready() of the apps above casework runs later).
        post_migrate.connect(CASE_EVENTS.install, sender=self, weak=False)
