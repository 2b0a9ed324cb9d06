from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "apps.partners"
    label = "partners"
    verbose_name = _("Partner syncs")

    def ready(self):
        from apps.partners import signals  # noqa: F401 - connects the receivers
