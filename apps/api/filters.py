"""Query filters, named after the CCSDS/CelesTrak fields in lower case. Anything else is a 400."""

import copy

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


class _ShallowCopied(dict):
    """Filters a FilterSet copies for each request: one level deep is enough (each copy gets
    its own `parent` and `model`; nothing else is changed), where a deep copy walks every
    filter's options on every request."""

    def __deepcopy__(self, memo):
        return {name: copy.copy(value) for name, value in self.items()}


class _FilterSet(django_filters.FilterSet):
    """A FilterSet that makes a form of only the filters a request names, and builds each such
    form class once, not on every request: building one makes every filter's form field and
    label again (about a third of an API page's Python time), and each form copies and cleans
    all its fields. A filter left out does nothing (each passes an empty value through). The
    fields are only templates; each form copies them when it is made."""

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        if data is not None and self.form_prefix is None:  # with a prefix, keys differ
            self.filters = {name: each for name, each in self.filters.items() if name in data}

    @classmethod
    def get_filters(cls):
        return _ShallowCopied(super().get_filters())

    def get_form_class(self):
        cls = type(self)
        if "_form_classes" not in cls.__dict__:
            cls._form_classes = {}
        names = tuple(self.filters)
        form_class = cls._form_classes.get(names)
        if form_class is None:
            form_class = super().get_form_class()
            if len(cls._form_classes) < FORM_CLASSES_KEPT:
                cls._form_classes[names] = form_class
        return form_class


FORM_CLASSES_KEPT = 256  # sets of filters asked together, per filter set


class _IdentityFilters(_FilterSet):
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
    if not set(request.query_params) & set(filterset_class.base_filters):
        return queryset  # no filter asked for: nothing to validate or apply
    filterset = filterset_class(request.query_params, queryset=queryset)
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    return filterset.qs
