from django.db import transaction
from django.utils import timezone

from apps.courses.errors import AlreadySubmitted, AttemptLimitReached, AttemptNotYours
from apps.courses.models import AssessmentAttempt, AssessmentPage, Enrolment
from apps.courses.scoring import answer_parse, answer_score, answers_score_by_objective


@transaction.atomic
def attempt_start(*, enrolment: Enrolment, assessment: AssessmentPage) -> AssessmentAttempt:
    """Open a new attempt, or return the one still open; refuse past the attempt limit."""
    # Lock the enrolment row so two tabs cannot open two attempts with the same number.
    Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    attempts = list(AssessmentAttempt.objects.filter(enrolment=enrolment, kind=assessment.kind))
    open_attempt = next((a for a in attempts if a.submitted_at is None), None)
    if open_attempt is not None:
        return open_attempt
    if len(attempts) >= assessment.max_attempts:
        raise AttemptLimitReached()
    return AssessmentAttempt.objects.create(
        enrolment=enrolment, kind=assessment.kind, number=len(attempts) + 1
    )


@transaction.atomic
def attempt_submit(
    *,
    enrolment: Enrolment,
    assessment: AssessmentPage,
    attempt_id: int,
    responses: dict[str, tuple[list[str], str | None]],
) -> AssessmentAttempt:
    """Score a whole attempt. Every answer is checked before anything is stored."""
    attempt = (
        AssessmentAttempt.objects.select_for_update()
        .filter(pk=attempt_id, enrolment=enrolment, kind=assessment.kind)
        .first()
    )
    if attempt is None:
        raise AttemptNotYours()
    if attempt.submitted_at is not None:
        raise AlreadySubmitted()
    questions = list(assessment.questions)
    answers, results = {}, {}
    for question in questions:
        choices, number = responses.get(question.id, ([], None))
        if not choices and not (number or "").strip():
            results[question.id] = False  # unanswered counts as wrong
            continue
        answer = answer_parse(question.value, choices=choices, number=number)
        answers[question.id] = answer.as_json()
        results[question.id] = answer_score(question.value, answer).correct
    score, objectives = answers_score_by_objective(questions, results)
    attempt.answers = {"answers": answers, "correct": results}
    attempt.score = score
    attempt.objective_scores = objectives
    attempt.passed = score >= assessment.pass_mark
    attempt.submitted_at = timezone.now()
    attempt.save()
    if assessment.kind == AssessmentPage.Kind.POST:
        from apps.courses.services.certificates import course_completion_check

        course_completion_check(enrolment=enrolment)
    return attempt
