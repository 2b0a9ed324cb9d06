import pytest

from tests.courses.builders import course_tree_build


@pytest.fixture
def tree(db):
    return course_tree_build()


@pytest.fixture
def enrolled(client, learner, tree):
    from apps.courses.services.enrolment import enrolment_create

    client.force_login(learner)
    return enrolment_create(user=learner, course=tree.course)
