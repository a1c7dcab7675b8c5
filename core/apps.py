from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The shared kernel: errors, permissions, transitions, page and API plumbing, request
    context, encrypted fields. It imports no domain app."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "core"
