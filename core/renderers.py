"""The form renderer: widgets render with Jinja2, which Django ships widget templates for and
which renders a select of a few hundred options (each an include) in a fraction of the Django
template engine's time: the case page's forms took half as long. Django's admin has its widget
templates only for the Django engine: those are looked up there."""

from __future__ import annotations

from typing import Any

from django.forms.renderers import DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist


class WidgetRenderer(Jinja2):
    fallback = DjangoTemplates()

    def get_template(self, template_name: str) -> Any:
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self.fallback.get_template(template_name)
