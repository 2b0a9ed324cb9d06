import pytest
from django.contrib.auth.models import Group
from wagtail.models import GroupPagePermission

from apps.accounts import roles
from apps.accounts.roles import roles_sync

pytestmark = pytest.mark.django_db


def test_the_six_groups_exist_after_migrate():
    names = set(Group.objects.values_list("name", flat=True))
    assert {
        roles.LEARNER,
        roles.COORDINATOR,
        roles.EDITOR,
        roles.REVIEWER,
        roles.PARTNER,
        roles.ADMIN,
    } <= names


def test_editor_may_edit_but_not_publish_reviewer_may_publish():
    def page_perms(name):
        return set(
            GroupPagePermission.objects.filter(group__name=name).values_list(
                "permission__codename", flat=True
            )
        )

    assert {"add_page", "change_page"} <= page_perms(roles.EDITOR)
    assert "publish_page" not in page_perms(roles.EDITOR)
    assert "publish_page" in page_perms(roles.REVIEWER)


def test_group_permissions():
    editor = Group.objects.get(name=roles.EDITOR)
    assert editor.permissions.filter(codename="access_admin").exists()
    assert not Group.objects.get(name=roles.LEARNER).permissions.exists()
    assert (
        Group.objects.get(name=roles.COORDINATOR)
        .permissions.filter(codename="view_organisation_progress")
        .exists()
    )
    assert (
        Group.objects.get(name=roles.PARTNER)
        .permissions.filter(codename="manage_api_keys")
        .exists()
    )


def test_roles_sync_is_idempotent():
    before = GroupPagePermission.objects.count(), Group.objects.count()
    roles_sync()
    roles_sync()
    assert (GroupPagePermission.objects.count(), Group.objects.count()) == before
