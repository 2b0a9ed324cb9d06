"""Tampered posts get a 4xx with a clear message and change no progress or score."""

import pytest
from django.test import Client

from apps.courses.models import AssessmentAttempt, KnowledgeCheckAnswer, LessonCompletion
from apps.courses.services.enrolment import enrolment_create
from tests.accounts.factories import UserFactory
from tests.courses.builders import course_tree_build
from tests.courses.helpers import assessment_post_data, take_assessment

pytestmark = pytest.mark.django_db


def _state():
    return (
        list(KnowledgeCheckAnswer.objects.values_list("question_id", "correct", "attempts")),
        LessonCompletion.objects.count(),
        list(AssessmentAttempt.objects.values_list("pk", "score", "submitted_at")),
    )


@pytest.mark.parametrize(
    "data",
    [
        {"action": "check", "question": "no-such-question", "choice": ["x"]},
        {"action": "check", "choice": ["x"]},
        {"action": "check", "question": "QID", "choice": ["unknown-choice-id"]},
        {"action": "check", "question": "QID", "choice": []},
        {"action": "check", "question": "QID", "choice": ["<script>alert(1)</script>"]},
        {"action": "check", "question": "QID" * 1000, "choice": ["x"]},
        {"action": "delete-everything"},
        {},
    ],
)
def test_bad_knowledge_check_posts(client, enrolled, tree, data):
    lesson = tree.lessons[0]
    qid = lesson.knowledge_checks()[0].id
    data = {k: (v.replace("QID", qid) if isinstance(v, str) else v) for k, v in data.items()}
    before = _state()
    response = client.post(lesson.url, data)
    assert response.status_code == 400
    assert "Nothing was" in response.content.decode()
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert _state() == before


def test_choice_from_another_question(client, enrolled, tree):
    lesson, other = tree.lessons[0], tree.lessons[1]
    qid = lesson.knowledge_checks()[0].id
    foreign = [c.id for c in other.knowledge_checks()[0].value["choices"].bound_blocks]
    response = client.post(lesson.url, {"action": "check", "question": qid, "choice": foreign[:1]})
    assert response.status_code == 400
    assert not KnowledgeCheckAnswer.objects.exists()


def test_lesson_of_a_course_not_enrolled_in(client, learner, tree):
    client.force_login(learner)
    lesson = tree.lessons[0]
    block = lesson.knowledge_checks()[0]
    choice = block.value["choices"].bound_blocks[0].id
    for data in (
        {"action": "check", "question": block.id, "choice": [choice]},
        {"action": "complete"},
    ):
        response = client.post(lesson.url, data)
        assert response.status_code == 403
        assert "Enrol in this course first" in response.content.decode()
    assert _state() == ([], 0, [])


def test_anonymous_posts_change_nothing(client, tree):
    response = client.post(tree.lessons[0].url, {"action": "complete"})
    assert response.status_code == 403
    assert LessonCompletion.objects.count() == 0


def test_another_learners_attempt(client, enrolled, tree):
    other = UserFactory()
    other_enrolment = enrolment_create(user=other, course=tree.course)
    theirs = AssessmentAttempt.objects.create(enrolment=other_enrolment, kind="post", number=1)
    response = client.post(tree.post.url, assessment_post_data(tree.post, theirs.pk))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.submitted_at is None and theirs.score is None


def test_double_submission_keeps_the_first(client, enrolled, tree):
    attempt = take_assessment(client, tree.post, right=False)
    response = client.post(tree.post.url, assessment_post_data(tree.post, attempt.pk, right=True))
    assert response.status_code == 409
    assert "already submitted" in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.score == 0.0 and attempt.passed is False


def test_answers_after_the_attempt_limit(client, enrolled, tree):
    take_assessment(client, tree.pre, right=False)  # max_attempts=1 for the pre-assessment
    before = _state()
    response = client.post(tree.pre.url, {"action": "start"})
    assert response.status_code == 403
    assert _state() == before


@pytest.mark.parametrize("attempt", ["", "abc", "-1", "99999999999999999999", "1 OR 1=1"])
def test_bad_attempt_ids(client, enrolled, tree, attempt):
    client.post(tree.post.url, {"action": "start"})
    before = _state()
    data = assessment_post_data(tree.post, 0)
    data["attempt"] = attempt
    response = client.post(tree.post.url, data)
    assert response.status_code in (400, 404)
    assert _state() == before


def test_invalid_answer_in_one_question_stores_nothing(client, enrolled, tree):
    client.post(tree.post.url, {"action": "start"})
    attempt = AssessmentAttempt.objects.get()
    data = assessment_post_data(tree.post, attempt.pk)
    first = next(iter(tree.post.questions))
    data[f"q-{first.id}"] = ["forged-choice"]
    response = client.post(tree.post.url, data)
    assert response.status_code == 400
    attempt.refresh_from_db()
    assert attempt.submitted_at is None and attempt.score is None


def test_post_without_csrf_is_refused(learner, tree):
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    enrolment_create(user=learner, course=tree.course)
    response = client.post(tree.lessons[0].url, {"action": "complete"})
    assert response.status_code == 403
    assert LessonCompletion.objects.count() == 0


def test_assessment_of_another_course_attempt(client, learner, tree):
    other_tree = course_tree_build(slug="law-101")
    client.force_login(learner)
    mine = enrolment_create(user=learner, course=tree.course)
    enrolment_create(user=learner, course=other_tree.course)
    attempt = AssessmentAttempt.objects.create(enrolment=mine, kind="post", number=1)
    response = client.post(other_tree.post.url, assessment_post_data(other_tree.post, attempt.pk))
    assert response.status_code == 404
    attempt.refresh_from_db()
    assert attempt.submitted_at is None
