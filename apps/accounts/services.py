"""Writes on users and organisations."""

from django.contrib.auth.models import Group
from django.db import transaction

from apps.accounts import roles
from apps.accounts.models import Organisation, User
from apps.core.languages import LANGUAGE_CODES


@transaction.atomic
def user_set_organisation(
    *, user: User, organisation: Organisation | None, role: str = User.OrganisationRole.MEMBER
) -> User:
    """Attach a user to an organisation with a role; keeps the Coordinator group in step."""
    user.organisation = organisation
    user.organisation_role = role if organisation is not None else User.OrganisationRole.MEMBER
    user.save(update_fields=["organisation", "organisation_role"])
    coordinator_group, _ = Group.objects.get_or_create(name=roles.COORDINATOR)
    if user.is_coordinator:
        user.groups.add(coordinator_group)
    else:
        user.groups.remove(coordinator_group)
    return user


def user_set_preferred_language(*, user: User, language: str) -> bool:
    """Remember the language a signed-in user chose. Returns whether anything changed."""
    if language not in LANGUAGE_CODES or user.preferred_language == language:
        return False
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
    return True


def user_add_to_group(*, user: User, group_name: str) -> None:
    group, _ = Group.objects.get_or_create(name=group_name)
    user.groups.add(group)
