from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from apps.partners import admin_views


@hooks.register("register_admin_urls")
def register_partner_urls():
    return [
        path("partners/sources/", admin_views.source_list_view, name="partners_sources"),
        path("partners/sources/new/", admin_views.source_form_view, name="partners_source_add"),
        path("partners/sources/<int:pk>/", admin_views.source_detail_view, name="partners_source"),
        path(
            "partners/sources/<int:pk>/edit/",
            admin_views.source_form_view,
            name="partners_source_edit",
        ),
        path(
            "partners/sources/<int:pk>/sync/",
            admin_views.source_sync_now_view,
            name="partners_source_sync",
        ),
        path("partners/runs/<int:pk>/", admin_views.run_detail_view, name="partners_run"),
    ]


class _SyncsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("partners.view_syncsource")


@hooks.register("register_admin_menu_item")
def register_syncs_menu_item():
    return _SyncsMenuItem(
        _("Partner syncs"), reverse("partners_sources"), icon_name="download", order=280
    )
