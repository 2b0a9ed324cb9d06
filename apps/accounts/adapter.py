from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse
from django.utils import translation

from apps.accounts import roles
from apps.accounts.services import user_add_to_group
from apps.core.languages import LANGUAGE_CODES


class AccountAdapter(DefaultAccountAdapter):
    """Sends every account email in its recipient's language; new people become Learners."""

    def send_mail(self, template_prefix, email, context):
        user = context.get("user")
        language = getattr(user, "preferred_language", None)
        if language not in LANGUAGE_CODES:
            language = translation.get_language()
        with translation.override(language):
            super().send_mail(template_prefix, email, context)

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            user_add_to_group(user=user, group_name=roles.LEARNER)
        return user

    def get_login_redirect_url(self, request):
        user = request.user
        language = getattr(user, "preferred_language", None)
        if language in LANGUAGE_CODES:
            with translation.override(language):
                return reverse("accounts:profile")
        return super().get_login_redirect_url(request)
