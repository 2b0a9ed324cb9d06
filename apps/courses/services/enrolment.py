from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.courses.errors import NotEnrolled
from apps.courses.models import CoursePage, Enrolment, LessonPage


def enrolment_create(*, user: User, course: CoursePage) -> Enrolment:
    """Enrol once per course, whatever the language; enrolling again returns the enrolment."""
    try:
        with transaction.atomic():
            enrolment, _ = Enrolment.objects.get_or_create(
                user=user, course_key=course.translation_key
            )
    except IntegrityError:  # two clicks racing: the other request created it
        enrolment = Enrolment.objects.get(user=user, course_key=course.translation_key)
    return enrolment


def enrolment_require(*, user: User, course: CoursePage) -> Enrolment:
    if not user.is_authenticated:
        raise NotEnrolled()
    enrolment = Enrolment.objects.filter(user=user, course_key=course.translation_key).first()
    if enrolment is None:
        raise NotEnrolled()
    return enrolment


def enrolment_visit_lesson(*, enrolment: Enrolment, lesson: LessonPage) -> None:
    """Remember where the learner is, for "continue where you left off"."""
    Enrolment.objects.filter(pk=enrolment.pk).update(
        last_lesson_key=lesson.translation_key, last_visited_at=timezone.now()
    )
