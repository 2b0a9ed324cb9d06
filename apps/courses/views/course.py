from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from wagtail.models import Locale

from apps.courses.models import CoursePage, Enrolment, LessonPage, ModulePage
from apps.courses.selectors import course_outline, learning_gain, outline_with_progress
from apps.courses.services.enrolment import enrolment_create


def _enrolment(request, course: CoursePage) -> Enrolment | None:
    if not request.user.is_authenticated:
        return None
    return (
        Enrolment.objects.filter(user=request.user, course_key=course.translation_key)
        .select_related("certificate")
        .first()
    )


def continue_lesson(enrolment: Enrolment | None) -> LessonPage | None:
    """The lesson to resume, in the active language when it is translated."""
    if enrolment is None or enrolment.last_lesson_key is None:
        return None
    candidates = LessonPage.objects.live().filter(translation_key=enrolment.last_lesson_key)
    by_locale = {lesson.locale_id: lesson for lesson in candidates}
    return by_locale.get(Locale.get_active().pk) or next(iter(by_locale.values()), None)


def course_serve(request, course: CoursePage):
    if request.method == "POST":
        if request.POST.get("action") != "enrol":
            return TemplateResponse(request, "400.html", status=400)
        if not request.user.is_authenticated:
            return redirect_to_login(course.url)
        enrolment_create(user=request.user, course=course)
        return redirect(course.url)
    enrolment = _enrolment(request, course)
    outline = course_outline(course)
    done = outline_with_progress(outline, enrolment)
    total = len(outline.lessons)
    first_lesson = outline.lessons[0] if outline.lessons else None
    objectives = list(course.objectives.all())
    context = course.get_context(request)
    context.update(
        {
            "outline": outline,
            "objectives": objectives,
            "enrolment": enrolment,
            "done_count": len(done),
            "lesson_count": total,
            "percent": round(100 * len(done) / total) if total else 0,
            "continue_lesson": continue_lesson(enrolment) or (first_lesson if enrolment else None),
            "gain": learning_gain(enrolment, objectives) if enrolment else None,
        }
    )
    return TemplateResponse(request, "courses/course_page.html", context)


def module_serve(request, module: ModulePage):
    course = module.get_parent().specific
    enrolment = _enrolment(request, course)
    outline = course_outline(course)
    outline_with_progress(outline, enrolment)
    entry = next((m for m in outline.modules if m.module.pk == module.pk), None)
    context = module.get_context(request)
    context.update({"course": course, "entry": entry, "enrolment": enrolment})
    return TemplateResponse(request, "courses/module_page.html", context)
