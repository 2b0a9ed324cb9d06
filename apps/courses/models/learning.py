"""What learners do. Pages are referred to by their translation key, which is shared by every
language version and survives edits and moves, so progress follows the lesson, not its position."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Enrolment(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="enrolments", on_delete=models.CASCADE
    )
    course_key = models.UUIDField(_("course"), db_index=True)
    enrolled_at = models.DateTimeField(_("enrolled"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    last_lesson_key = models.UUIDField(null=True, blank=True)
    last_visited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment")
        permissions = [("view_course_reports", _("Can see course statistics"))]
        constraints = [
            models.UniqueConstraint(fields=["user", "course_key"], name="courses_enrolment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.course_key}"


class LessonCompletion(models.Model):
    enrolment = models.ForeignKey(Enrolment, related_name="completions", on_delete=models.CASCADE)
    lesson_key = models.UUIDField()
    completed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "lesson_key"], name="courses_lesson_completion_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id}: lesson {self.lesson_key}"


class KnowledgeCheckAnswer(models.Model):
    """The latest answer to one knowledge check; checks may be retried, so attempts count up."""

    enrolment = models.ForeignKey(Enrolment, related_name="answers", on_delete=models.CASCADE)
    lesson_key = models.UUIDField()
    question_id = models.CharField(max_length=64)
    answer = models.JSONField()
    correct = models.BooleanField()
    attempts = models.PositiveIntegerField(default=1)
    answered_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "question_id"], name="courses_check_answer_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id}: {self.question_id} ({'right' if self.correct else 'wrong'})"


class AssessmentAttempt(models.Model):
    """One sitting of a pre- or post-assessment. Started on opening, submitted exactly once."""

    enrolment = models.ForeignKey(Enrolment, related_name="attempts", on_delete=models.CASCADE)
    kind = models.CharField(max_length=4)
    number = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    answers = models.JSONField(default=dict)
    score = models.FloatField(null=True, blank=True)
    objective_scores = models.JSONField(default=dict)
    passed = models.BooleanField(null=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "kind", "number"], name="courses_attempt_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id}: {self.kind} attempt {self.number}"


class Certificate(models.Model):
    """Issued on completion; the code is public and the verification page confirms or denies."""

    enrolment = models.OneToOneField(
        Enrolment, related_name="certificate", on_delete=models.PROTECT
    )
    code = models.CharField(_("verification code"), max_length=20, unique=True)
    learner_name = models.CharField(_("learner"), max_length=150)
    course_title = models.CharField(_("course"), max_length=255)
    language = models.CharField(_("language"), max_length=10)
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_reason = models.CharField(_("reason for revocation"), max_length=300, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self) -> str:
        return f"{self.code} · {self.learner_name} · {self.course_title}"

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None
