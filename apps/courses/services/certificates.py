import secrets

from django.db import transaction
from django.utils import timezone

from apps.courses.models import AssessmentAttempt, Certificate, CoursePage, Enrolment
from apps.courses.selectors import course_lesson_keys

# No 0/O or 1/I: codes are read aloud and typed from paper.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def certificate_code_generate() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def course_for_enrolment(enrolment: Enrolment, language: str | None = None) -> CoursePage | None:
    pages = CoursePage.objects.live().filter(translation_key=enrolment.course_key)
    if language:
        preferred = pages.filter(locale__language_code=language).first()
        if preferred is not None:
            return preferred
    return pages.order_by("id").first()


@transaction.atomic
def course_completion_check(*, enrolment: Enrolment) -> Certificate | None:
    """Issue the certificate when every lesson is done and the post-assessment is passed."""
    if hasattr(enrolment, "certificate"):
        return enrolment.certificate
    language = enrolment.user.preferred_language
    course = course_for_enrolment(enrolment, language)
    if course is None:
        return None
    required = course_lesson_keys(course)
    done = set(enrolment.completions.values_list("lesson_key", flat=True))
    passed = AssessmentAttempt.objects.filter(enrolment=enrolment, kind="post", passed=True)
    if not required or required - done or not passed.exists():
        return None
    now = timezone.now()
    enrolment.completed_at = now
    enrolment.save(update_fields=["completed_at"])
    return Certificate.objects.create(
        enrolment=enrolment,
        code=certificate_code_generate(),
        learner_name=enrolment.user.get_full_name(),
        course_title=course.title,
        language=course.locale.language_code,
    )


def certificate_revoke(*, certificate: Certificate, reason: str) -> Certificate:
    if certificate.revoked_at is None:
        certificate.revoked_at = timezone.now()
        certificate.revoked_reason = reason[:300]
        certificate.save(update_fields=["revoked_at", "revoked_reason"])
    return certificate
