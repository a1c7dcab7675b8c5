"""Read-only reference lists (tier 0) that forms and partner systems need."""

from __future__ import annotations

from django.db import models
from rest_framework import serializers, viewsets

from accounts.models import Country
from casework.models import BorderPoint, Ethnicity, ExploitationForm, Indicator, ServiceType


def reference_viewset(model: type[models.Model], fields: list[str], doc: str) -> type[viewsets.ReadOnlyModelViewSet]:
    """One read-only, unpaginated list per lookup table, keyed by its code."""
    meta = type("Meta", (), {"model": model, "fields": fields})
    serializer = type(f"{model.__name__}Serializer", (serializers.ModelSerializer,), {"Meta": meta})
    active = {"active": True} if any(f.name == "active" for f in model._meta.fields) else {}
    return type(
        f"{model.__name__}ViewSet",
        (viewsets.ReadOnlyModelViewSet,),
        {
            "__doc__": doc,
            "serializer_class": serializer,
            "queryset": model._default_manager.filter(**active),
            "lookup_field": "code",
            "pagination_class": None,
            "filter_backends": [],
        },
    )


LOOKUP = ["code", "name_en", "name_lo"]
ExploitationFormViewSet = reference_viewset(ExploitationForm, [*LOOKUP, "htcds", "kind"], "Forms of exploitation.")
ServiceTypeViewSet = reference_viewset(ServiceType, [*LOOKUP, "health"], "Services a victim has a right to.")
BorderPointViewSet = reference_viewset(BorderPoint, [*LOOKUP, "country"], "Border points for handovers.")
EthnicityViewSet = reference_viewset(Ethnicity, [*LOOKUP, "family"], "Ethnic groups of Lao PDR.")
CountryViewSet = reference_viewset(Country, LOOKUP, "Countries (ISO 3166-1 alpha-2; XX = stateless).")
IndicatorViewSet = reference_viewset(
    Indicator,
    ["code", "element", "dimension", "strength", "applies_to", "exploitation_kind", "text_en", "text_lo"],
    "Screening indicators (ILO/EC 2009, COMMIT, local red flags).",
)
