import csv

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from apps.accounts.models import Organisation
from apps.core.charts import bar_chart
from apps.courses.reports import course_statistics, organisation_progress
from apps.courses.translation_status import translation_gaps

# Spreadsheet programs run cells that start with these as formulas (CSV injection).
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_PREFIXES) else text


def _organisation_for(request) -> Organisation:
    user = request.user
    slug = request.GET.get("organisation")
    if slug and user.has_perm("accounts.view_organisation_progress") and user.is_staff:
        return get_object_or_404(Organisation, slug=slug[:80])
    if user.is_coordinator:
        return user.organisation
    raise PermissionDenied


@login_required
@require_GET
def organisation_report(request):
    """A coordinator's view of their organisation's staff: progress, completion, gain."""
    organisation = _organisation_for(request)
    rows = organisation_progress(organisation=organisation)
    if request.GET.get("format") == "csv":
        return _csv(organisation, rows)
    if request.GET.get("format") not in (None, ""):
        raise Http404
    chart = bar_chart(
        _("Progress per person and course (%)"),
        [(f"{row.member.get_short_name()} · {row.course.title}", row.percent) for row in rows],
        maximum=100,
        unit="%",
    )
    return render(
        request,
        "courses/organisation_report.html",
        {"organisation": organisation, "rows": rows, "chart": chart},
    )


def _csv(organisation: Organisation, rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="progress-{organisation.slug}.csv"'
    response.write("\ufeff")  # so spreadsheet programs read UTF-8 names correctly
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Name"),
            _("Email"),
            _("Course"),
            _("Enrolled"),
            _("Lessons done"),
            _("Lessons in course"),
            _("Progress (%)"),
            _("Completed"),
            _("Pre-assessment (%)"),
            _("Post-assessment (%)"),
            _("Learning gain (points)"),
        ]
    )
    for row in rows:
        writer.writerow(
            [
                _cell(row.member.name),
                _cell(row.member.email),
                _cell(row.course.title),
                row.enrolled_on.isoformat(),
                row.lessons_done,
                row.lessons_total,
                row.percent,
                row.completed_on.isoformat() if row.completed_on else "",
                _cell(row.pre_score),
                _cell(row.post_score),
                _cell(row.gain),
            ]
        )
    return response


def course_statistics_view(request):
    """Staff statistics in the Wagtail admin (registered in wagtail_hooks)."""
    if not request.user.has_perm("courses.view_course_reports"):
        raise PermissionDenied
    stats = course_statistics()
    charts = []
    for index, entry in enumerate(stats):
        charts.append(
            {
                "entry": entry,
                "by_country": bar_chart(
                    _("Enrolments by country"),
                    [(code, values[0]) for code, values in entry.by_country.items()],
                ),
                "by_month": bar_chart(
                    _("Enrolments by month"), list((entry.by_month or {}).items())
                ),
                "country_id": f"country-{index}",
                "month_id": f"month-{index}",
            }
        )
    overview = bar_chart(
        _("Completion rate per course (%)"),
        [(entry.course.title, entry.completion_rate) for entry in stats],
        maximum=100,
        unit="%",
    )
    return render(
        request, "courses/admin/course_statistics.html", {"charts": charts, "overview": overview}
    )


def translation_status_view(request):
    """Per language: course pages not yet translated, or changed in English since."""
    if not request.user.has_perm("wagtailadmin.access_admin"):
        raise PermissionDenied
    gaps = translation_gaps()
    languages: dict[str, dict] = {}
    for gap in gaps:
        entry = languages.setdefault(gap.language, {"missing": [], "outdated": []})
        entry[gap.status].append(gap)
    return render(
        request, "courses/admin/translation_status.html", {"languages": sorted(languages.items())}
    )
