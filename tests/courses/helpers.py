def correct_choices(block) -> list[str]:
    return [c.id for c in block.value["choices"].bound_blocks if c.value["correct"]]


def wrong_choice(block) -> str:
    return next(c.id for c in block.value["choices"].bound_blocks if not c.value["correct"])


def answer_check(client, lesson, *, right=True):
    block = lesson.knowledge_checks()[0]
    choices = correct_choices(block) if right else [wrong_choice(block)]
    return client.post(lesson.url, {"action": "check", "question": block.id, "choice": choices})


def complete_lesson(client, lesson):
    answer_check(client, lesson)
    return client.post(lesson.url, {"action": "complete"})


def assessment_post_data(assessment, attempt_id, *, right=True):
    data = {"action": "submit", "attempt": attempt_id}
    for block in assessment.questions:
        key = block.id
        if block.value["kind"] == "numeric":
            data[f"n-{key}"] = str(block.value["numeric_answer"] + (0 if right else 100))
        else:
            data[f"q-{key}"] = correct_choices(block) if right else [wrong_choice(block)]
    return data


def take_assessment(client, assessment, *, right=True):
    from apps.courses.models import AssessmentAttempt

    client.post(assessment.url, {"action": "start"})
    attempt = AssessmentAttempt.objects.filter(
        kind=assessment.kind, submitted_at__isnull=True
    ).latest("pk")
    client.post(assessment.url, assessment_post_data(assessment, attempt.pk, right=right))
    attempt.refresh_from_db()
    return attempt
