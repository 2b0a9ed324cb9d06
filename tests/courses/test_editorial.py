import datetime

import pytest
from django.utils import timezone

from apps.accounts import roles
from apps.accounts.services import user_add_to_group
from apps.core.tasks import publish_scheduled
from apps.courses.editorial import WORKFLOW_NAME, course_workflow_sync
from apps.courses.models import (
    AssessmentPage,
    CourseIndexPage,
    CoursePage,
    LessonPage,
    ModulePage,
)
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    user = UserFactory(is_staff=True)
    user_add_to_group(user=user, group_name=roles.EDITOR)
    return user


@pytest.fixture
def reviewer():
    user = UserFactory(is_staff=True)
    user_add_to_group(user=user, group_name=roles.REVIEWER)
    return user


def test_editors_submit_and_reviewers_publish(tree, editor, reviewer):
    course_workflow_sync()
    course = CoursePage.objects.get(pk=tree.course.pk)
    workflow = course.get_workflow()
    assert workflow is not None and workflow.name == WORKFLOW_NAME
    assert not course.permissions_for_user(editor).can_publish()
    assert course.permissions_for_user(editor).can_edit()
    assert course.permissions_for_user(reviewer).can_publish()

    course.title = "Space debris mitigation in practice (2nd edition)"
    revision = course.save_revision(user=editor)
    state = workflow.start(course, editor)
    assert state.status == state.STATUS_IN_PROGRESS
    task_state = state.current_task_state
    assert task_state.task.specific.user_can_access_editor(course, reviewer)
    task_state.task.specific.on_action(task_state, reviewer, "approve")
    course.refresh_from_db()
    assert course.live_revision_id == course.latest_revision_id
    assert course.title.endswith("(2nd edition)")
    assert revision.pk == course.live_revision_id


def test_revisions_can_be_compared(tree):
    lesson = LessonPage.objects.get(pk=tree.lessons[0].pk)
    lesson.title = "Renamed"
    lesson.save_revision()
    assert lesson.revisions.count() == 2


def test_scheduled_publishing_runs_from_celery(tree):
    lesson = LessonPage.objects.get(pk=tree.lessons[0].pk)
    lesson.title = "Published on schedule"
    revision = lesson.save_revision(
        approved_go_live_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert LessonPage.objects.get(pk=lesson.pk).title != "Published on schedule"
    publish_scheduled()
    assert LessonPage.objects.get(pk=lesson.pk).title == "Published on schedule"
    assert LessonPage.objects.get(pk=lesson.pk).live_revision_id == revision.pk


def test_page_type_rules():
    assert CourseIndexPage.parent_page_types == ["core.HomePage"]
    assert set(CoursePage.allowed_subpage_models()) == {ModulePage, AssessmentPage}
    assert LessonPage.allowed_subpage_models() == []


def test_editor_admin_pages_open_for_a_course(client, tree):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    admin = UserFactory(is_staff=True, is_superuser=True)
    TOTP.activate(admin, generate_totp_secret())
    client.force_login(admin)
    for url in [
        f"/admin/pages/{tree.course.pk}/edit/",
        f"/admin/pages/{tree.lessons[0].pk}/edit/",
        f"/admin/pages/{tree.post.pk}/edit/",
        f"/admin/pages/{tree.course.pk}/history/",
        f"/admin/pages/add/courses/lessonpage/{tree.modules[0].pk}/",
        "/admin/snippets/courses/glossaryterm/",
        "/django-admin/courses/certificate/",
    ]:
        assert client.get(url).status_code == 200, url


def test_previews_render_for_every_page_type(rf, tree):
    from django.contrib.auth.models import AnonymousUser

    for page in [tree.index, tree.course, tree.modules[0], tree.lessons[0], tree.post]:
        specific = page.specific
        request = rf.get(specific.url)
        request.user = AnonymousUser()
        response = specific.serve_preview(request, specific.default_preview_mode)
        if hasattr(response, "render"):
            response.render()
        assert response.status_code == 200, type(specific).__name__


def test_staff_revoke_certificates_in_the_admin(client, enrolled, tree):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from apps.courses.models import Certificate

    certificate = Certificate.objects.create(
        enrolment=enrolled,
        code="ABCD-EFGH-JKLM",
        learner_name="Ana",
        course_title="C",
        language="en",
    )
    admin = UserFactory(is_staff=True, is_superuser=True)
    TOTP.activate(admin, generate_totp_secret())
    client.force_login(admin)
    response = client.post(
        "/django-admin/courses/certificate/",
        {"action": "revoke", "_selected_action": [certificate.pk]},
    )
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None
    assert "revoked" in client.get("/en/certificates/ABCD-EFGH-JKLM/").content.decode()


def test_preview_of_a_lesson_in_an_unpublished_course(rf, tree):
    from django.contrib.auth.models import AnonymousUser

    tree.course.unpublish()
    lesson = LessonPage.objects.get(pk=tree.lessons[0].pk)
    request = rf.get("/")
    request.user = AnonymousUser()
    response = lesson.serve_preview(request, lesson.default_preview_mode)
    response.render()
    assert response.status_code == 200
