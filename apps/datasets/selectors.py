"""Who may read which dataset, and its current release."""

from django.db.models import Max, Q, QuerySet

from apps.datasets.models import Dataset, Release


def datasets_visible_to(user) -> QuerySet[Dataset]:
    access = Dataset.Access
    visible = Q(access=access.PUBLIC)
    if user is not None and user.is_authenticated:
        visible |= Q(access=access.REGISTERED)
        organisation = getattr(user, "organisation", None)
        if user.is_staff:
            return Dataset.objects.all()
        if organisation is not None and organisation.is_partner:
            visible |= Q(access=access.PARTNERS) | Q(
                access=access.NAMED, named_partners=organisation
            )
    return Dataset.objects.filter(visible).distinct()


def release_latest(dataset: Dataset) -> Release | None:
    return Release.objects.filter(dataset=dataset).order_by("-number").first()


def release_numbers(dataset: Dataset) -> int:
    return Release.objects.filter(dataset=dataset).aggregate(n=Max("number"))["n"] or 0
