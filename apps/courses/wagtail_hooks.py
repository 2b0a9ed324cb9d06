from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from apps.courses.models import GlossaryTerm
from apps.courses.views.reports import course_statistics_view, translation_status_view


class GlossaryTermViewSet(SnippetViewSet):
    model = GlossaryTerm
    icon = "help"
    menu_label = _("Glossary")
    menu_order = 260
    add_to_admin_menu = True
    list_display = ["term", "locale"]
    search_fields = ["term"]


register_snippet(GlossaryTermViewSet)


@hooks.register("register_admin_urls")
def register_statistics_url():
    return [
        path("course-statistics/", course_statistics_view, name="course_statistics"),
        path("translation-status/", translation_status_view, name="course_translation_status"),
    ]


@hooks.register("register_reports_menu_item")
def register_translation_status_menu_item():
    return MenuItem(
        _("Translation status"),
        reverse("course_translation_status"),
        icon_name="globe",
        order=710,
    )


@hooks.register("register_reports_menu_item")
def register_statistics_menu_item():
    return MenuItem(
        _("Course statistics"),
        reverse("course_statistics"),
        icon_name="table",
        order=700,
    )
