"""Demo people and organisations, one for each kind of user."""

from dataclasses import dataclass

from django.db import transaction

from apps.accounts import roles
from apps.accounts.models import Organisation, User
from apps.accounts.services import user_add_to_group, user_set_organisation

DEMO_PASSWORD = "orbit-demo-2026"  # noqa: S105 - printed for the demo, never used in production


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    mfa: bool


DEMO_LOGINS = [
    DemoLogin("learner", "learner@demo.orbital-commons.org", False),
    DemoLogin("editor", "editor@demo.orbital-commons.org", True),
    DemoLogin("admin", "admin@demo.orbital-commons.org", True),
    DemoLogin("partner coordinator", "coordinator@demo.orbital-commons.org", True),
]


def _user(email: str, name: str, **extra) -> User:
    from allauth.account.models import EmailAddress

    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, DEMO_PASSWORD, name=name, **extra)
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


@transaction.atomic
def demo_users_load() -> list[DemoLogin]:
    agency, _ = Organisation.objects.get_or_create(
        slug="demo-space-agency",
        defaults={"name": "Demo National Space Agency", "country": "KE", "kind": "space_agency"},
    )
    partner, _ = Organisation.objects.get_or_create(
        slug="demo-partner-agency",
        defaults={
            "name": "Demo Partner Agency",
            "country": "BR",
            "kind": "space_agency",
            "is_partner": True,
        },
    )
    learner = _user(DEMO_LOGINS[0].email, "Amina Learner", country="KE")
    user_add_to_group(user=learner, group_name=roles.LEARNER)
    if learner.organisation_id is None:
        user_set_organisation(user=learner, organisation=agency)
    editor = _user(DEMO_LOGINS[1].email, "Elena Editor", country="ES", is_staff=True)
    user_add_to_group(user=editor, group_name=roles.EDITOR)
    user_add_to_group(user=editor, group_name=roles.REVIEWER)
    admin = _user(DEMO_LOGINS[2].email, "Adam Admin", is_staff=True, is_superuser=True)
    user_add_to_group(user=admin, group_name=roles.ADMIN)
    coordinator = _user(DEMO_LOGINS[3].email, "Carla Coordinator", country="BR")
    user_add_to_group(user=coordinator, group_name=roles.PARTNER)
    if not coordinator.is_coordinator:
        user_set_organisation(
            user=coordinator, organisation=partner, role=User.OrganisationRole.COORDINATOR
        )
    return DEMO_LOGINS
