"""Reads about users."""

from apps.accounts import roles
from apps.accounts.models import User


def user_requires_mfa(*, user: User) -> bool:
    """Staff, editors, reviewers, coordinators and admins must sign in with a second factor."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser or user.is_coordinator:
        return True
    return user.groups.filter(name__in=roles.MFA_REQUIRED_GROUPS).exists()


def user_has_mfa(*, user: User) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
