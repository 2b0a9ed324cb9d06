from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from apps.courses.errors import LearningError
from apps.courses.models import AssessmentPage, CoursePage
from apps.courses.selectors import learning_gain
from apps.courses.services.assessments import attempt_start, attempt_submit
from apps.courses.services.enrolment import enrolment_require
from apps.courses.views.course import _enrolment
from apps.courses.views.errors import maps_learning_errors

MAX_CHOICES_POSTED = 20


@maps_learning_errors
def assessment_serve(request, assessment: AssessmentPage):
    course = assessment.get_parent().specific
    if not request.user.is_authenticated:
        return redirect_to_login(assessment.url)
    if request.method == "POST":
        return _assessment_post(request, assessment, course)
    enrolment = _enrolment(request, course)
    attempts = list(enrolment.attempts.filter(kind=assessment.kind)) if enrolment else []
    open_attempt = next((a for a in attempts if a.submitted_at is None), None)
    submitted = [a for a in attempts if a.submitted_at is not None]
    objectives = list(course.objectives.all())
    context = assessment.get_context(request)
    context.update(
        {
            "course": course,
            "enrolment": enrolment,
            "open_attempt": open_attempt,
            "submitted": submitted,
            "attempts_left": max(assessment.max_attempts - len(attempts), 0),
            "objectives": {o.key: o for o in objectives},
            "gain": learning_gain(enrolment, objectives) if enrolment else None,
        }
    )
    return TemplateResponse(request, "courses/assessment_page.html", context)


def _assessment_post(request, assessment: AssessmentPage, course: CoursePage):
    enrolment = enrolment_require(user=request.user, course=course)
    action = request.POST.get("action")
    if action == "start":
        attempt_start(enrolment=enrolment, assessment=assessment)
        return redirect(assessment.url)
    if action == "submit":
        try:
            attempt_id = int(request.POST.get("attempt", ""))
        except ValueError as exc:
            raise LearningError() from exc
        responses = {
            question.id: (
                request.POST.getlist(f"q-{question.id}")[:MAX_CHOICES_POSTED],
                request.POST.get(f"n-{question.id}"),
            )
            for question in assessment.questions
        }
        attempt_submit(
            enrolment=enrolment, assessment=assessment, attempt_id=attempt_id, responses=responses
        )
        return redirect(f"{assessment.url}#results")
    raise LearningError()
