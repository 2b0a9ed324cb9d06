"""Curated tables in the Wagtail admin: define a table and its schema, upload CSV, read the
row-level report. Thin views over forms.py, services.py and ingest/tables.py."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from apps.datasets.forms import CuratedTableForm, TableUploadForm
from apps.datasets.ingest.tables import max_upload_bytes, max_upload_rows, table_upload
from apps.datasets.models import Dataset, Release, TableUpload
from apps.datasets.services import curated_table_save

UPLOADS_SHOWN = 20


def _require(request, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


def _table(slug: str) -> Dataset:
    return get_object_or_404(Dataset, kind=Dataset.Kind.CURATED_TABLE, slug=slug[:80])


def table_list_view(request):
    _require(request, "datasets.view_tableupload")
    tables = list(Dataset.objects.filter(kind=Dataset.Kind.CURATED_TABLE).order_by("slug"))
    latest: dict[int, Release] = {}
    for release in Release.objects.filter(dataset__in=tables).order_by("dataset_id", "-number"):
        latest.setdefault(release.dataset_id, release)
    rows = [{"table": table, "release": latest.get(table.pk)} for table in tables]
    return render(
        request,
        "datasets/admin/table_list.html",
        {"rows": rows, "can_add": request.user.has_perm("datasets.add_dataset")},
    )


def table_form_view(request, slug: str | None = None):
    instance = _table(slug) if slug else None
    _require(request, "datasets.change_dataset" if instance else "datasets.add_dataset")
    form = CuratedTableForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        table = curated_table_save(form.cleaned_data, instance)
        messages.success(request, _("Table “%(title)s” saved.") % {"title": table.title["en"]})
        return redirect("datasets_table_detail", slug=table.slug)
    return render(request, "datasets/admin/table_form.html", {"form": form, "table": instance})


def table_detail_view(request, slug: str):
    _require(request, "datasets.view_tableupload")
    table = _table(slug)
    form = TableUploadForm()
    if request.method == "POST":
        _require(request, "datasets.add_tableupload")
        form = TableUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload_file = form.cleaned_data["file"]
            upload = table_upload(table, upload_file, filename=upload_file.name, user=request.user)
            if upload.status == TableUpload.Status.REJECTED:
                messages.error(
                    request,
                    _("Nothing was published: %(n)s problems found. See the report below.")
                    % {"n": f"{upload.error_count:,}"},
                )
            elif upload.status == TableUpload.Status.PUBLISHED:
                messages.success(
                    request,
                    _("Release %(number)s published with %(rows)s rows.")
                    % {"number": upload.release.number, "rows": f"{upload.row_count:,}"},
                )
            else:
                messages.info(request, _("Every row is valid and nothing changed: no release."))
            return redirect("datasets_table_upload", slug=table.slug, upload_id=upload.pk)
    uploads = list(table.uploads.select_related("uploaded_by", "release")[:UPLOADS_SHOWN])
    releases = list(Release.objects.filter(dataset=table).order_by("-number")[:20])
    return render(
        request,
        "datasets/admin/table_detail.html",
        {
            "table": table,
            "form": form,
            "uploads": uploads,
            "releases": releases,
            "fields": table.table_schema.get("fields", []),
            "primary_key": table.table_schema.get("primaryKey", []),
            "max_bytes": max_upload_bytes(),
            "max_rows": max_upload_rows(),
            "can_upload": request.user.has_perm("datasets.add_tableupload"),
            "can_change": request.user.has_perm("datasets.change_dataset"),
        },
    )


def table_upload_view(request, slug: str, upload_id: int):
    _require(request, "datasets.view_tableupload")
    table = _table(slug)
    upload = get_object_or_404(TableUpload, dataset=table, pk=upload_id)
    return render(request, "datasets/admin/table_upload.html", {"table": table, "upload": upload})
