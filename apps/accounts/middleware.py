from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse

from apps.accounts.selectors import user_has_mfa, user_requires_mfa

# What a user without a second factor may still reach: setting one up, signing out, health.
_ALLOWED_URL_NAMES = frozenset(
    {
        "mfa_activate_totp",
        "mfa_index",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_download_recovery_codes",
        "account_logout",
        "account_reauthenticate",
        "language_switch",
        "health",
    }
)


class MfaRequiredMiddleware:
    """Sends staff, editors, reviewers and coordinators to set up TOTP before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not self._is_exempt(request.path_info)
            and user_requires_mfa(user=user)
            and not user_has_mfa(user=user)
        ):
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

    @staticmethod
    def _is_exempt(path: str) -> bool:
        if path.startswith(("/static/", "/media/")):
            return True
        try:
            match = resolve(path)
        except Resolver404:
            return True
        return match.url_name in _ALLOWED_URL_NAMES
