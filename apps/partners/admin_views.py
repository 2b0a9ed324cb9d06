"""Partner syncs in the Wagtail admin: sources, "sync now", run history with a chart, and the
records a run rejected. Thin views over forms.py, services.py and selectors.py."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.charts import bar_chart
from apps.partners.forms import SyncSourceForm
from apps.partners.models import SyncRun, SyncSource
from apps.partners.selectors import releases_by_source, runs_recent, sources_overview
from apps.partners.services import source_save, sync_now

REJECTIONS_SHOWN = 500


def _require(request, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


def source_list_view(request):
    _require(request, "partners.view_syncsource")
    return render(
        request,
        "partners/admin/source_list.html",
        {
            "rows": sources_overview(),
            "can_add": request.user.has_perm("partners.add_syncsource"),
        },
    )


def source_form_view(request, pk: int | None = None):
    source = get_object_or_404(SyncSource, pk=pk) if pk else SyncSource()
    _require(request, "partners.change_syncsource" if pk else "partners.add_syncsource")
    form = SyncSourceForm(request.POST or None, instance=source)
    if request.method == "POST" and form.is_valid():
        form.apply_secret()
        source_save(form.instance, list(form.cleaned_data["contacts"]))
        messages.success(request, _("Source “%(name)s” saved.") % {"name": source.name})
        return redirect("partners_source", pk=source.pk)
    return render(request, "partners/admin/source_form.html", {"form": form, "source": source})


def source_detail_view(request, pk: int):
    _require(request, "partners.view_syncsource")
    source = get_object_or_404(SyncSource.objects.select_related("dataset", "organisation"), pk=pk)
    runs = runs_recent(source)
    releases = releases_by_source(source)
    chart = bar_chart(
        _("Records per release from this source"),
        [(f"#{release.number}", release.record_count) for release in releases],
    )
    return render(
        request,
        "partners/admin/source_detail.html",
        {
            "source": source,
            "runs": runs,
            "chart": chart if releases else None,
            "can_run": request.user.has_perm("partners.run_syncsource"),
            "can_change": request.user.has_perm("partners.change_syncsource"),
        },
    )


@require_POST
def source_sync_now_view(request, pk: int):
    _require(request, "partners.run_syncsource")
    source = get_object_or_404(SyncSource, pk=pk)
    run = sync_now(source)
    messages.success(
        request,
        _("Run %(run)s queued; it is skipped, and says so, if another run is in progress.")
        % {"run": run.pk},
    )
    return redirect("partners_source", pk=source.pk)


def run_detail_view(request, pk: int):
    _require(request, "partners.view_syncsource")
    run = get_object_or_404(SyncRun.objects.select_related("source", "release"), pk=pk)
    rejections = list(run.rejections.all()[:REJECTIONS_SHOWN])
    return render(
        request,
        "partners/admin/run_detail.html",
        {"run": run, "rejections": rejections, "shown": len(rejections)},
    )
