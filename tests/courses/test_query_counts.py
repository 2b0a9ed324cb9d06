"""Catalogue, course, lesson and dashboard pages make the same number of queries however big
the course or catalogue grows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.courses.services.enrolment import enrolment_create
from tests.courses.builders import course_tree_build
from tests.courses.helpers import complete_lesson

pytestmark = pytest.mark.django_db


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def test_pages_do_not_grow_with_content(client, learner):
    client.force_login(learner)
    small = course_tree_build(modules=1, lessons_per_module=1, slug="small")
    enrolment_create(user=learner, course=small.course)
    complete_lesson(client, small.lessons[0])

    def urls(t):
        return [t.index.url, t.course.url, t.modules[0].url, t.lessons[0].url, "/en/learning/"]

    [_queries(client, url) for url in urls(small)]  # first visits record where the learner is
    before = [_queries(client, url) for url in urls(small)]

    big = course_tree_build(modules=4, lessons_per_module=5, slug="big")
    for n in range(4):
        course_tree_build(modules=1, lessons_per_module=1, slug=f"more-{n}")
    enrolment_create(user=learner, course=big.course)
    for lesson in big.lessons[:6]:
        complete_lesson(client, lesson)
    [_queries(client, url) for url in urls(big)]
    after_small = [_queries(client, url) for url in urls(small)]
    after_big = [_queries(client, url) for url in urls(big)]
    assert after_small == before
    assert after_big == before
