"""Pages outside the page tree: the learner's dashboard and certificates."""

import re

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_GET

from apps.courses.models import Certificate, CourseObjective, CoursePage, Enrolment, LessonPage
from apps.courses.selectors import (
    course_lesson_counts,
    learning_gain,
    pages_in_active_language,
)

CODE_PATTERN = re.compile(r"^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$")


@login_required
@require_GET
def dashboard(request):
    """Enrolled courses with progress, the lesson to resume, certificates and objective scores."""
    enrolments = list(
        Enrolment.objects.filter(user=request.user)
        .select_related("certificate")
        .prefetch_related("completions", "attempts")
        .order_by("-last_visited_at", "-enrolled_at")
    )
    courses = pages_in_active_language(CoursePage.objects.all(), [e.course_key for e in enrolments])
    lessons = pages_in_active_language(
        LessonPage.objects.defer_streamfields(),
        [e.last_lesson_key for e in enrolments if e.last_lesson_key],
    )
    lesson_counts = course_lesson_counts(list(courses.values()))
    objectives_by_page: dict = {}
    for objective in CourseObjective.objects.filter(page__in=list(courses.values())):
        objectives_by_page.setdefault(objective.page_id, []).append(objective)
    rows = []
    for enrolment in enrolments:
        course = courses.get(enrolment.course_key)
        if course is None:
            continue
        total = lesson_counts.get(course.pk, 0)
        done = len(enrolment.completions.all())
        objectives = objectives_by_page.get(course.pk, [])
        rows.append(
            {
                "enrolment": enrolment,
                "course": course,
                "done": done,
                "total": total,
                "percent": round(100 * done / total) if total else 0,
                "resume": lessons.get(enrolment.last_lesson_key),
                "gain": learning_gain(enrolment, objectives),
                "certificate": getattr(enrolment, "certificate", None),
            }
        )
    return render(request, "courses/dashboard.html", {"rows": rows})


@require_GET
def certificate_verify(request, code: str | None = None):
    """Public: anyone holding a code learns whether the certificate is valid, revoked or unknown."""
    code = (code or request.GET.get("code", "")).strip().upper()[:20]
    if code and CODE_PATTERN.match(code) and "code" in request.GET:
        return redirect("courses:certificate_verify", code=code)
    certificate = (
        Certificate.objects.filter(code=code).first() if CODE_PATTERN.match(code) else None
    )
    status = 200 if certificate or not code else 404
    return render(
        request,
        "courses/certificate_verify.html",
        {"code": code, "certificate": certificate, "looked_up": bool(code)},
        status=status,
    )


def certificate_verify_url(certificate: Certificate) -> str:
    with translation.override(certificate.language):
        path = reverse("courses:certificate_verify", kwargs={"code": certificate.code})
    return f"{settings.SITE_URL}{path}"


@login_required
@require_GET
def certificate_pdf(request, code: str):
    certificate = Certificate.objects.filter(code=code).select_related("enrolment").first()
    if certificate is None or (
        certificate.enrolment.user_id != request.user.pk and not request.user.is_staff
    ):
        raise Http404
    from apps.courses.certificate_pdf import certificate_pdf_render

    pdf = certificate_pdf_render(
        learner_name=certificate.learner_name,
        course_title=certificate.course_title,
        issued_on=certificate.issued_at.date(),
        code=certificate.code,
        verify_url=certificate_verify_url(certificate),
        language=certificate.language,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.code}.pdf"'
    return response
