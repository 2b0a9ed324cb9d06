from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from apps.core.charts import bar_chart, scatter_chart
from apps.datasets.models import Dataset, ElementSet, Release, SpaceObject, TableRow
from apps.datasets.representations import ELEMENT_FIELDS, OBJECT_FIELDS
from apps.datasets.selectors import (
    catalogue_breakdown,
    datasets_visible_to,
    elements_breakdown,
    gabbard_points,
    record_endpoint,
    table_breakdowns,
)

DEBRIS_CLOUDS = ["COSMOS 2251 DEB", "IRIDIUM 33 DEB"]
PREVIEW_ROWS = 10


@require_GET
def dataset_list(request):
    datasets = list(datasets_visible_to(request.user).select_related("publisher").order_by("slug"))
    latest = {}
    for release in Release.objects.filter(dataset__in=datasets).order_by("dataset_id", "-number"):
        latest.setdefault(release.dataset_id, release)
    rows = [{"dataset": d, "release": latest.get(d.pk)} for d in datasets]
    return render(request, "datasets/dataset_list.html", {"rows": rows})


@require_GET
def dataset_detail(request, slug: str):
    dataset = (
        datasets_visible_to(request.user).select_related("publisher").filter(slug=slug[:80]).first()
    )
    if dataset is None:
        raise Http404
    releases = list(Release.objects.filter(dataset=dataset).order_by("-number")[:20])
    charts, preview, columns = [], [], []
    if dataset.kind == Dataset.Kind.SPACE_OBJECTS:
        data = catalogue_breakdown(dataset)
        charts.append(
            (
                "by-type",
                "bar",
                bar_chart(
                    _("Objects by type"),
                    [(row["object_type"] or "?", row["n"]) for row in data["by_type"]],
                ),
            )
        )
        charts.append(
            (
                "by-year",
                "bar",
                bar_chart(
                    _("Objects by launch year"),
                    [(str(row["year"]), row["n"]) for row in data["by_year"]],
                ),
            )
        )
        columns = OBJECT_FIELDS[:8]
        preview = SpaceObject.objects.filter(dataset=dataset, superseded_in__isnull=True)
    elif dataset.kind == Dataset.Kind.CURATED_TABLE:
        for index, (title, counts) in enumerate(table_breakdowns(dataset)):
            charts.append(
                (
                    f"table-{index}",
                    "bar",
                    bar_chart(_("Rows by %(column)s") % {"column": title}, counts),
                )
            )
        columns = [item["name"] for item in dataset.table_schema.get("fields", [])][:8]
        preview = TableRow.objects.filter(dataset=dataset, superseded_in__isnull=True)
    else:
        data = elements_breakdown(dataset)
        charts.append(
            (
                "by-regime",
                "bar",
                bar_chart(
                    _("Objects by orbit regime"),
                    [(row["regime"], row["n"]) for row in data["by_regime"]],
                ),
            )
        )
        for cloud in DEBRIS_CLOUDS:
            points = gabbard_points(dataset, cloud)
            if points:
                charts.append(
                    (
                        f"gabbard-{len(charts)}",
                        "scatter",
                        scatter_chart(
                            _("Gabbard diagram of the %(cloud)s cloud")
                            % {"cloud": cloud.removesuffix(" DEB")},
                            _("orbital period (minutes)"),
                            _("altitude (km)"),
                            [
                                (_("apogee"), [(p, a) for p, a, _q in points]),
                                (_("perigee"), [(p, q) for p, _a, q in points]),
                            ],
                        ),
                    )
                )
        columns = [
            "norad_cat_id",
            "object_name",
            "epoch",
            "regime",
            "perigee_altitude",
            "apogee_altitude",
        ]
        preview = ElementSet.objects.filter(dataset=dataset, superseded_in__isnull=True)
    if dataset.kind == Dataset.Kind.CURATED_TABLE:
        preview_rows = [
            [data.get(name) for name in columns]
            for data in preview.order_by("row_key").values_list("data", flat=True)[:PREVIEW_ROWS]
        ]
    else:
        preview_rows = [
            list(row)
            for row in preview.order_by("norad_cat_id").values_list(*columns)[:PREVIEW_ROWS]
        ]
    endpoint = record_endpoint(dataset)
    formats = ["json", "csv"] + (
        ["xml", "kvn", "tle", "3le"] if dataset.kind == Dataset.Kind.ELEMENT_SETS else []
    )
    return render(
        request,
        "datasets/dataset_detail.html",
        {
            "dataset": dataset,
            "releases": releases,
            "charts": charts,
            "columns": columns,
            "preview_rows": preview_rows,
            "endpoint": endpoint,
            "formats": formats,
            "element_fields": ELEMENT_FIELDS,
        },
    )
