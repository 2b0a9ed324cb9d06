import pytest
from django.core.exceptions import ValidationError

from apps.courses.models import (
    AssessmentPage,
    Certificate,
    Enrolment,
    KnowledgeCheckAnswer,
    LessonCompletion,
)
from apps.courses.services.certificates import certificate_revoke
from tests.courses.helpers import answer_check, complete_lesson, take_assessment

pytestmark = pytest.mark.django_db


def test_enrolling_needs_a_login(client, tree):
    response = client.post(tree.course.url, {"action": "enrol"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Enrolment.objects.exists()


def test_enrol_once_and_see_progress(client, learner, tree):
    client.force_login(learner)
    client.post(tree.course.url, {"action": "enrol"})
    client.post(tree.course.url, {"action": "enrol"})
    assert Enrolment.objects.filter(user=learner).count() == 1
    response = client.get(tree.course.url)
    assert response.context["enrolment"] is not None
    assert response.context["percent"] == 0
    assert 'max="100" value="0"' in response.content.decode()


def test_knowledge_check_is_scored_on_the_server_with_feedback(client, enrolled, tree):
    lesson = tree.lessons[0]
    response = answer_check(client, lesson, right=False)
    assert response.status_code == 302
    record = KnowledgeCheckAnswer.objects.get(enrolment=enrolled)
    assert record.correct is False
    html = client.get(lesson.url).content.decode()
    assert "Not quite." in html and "Too long." in html and "Because the guidelines say so." in html
    answer_check(client, lesson, right=True)
    record.refresh_from_db()
    assert record.correct is True and record.attempts == 2
    assert "Correct." in client.get(lesson.url).content.decode()


def test_lesson_completes_only_after_its_checks(client, enrolled, tree):
    lesson = tree.lessons[0]
    response = client.post(lesson.url, {"action": "complete"})
    assert response.status_code == 409
    assert not LessonCompletion.objects.exists()
    complete_lesson(client, lesson)
    assert LessonCompletion.objects.filter(
        enrolment=enrolled, lesson_key=lesson.translation_key
    ).exists()
    assert client.get(tree.course.url).context["percent"] == 25


def test_continue_where_you_left_off(client, enrolled, tree):
    client.get(tree.lessons[2].url)
    response = client.get(tree.course.url)
    assert response.context["continue_lesson"].pk == tree.lessons[2].pk
    dashboard = client.get("/en/learning/")
    assert dashboard.context["rows"][0]["resume"].pk == tree.lessons[2].pk


def test_next_and_previous_cross_modules(client, enrolled, tree):
    response = client.get(tree.lessons[1].url)
    assert response.context["previous_lesson"].pk == tree.lessons[0].pk
    assert response.context["next_lesson"].pk == tree.lessons[2].pk  # first lesson of module 2
    last = client.get(tree.lessons[-1].url)
    assert (
        last.context["next_lesson"] is None and last.context["post_assessment"].pk == tree.post.pk
    )


def test_pre_and_post_give_scores_per_objective_and_gain(client, enrolled, tree):
    pre = take_assessment(client, tree.pre, right=False)
    assert pre.score == 0.0 and pre.objective_scores["rules"]["total"] == 2
    post = take_assessment(client, tree.post, right=True)
    assert post.score == 100.0 and post.passed
    response = client.get(tree.post.url)
    gain = response.context["gain"]
    assert gain.gain == 100.0
    assert {row["objective"].key: (row["pre"], row["post"]) for row in gain.objectives} == {
        "environment": (0.0, 100.0),
        "rules": (0.0, 100.0),
    }
    assert "Learning gain: 100.0 percentage points" in response.content.decode()


def test_pass_mark_and_attempt_limit(client, enrolled, tree):
    failed = take_assessment(client, tree.post, right=False)
    assert failed.passed is False
    take_assessment(client, tree.post, right=False)
    response = client.post(tree.post.url, {"action": "start"})
    assert response.status_code == 403
    assert "used all the attempts" in response.content.decode()


def test_completion_issues_a_certificate_and_verification(client, enrolled, tree):
    for lesson in tree.lessons:
        complete_lesson(client, lesson)
    assert not Certificate.objects.exists()  # post-assessment not passed yet
    take_assessment(client, tree.post, right=True)
    certificate = Certificate.objects.get(enrolment=enrolled)
    enrolled.refresh_from_db()
    assert enrolled.completed_at is not None
    assert certificate.learner_name == "Ana Learner"
    page = client.get(f"/en/certificates/{certificate.code}/")
    assert page.status_code == 200 and "This certificate is valid." in page.content.decode()
    lookup = client.get("/en/certificates/verify/", {"code": certificate.code.lower()})
    assert lookup["Location"] == f"/en/certificates/{certificate.code}/"
    certificate_revoke(certificate=certificate, reason="Issued in error.")
    page = client.get(f"/en/certificates/{certificate.code}/")
    assert "This certificate has been revoked." in page.content.decode()
    assert "Issued in error." in page.content.decode()


@pytest.mark.parametrize("code", ["ZZZZ-ZZZZ-ZZZZ", "<script>", "x" * 500, "' OR 1=1 --"])
def test_unknown_certificate_codes(client, code):
    response = client.get("/en/certificates/verify/", {"code": code})
    assert response.status_code in (302, 404)
    if response.status_code == 404:
        assert "No certificate has the code" in response.content.decode()
        assert "<script>" not in response.content.decode()


def test_only_one_assessment_of_each_kind(tree):
    duplicate = AssessmentPage(title="Another pre", slug="pre-2", kind="pre", questions=[])
    duplicate.path = tree.course.path + "ZZZZ"
    duplicate.depth = tree.course.depth + 1
    with pytest.raises(ValidationError):
        duplicate.clean()


def test_certificate_pdf_download(client, enrolled, tree):
    import io

    from pypdf import PdfReader

    for lesson in tree.lessons:
        complete_lesson(client, lesson)
    take_assessment(client, tree.post, right=True)
    certificate = Certificate.objects.get(enrolment=enrolled)
    response = client.get(f"/en/certificates/{certificate.code}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "Ana Learner" in text and certificate.code in text
    assert f"/en/certificates/{certificate.code}/" in text
    # Someone else's certificate is not theirs to download.
    client.logout()
    assert client.get(f"/en/certificates/{certificate.code}/pdf/").status_code == 302
    from tests.accounts.factories import UserFactory

    client.force_login(UserFactory())
    assert client.get(f"/en/certificates/{certificate.code}/pdf/").status_code == 404
