"""Query filters, named after the CCSDS/CelesTrak fields in lower case. Anything else is a 400."""

import django_filters
from django import forms
from rest_framework.exceptions import ValidationError

from apps.datasets.models import ElementSet, SpaceObject

MAX_IDS = 1000
# Parameters every list accepts besides the filters.
COMMON_PARAMETERS = {
    "format",
    "cursor",
    "page_size",
    "as_of",
    "history",
    "since",
    "dataset",
    "ordering",
}


class IdListFilter(django_filters.Filter):
    """`norad_cat_id=25544` or `norad_cat_id=25544,48274` (at most 1000)."""

    field_class = forms.CharField

    def filter(self, qs, value):
        if not value:
            return qs
        parts = [p.strip() for p in value.split(",") if p.strip()]
        if len(parts) > MAX_IDS:
            raise ValidationError({self.field_name: [f"At most {MAX_IDS} ids at a time."]})
        try:
            ids = [int(p) for p in parts]
        except ValueError:
            raise ValidationError(
                {self.field_name: ["Give whole numbers separated by commas."]}
            ) from None
        if any(not 1 <= i <= 999_999_999 for i in ids):
            raise ValidationError({self.field_name: ["Catalogue numbers run from 1 to 999999999."]})
        return qs.filter(**{f"{self.field_name}__in": ids})


class _IdentityFilters(django_filters.FilterSet):
    """The identifiers every record carries."""

    norad_cat_id = IdListFilter()
    object_id = django_filters.CharFilter(lookup_expr="iexact", max_length=20)
    object_name = django_filters.CharFilter(lookup_expr="icontains", max_length=100)


class SpaceObjectFilter(_IdentityFilters):
    object_type = django_filters.CharFilter(lookup_expr="iexact", max_length=10)
    owner = django_filters.CharFilter(lookup_expr="iexact", max_length=10)
    decayed = django_filters.BooleanFilter(
        field_name="decay_date", lookup_expr="isnull", exclude=True
    )
    launch_after = django_filters.DateFilter(field_name="launch_date", lookup_expr="gte")
    launch_before = django_filters.DateFilter(field_name="launch_date", lookup_expr="lte")
    perigee_min = django_filters.NumberFilter(field_name="perigee", lookup_expr="gte")
    perigee_max = django_filters.NumberFilter(field_name="perigee", lookup_expr="lte")
    apogee_min = django_filters.NumberFilter(field_name="apogee", lookup_expr="gte")
    apogee_max = django_filters.NumberFilter(field_name="apogee", lookup_expr="lte")

    class Meta:
        model = SpaceObject
        fields: list[str] = []


class ElementSetFilter(_IdentityFilters):
    regime = django_filters.ChoiceFilter(
        choices=[(r, r) for r in ("LEO", "MEO", "GEO", "HEO")], lookup_expr="exact"
    )
    in_leo_protected_region = django_filters.BooleanFilter()
    in_geo_protected_region = django_filters.BooleanFilter()
    epoch_after = django_filters.IsoDateTimeFilter(field_name="epoch", lookup_expr="gte")
    epoch_before = django_filters.IsoDateTimeFilter(field_name="epoch", lookup_expr="lte")
    perigee_min = django_filters.NumberFilter(field_name="perigee_altitude", lookup_expr="gte")
    perigee_max = django_filters.NumberFilter(field_name="perigee_altitude", lookup_expr="lte")
    apogee_min = django_filters.NumberFilter(field_name="apogee_altitude", lookup_expr="gte")
    apogee_max = django_filters.NumberFilter(field_name="apogee_altitude", lookup_expr="lte")

    class Meta:
        model = ElementSet
        fields: list[str] = []


def filters_apply(filterset_class, request, queryset):
    unknown = sorted(
        set(request.query_params) - set(filterset_class.base_filters) - COMMON_PARAMETERS
    )
    if unknown:
        raise ValidationError({name: ["Unknown parameter."] for name in unknown})
    filterset = filterset_class(request.query_params, queryset=queryset)
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    return filterset.qs
