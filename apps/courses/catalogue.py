"""The course catalogue page, one per language, under each home page."""

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext, gettext_noop
from wagtail.models import Locale

from apps.core.languages import DEFAULT_LANGUAGE, LANGUAGE_CODES
from apps.core.models import HomePage
from apps.courses.models import CourseIndexPage

CATALOGUE_TITLE = gettext_noop("Courses")
CATALOGUE_INTRO = gettext_noop(
    "Self-paced courses on space-debris mitigation, the law of outer space, norms of "
    "responsible behaviour and space situational awareness. Each ends with a certificate."
)


def _texts(language: str) -> dict[str, str]:
    with translation.override(language):
        return {"title": gettext(CATALOGUE_TITLE), "intro": gettext(CATALOGUE_INTRO)}


@transaction.atomic
def catalogue_pages_ensure() -> CourseIndexPage:
    home = HomePage.objects.get(locale__language_code=DEFAULT_LANGUAGE)
    index = CourseIndexPage.objects.child_of(home).first()
    if index is None:
        index = home.add_child(instance=CourseIndexPage(slug="courses", **_texts(DEFAULT_LANGUAGE)))
        index.save_revision().publish()
    for code in LANGUAGE_CODES:
        locale = Locale.objects.get(language_code=code)
        if code == DEFAULT_LANGUAGE or index.get_translation_or_none(locale) is not None:
            continue
        translated = index.copy_for_translation(locale)
        for field, value in _texts(code).items():
            setattr(translated, field, value)
        translated.save_revision().publish()
    return index
