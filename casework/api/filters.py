from django.db.models import Exists, OuterRef
from django_filters import rest_framework as filters

from casework.choices import CaseCategory, CaseStatus
from casework.models import Case, CaseFlag


class CaseFilter(filters.FilterSet):
    status = filters.MultipleChoiceFilter(choices=CaseStatus.choices)
    category = filters.MultipleChoiceFilter(choices=CaseCategory.choices)
    province = filters.CharFilter(field_name="person__registration_province__code", label="Registration province code")
    owner = filters.CharFilter(field_name="owner__code", label="Owning organisation code")
    assigned_worker = filters.CharFilter(field_name="assigned_worker__username")
    unassigned = filters.BooleanFilter(field_name="assigned_worker", lookup_expr="isnull")
    child = filters.BooleanFilter(field_name="child_at_identification", label="Child when identified")
    identified_from = filters.DateFilter(field_name="identified_on", lookup_expr="gte")
    identified_to = filters.DateFilter(field_name="identified_on", lookup_expr="lte")
    opened_from = filters.DateFilter(field_name="created_at", lookup_expr="date__gte")
    opened_to = filters.DateFilter(field_name="created_at", lookup_expr="date__lte")
    closure_pending = filters.BooleanFilter(method="filter_closure_pending")
    flagged = filters.BooleanFilter(method="filter_flagged", label="With an open risk flag")

    class Meta:
        model = Case
        fields = ["status", "category", "province", "owner", "assigned_worker", "child"]

    def filter_closure_pending(self, queryset, name, value):  # type: ignore[no-untyped-def]
        pending = queryset.filter(closure_requested_at__isnull=False).exclude(status=CaseStatus.CLOSED)
        return pending if value else queryset.exclude(pk__in=pending.values("pk"))

    def filter_flagged(self, queryset, name, value):  # type: ignore[no-untyped-def]
        open_flag = Exists(CaseFlag.objects.filter(case=OuterRef("pk"), cleared_at__isnull=True))
        return queryset.filter(open_flag if value else ~open_flag)
