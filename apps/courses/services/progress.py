from django.db import transaction
from django.db.models import F

from apps.courses.errors import InvalidAnswer, LessonsIncomplete
from apps.courses.models import Enrolment, KnowledgeCheckAnswer, LessonCompletion, LessonPage
from apps.courses.scoring import Result, answer_parse, answer_score


@transaction.atomic
def knowledge_check_answer(
    *,
    enrolment: Enrolment,
    lesson: LessonPage,
    question_id: str,
    choices: list[str],
    number: str | None,
) -> tuple[KnowledgeCheckAnswer, Result]:
    """Score one knowledge check of a lesson and keep the latest answer."""
    question = next((b for b in lesson.knowledge_checks() if b.id == question_id), None)
    if question is None:
        raise InvalidAnswer()
    answer = answer_parse(question.value, choices=choices, number=number)
    result = answer_score(question.value, answer)
    record, created = KnowledgeCheckAnswer.objects.get_or_create(
        enrolment=enrolment,
        question_id=question_id,
        defaults={
            "lesson_key": lesson.translation_key,
            "answer": answer.as_json(),
            "correct": result.correct,
        },
    )
    if not created:
        record.answer = answer.as_json()
        record.correct = result.correct
        record.attempts = F("attempts") + 1
        record.save(update_fields=["answer", "correct", "attempts", "answered_at"])
        record.refresh_from_db()
    return record, result


@transaction.atomic
def lesson_complete(*, enrolment: Enrolment, lesson: LessonPage) -> LessonCompletion:
    """Mark a lesson done once all its knowledge checks have been answered."""
    needed = {block.id for block in lesson.knowledge_checks()}
    answered = set(
        KnowledgeCheckAnswer.objects.filter(
            enrolment=enrolment, question_id__in=needed
        ).values_list("question_id", flat=True)
    )
    if needed - answered:
        raise LessonsIncomplete()
    completion, _ = LessonCompletion.objects.get_or_create(
        enrolment=enrolment, lesson_key=lesson.translation_key
    )
    from apps.courses.services.certificates import course_completion_check

    course_completion_check(enrolment=enrolment)
    return completion
