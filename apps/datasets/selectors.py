"""Who may read which dataset, and its current release."""

from django.db.models import Max, Q, QuerySet

from apps.datasets.models import (
    Dataset,
    ElementSet,
    RecordVersion,
    Release,
    SpaceObject,
    TableRow,
)


def record_model(dataset: Dataset) -> type[RecordVersion]:
    """The model of a dataset's record versions."""
    return {
        Dataset.Kind.SPACE_OBJECTS: SpaceObject,
        Dataset.Kind.ELEMENT_SETS: ElementSet,
        Dataset.Kind.CURATED_TABLE: TableRow,
    }[dataset.kind]


def datasets_visible_to(user, api_key=None) -> QuerySet[Dataset]:
    """What a person (by their account) or a partner system (by its API key) may read."""
    access = Dataset.Access
    visible = Q(access=access.PUBLIC)
    if api_key is not None:
        organisation = api_key.organisation
        visible |= Q(access=access.REGISTERED)
        if organisation.is_partner:
            visible |= Q(access=access.PARTNERS) | Q(
                access=access.NAMED, named_partners=organisation
            )
        datasets = Dataset.objects.filter(visible)
        scoped = list(api_key.datasets.values_list("pk", flat=True))
        if scoped:
            datasets = datasets.filter(pk__in=scoped)
        return datasets.distinct()
    if user is not None and user.is_authenticated:
        visible |= Q(access=access.REGISTERED)
        organisation = getattr(user, "organisation", None)
        if user.is_staff:
            return Dataset.objects.all()
        if organisation is not None and organisation.is_partner:
            visible |= Q(access=access.PARTNERS) | Q(
                access=access.NAMED, named_partners=organisation
            )
            # Only the named partners' join can repeat a dataset.
            return Dataset.objects.filter(visible).distinct()
    return Dataset.objects.filter(visible)


def release_latest(dataset: Dataset) -> Release | None:
    return Release.objects.filter(dataset=dataset).order_by("-number").first()


# What API listings read of the latest release (ETag, Last-Modified, page cache key), in SQL:
# on every listing request, the ORM took longer to build and compile the query than PostgreSQL
# took to plan and run it (0.5 ms more than this, measured in process).
_LATEST_RELEASE_SQL = (
    'SELECT "id", "number", "created_at", "checksum" FROM "datasets_release"'
    ' WHERE "dataset_id" = %s ORDER BY "number" DESC LIMIT 1'
)


def release_latest_stamp(dataset: Dataset) -> Release | None:
    """The latest release with its number, time and checksum; other fields load when read."""
    release = next(iter(Release.objects.raw(_LATEST_RELEASE_SQL, [dataset.pk])), None)
    if release is not None:
        release.dataset = dataset
    return release


def release_numbers(dataset: Dataset) -> int:
    return Release.objects.filter(dataset=dataset).aggregate(n=Max("number"))["n"] or 0


def catalogue_breakdown(dataset: Dataset) -> dict:
    """Counts for the catalogue page: by object type and by launch year (two queries)."""
    from django.db.models import Count
    from django.db.models.functions import ExtractYear

    from apps.datasets.models import SpaceObject

    current = SpaceObject.objects.filter(dataset=dataset, superseded_in__isnull=True)
    by_type = list(current.values("object_type").annotate(n=Count("id")).order_by("-n"))
    by_year = list(
        current.exclude(launch_date__isnull=True)
        .annotate(year=ExtractYear("launch_date"))
        .values("year")
        .annotate(n=Count("id"))
        .order_by("year")
    )
    return {"by_type": by_type, "by_year": by_year}


def elements_breakdown(dataset: Dataset) -> dict:
    from django.db.models import Count

    from apps.datasets.models import ElementSet

    current = ElementSet.objects.filter(dataset=dataset, superseded_in__isnull=True)
    by_regime = list(current.values("regime").annotate(n=Count("id")).order_by("regime"))
    return {"by_regime": by_regime}


def gabbard_points(dataset: Dataset, name_prefix: str, limit: int = 3000) -> list[tuple]:
    """(period, apogee, perigee) of a debris cloud's current element sets."""
    from apps.datasets.models import ElementSet

    return list(
        ElementSet.objects.filter(
            dataset=dataset, superseded_in__isnull=True, object_name__startswith=name_prefix
        ).values_list("period", "apogee_altitude", "perigee_altitude")[:limit]
    )


def release_numbers_by_id(dataset: Dataset) -> dict[int, int]:
    """{release id: release number}; within a dataset both grow together."""
    return dict(Release.objects.filter(dataset=dataset).values_list("id", "number"))


def release_id_for(dataset: Dataset, number: int) -> int | None:
    """The id of release `number` (0 means "before the first release")."""
    if number == 0:
        return 0
    return (
        Release.objects.filter(dataset=dataset, number=number).values_list("id", flat=True).first()
    )


def record_endpoint(dataset: Dataset) -> str:
    """The API v1 path that lists a dataset's records."""
    if dataset.kind == Dataset.Kind.SPACE_OBJECTS:
        return "/api/v1/objects/"
    if dataset.kind == Dataset.Kind.ELEMENT_SETS:
        return "/api/v1/elements/"
    return f"/api/v1/tables/{dataset.slug}/rows/"


def table_breakdowns(dataset: Dataset, limit: int = 2) -> list[tuple[str, list[tuple[str, int]]]]:
    """Rows per value of the table's enumerated columns (one query each): what a chart shows."""
    from django.db.models import Count
    from django.db.models.fields.json import KeyTextTransform

    from apps.datasets.models import TableRow

    current = TableRow.objects.filter(dataset=dataset, superseded_in__isnull=True)
    charts = []
    for item in dataset.table_schema.get("fields", []):
        if "enum" not in item.get("constraints", {}):
            continue
        counts = (
            current.annotate(value=KeyTextTransform(item["name"], "data"))
            .values("value")
            .annotate(n=Count("id"))
            .order_by("-n", "value")
        )
        charts.append(
            (item.get("title") or item["name"], [(c["value"] or "—", c["n"]) for c in counts])
        )
        if len(charts) == limit:
            break
    return charts


def table_release_rows(dataset: Dataset, release: Release, chunk: int = 2000):
    """A curated table's rows as of `release`, in key order, streamed from the database."""
    from apps.datasets.models import TableRow

    columns = [item["name"] for item in dataset.table_schema.get("fields", [])]
    versions = (
        TableRow.objects.filter(dataset=dataset, appeared_in_id__lte=release.pk)
        .filter(Q(superseded_in__isnull=True) | Q(superseded_in_id__gt=release.pk))
        .order_by("row_key")
        .values_list("data", "appeared_in_id")
    )
    numbers = release_numbers_by_id(dataset)
    for data, appeared_in_id in versions.iterator(chunk_size=chunk):
        yield {**{name: data.get(name) for name in columns}, "release": numbers[appeared_in_id]}
