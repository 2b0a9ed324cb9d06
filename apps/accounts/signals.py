from allauth.account.signals import user_logged_in
from django.apps import apps
from django.db.models.signals import post_migrate
from django.dispatch import receiver


@receiver(user_logged_in)
def remember_language_on_login(sender, request, user, **kwargs):
    # The response middleware in apps.core turns this into the language cookie, so the next page
    # (and every visit to "/") opens in the language the person chose.
    request.portal_language = user.preferred_language


@receiver(post_migrate)
def sync_roles_after_migrate(sender, **kwargs):
    if sender.label != "accounts" or not apps.is_installed("wagtail"):
        return
    from django.contrib.auth.management import create_permissions

    from apps.accounts.roles import roles_sync

    # Our receiver may run before auth's own for other apps: make sure every permission exists.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=kwargs.get("using", "default"))
    roles_sync()
