"""Demo content for the core app: the home page in all six languages."""

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext, gettext_noop
from wagtail.models import Locale, Page, Site

from apps.core.languages import DEFAULT_LANGUAGE, LANGUAGE_CODES
from apps.core.models import HomePage

HOME_TITLE = gettext_noop("Space sustainability, learned and shared")
HOME_INTRO = gettext_noop(
    "Courses on space-debris mitigation and the rules of outer space for the staff of young "
    "space agencies, in the six UN languages, and curated orbital data that partner agencies "
    "pull through an open API."
)


def _texts(language: str) -> dict[str, str]:
    with translation.override(language):
        return {"title": gettext(HOME_TITLE), "intro": gettext(HOME_INTRO)}


@transaction.atomic
def demo_locales_load() -> None:
    for code in LANGUAGE_CODES:
        Locale.objects.get_or_create(language_code=code)


@transaction.atomic
def demo_home_pages_load() -> HomePage:
    """Make a HomePage the default site's root, with a published translation per language."""
    demo_locales_load()
    default_locale = Locale.objects.get(language_code=DEFAULT_LANGUAGE)
    home = HomePage.objects.filter(locale=default_locale).first()
    if home is None:
        root = Page.get_first_root_node()
        # Wagtail's install leaves a "Welcome" placeholder under the root; ours replaces it.
        for placeholder in root.get_children().filter(content_type__model="page", slug="home"):
            placeholder.delete()
        home = root.add_child(
            instance=HomePage(slug="home", locale=default_locale, **_texts(DEFAULT_LANGUAGE))
        )
        home.save_revision().publish()
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={
            "hostname": "localhost",
            "port": 80,
            "root_page": home,
            "site_name": "Orbital Commons",
        },
    )
    for code in LANGUAGE_CODES:
        if code == DEFAULT_LANGUAGE:
            continue
        locale = Locale.objects.get(language_code=code)
        if home.get_translation_or_none(locale) is not None:
            continue
        translated = home.copy_for_translation(locale)
        for field, value in _texts(code).items():
            setattr(translated, field, value)
        translated.save_revision().publish()
    return home
