from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from apps.datasets import admin_views


@hooks.register("register_admin_urls")
def register_table_urls():
    return [
        path("tables/", admin_views.table_list_view, name="datasets_tables"),
        path("tables/new/", admin_views.table_form_view, name="datasets_table_add"),
        path("tables/<slug:slug>/", admin_views.table_detail_view, name="datasets_table_detail"),
        path("tables/<slug:slug>/edit/", admin_views.table_form_view, name="datasets_table_edit"),
        path(
            "tables/<slug:slug>/uploads/<int:upload_id>/",
            admin_views.table_upload_view,
            name="datasets_table_upload",
        ),
    ]


class _TablesMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("datasets.view_tableupload")


@hooks.register("register_admin_menu_item")
def register_tables_menu_item():
    return _TablesMenuItem(
        _("Curated tables"), reverse("datasets_tables"), icon_name="table", order=270
    )
