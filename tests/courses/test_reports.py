import csv
import io

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import User
from apps.accounts.services import user_set_organisation
from apps.courses.services.enrolment import enrolment_create
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.courses.helpers import complete_lesson, take_assessment

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation():
    return OrganisationFactory(name="Kenya Space Agency", slug="ksa")


@pytest.fixture
def coordinator(organisation):
    user = UserFactory(name="Wanjiru Coordinator")
    user_set_organisation(
        user=user, organisation=organisation, role=User.OrganisationRole.COORDINATOR
    )
    TOTP.activate(user, generate_totp_secret())
    return user


def _member(organisation, name, client, tree, lessons=0):
    member = UserFactory(name=name, country="KE")
    user_set_organisation(user=member, organisation=organisation)
    enrolment_create(user=member, course=tree.course)
    client.force_login(member)
    for lesson in tree.lessons[:lessons]:
        complete_lesson(client, lesson)
    return member


def test_coordinator_sees_members_progress_chart_and_csv(client, tree, organisation, coordinator):
    _member(organisation, '=HYPERLINK("http://evil")', client, tree, lessons=1)
    member = _member(organisation, "Otieno Learner", client, tree, lessons=2)
    take_assessment(client, tree.pre, right=False)
    take_assessment(client, tree.post, right=True)
    UserFactory(name="Outsider")  # another organisation's people never appear
    client.force_login(coordinator)
    response = client.get("/en/organisation/progress/")
    assert response.status_code == 200
    rows = response.context["rows"]
    assert {r.member.name for r in rows} == {'=HYPERLINK("http://evil")', "Otieno Learner"}
    otieno = next(r for r in rows if r.member == member)
    assert (otieno.lessons_done, otieno.lessons_total, otieno.percent, otieno.gain) == (
        2,
        4,
        50,
        100.0,
    )
    html = response.content.decode()
    assert "<svg" in html and 'role="img"' in html

    export = client.get("/en/organisation/progress/?format=csv")
    assert export["Content-Type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert table[0][0] == "Name" and len(table) == 3
    names = [row[0] for row in table[1:]]
    assert '\'=HYPERLINK("http://evil")' in names  # neutralised for spreadsheets


def test_report_is_for_coordinators_only(client, learner, tree):
    client.force_login(learner)
    assert client.get("/en/organisation/progress/").status_code == 403
    client.logout()
    assert client.get("/en/organisation/progress/").status_code == 302


def test_coordinator_cannot_read_another_organisation(client, coordinator):
    OrganisationFactory(slug="other")
    client.force_login(coordinator)
    response = client.get("/en/organisation/progress/?organisation=other")
    assert response.context["organisation"].slug == "ksa"


def test_report_queries_do_not_grow_with_members(client, tree, organisation, coordinator):
    _member(organisation, "One", client, tree, lessons=1)
    client.force_login(coordinator)
    with CaptureQueriesContext(connection) as small:
        client.get("/en/organisation/progress/")
    for n in range(5):
        _member(organisation, f"Member {n}", client, tree, lessons=1)
    client.force_login(coordinator)
    with CaptureQueriesContext(connection) as big:
        client.get("/en/organisation/progress/")
    assert len(big.captured_queries) == len(small.captured_queries)


def test_staff_statistics_in_the_admin(client, tree, organisation):
    _member(organisation, "One", client, tree, lessons=4)
    take_assessment(client, tree.pre, right=False)
    take_assessment(client, tree.post, right=True)
    _member(organisation, "Two", client, tree, lessons=1)
    admin = UserFactory(is_staff=True, is_superuser=True)
    TOTP.activate(admin, generate_totp_secret())
    client.force_login(admin)
    response = client.get("/admin/course-statistics/")
    assert response.status_code == 200
    entry = response.context["charts"][0]["entry"]
    assert (entry.enrolments, entry.completions, entry.completion_rate, entry.average_gain) == (
        2,
        1,
        50.0,
        100.0,
    )
    assert entry.by_country == {"KE": [2, 1]}
    assert "<svg" in response.content.decode()


def test_staff_statistics_need_permission(client, learner):
    learner.is_staff = True
    learner.save()
    TOTP.activate(learner, generate_totp_secret())
    client.force_login(learner)
    assert client.get("/admin/course-statistics/").status_code in (302, 403)
