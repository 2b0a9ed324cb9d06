from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from apps.courses.errors import LearningError
from apps.courses.models import CoursePage, LessonPage
from apps.courses.scoring import Answer, answer_score
from apps.courses.selectors import answers_for_lesson, course_outline, outline_with_progress
from apps.courses.services.enrolment import enrolment_require, enrolment_visit_lesson
from apps.courses.services.progress import knowledge_check_answer, lesson_complete
from apps.courses.views.course import _enrolment
from apps.courses.views.errors import maps_learning_errors

MAX_CHOICES_POSTED = 20


def _course_of(lesson: LessonPage) -> CoursePage:
    # Not only live courses: editors preview lessons of courses not yet published.
    course = CoursePage.objects.ancestor_of(lesson).first()
    if course is None:
        raise Http404
    return course


@maps_learning_errors
def lesson_serve(request, lesson: LessonPage):
    course = _course_of(lesson)
    if request.method == "POST":
        return _lesson_post(request, lesson, course)
    enrolment = _enrolment(request, course)
    if enrolment is not None:
        enrolment_visit_lesson(enrolment=enrolment, lesson=lesson)
    outline = course_outline(course)
    done = outline_with_progress(outline, enrolment)
    lessons = outline.lessons
    index = next((i for i, item in enumerate(lessons) if item.pk == lesson.pk), 0)
    module = next((m for m in outline.modules if any(x.pk == lesson.pk for x in m.lessons)), None)
    answers = answers_for_lesson(enrolment, lesson)
    checks = {block.id: block.value for block in lesson.knowledge_checks()}
    feedback = {}
    for question_id, record in answers.items():
        if question_id in checks:
            stored = Answer(
                choice_ids=tuple(record.answer.get("choices", ())),
                number=record.answer.get("number"),
            )
            feedback[question_id] = {
                "record": record,
                "result": _safe_score(checks[question_id], stored),
            }
    context = lesson.get_context(request)
    context.update(
        {
            "course": course,
            "module": module,
            "enrolment": enrolment,
            "previous_lesson": lessons[index - 1] if index > 0 else None,
            "next_lesson": lessons[index + 1] if index + 1 < len(lessons) else None,
            "is_complete": lesson.translation_key in done,
            "feedback": feedback,
            "all_checks_answered": set(checks) <= set(answers),
            "course_percent": round(100 * len(done) / len(lessons)) if lessons else 0,
            "post_assessment": outline.assessments.get("post"),
        }
    )
    return TemplateResponse(request, "courses/lesson_page.html", context)


def _safe_score(question, stored: Answer):
    # A question edited after the learner answered may no longer have the stored choices.
    try:
        return answer_score(question, stored)
    except (KeyError, TypeError):
        return None


def _lesson_post(request, lesson: LessonPage, course: CoursePage):
    enrolment = enrolment_require(user=request.user, course=course)
    action = request.POST.get("action")
    if action == "check":
        question_id = request.POST.get("question", "")[:64]
        choices = request.POST.getlist("choice")[:MAX_CHOICES_POSTED]
        knowledge_check_answer(
            enrolment=enrolment,
            lesson=lesson,
            question_id=question_id,
            choices=choices,
            number=request.POST.get("number"),
        )
        return redirect(f"{lesson.url}#q-{question_id}")
    if action == "complete":
        lesson_complete(enrolment=enrolment, lesson=lesson)
        return redirect(f"{lesson.url}#lesson-status")
    raise LearningError()
