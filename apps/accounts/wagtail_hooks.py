from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from apps.accounts.models import Organisation


class OrganisationViewSet(SnippetViewSet):
    model = Organisation
    icon = "group"
    menu_label = _("Organisations")
    menu_order = 250
    add_to_admin_menu = True
    list_display = ["name", "kind", "country", "is_partner"]
    list_filter = ["kind", "is_partner"]
    search_fields = ["name"]


register_snippet(OrganisationViewSet)
