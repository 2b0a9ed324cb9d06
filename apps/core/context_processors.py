from django.utils.translation import get_language, get_language_info

from apps.core.languages import LANGUAGE_CODES, RTL_LANGUAGES


def site_chrome(request):
    """What the base layout needs on every page: the languages for the switcher."""
    current = get_language()
    languages = []
    for code in LANGUAGE_CODES:
        info = get_language_info(code)
        languages.append(
            {"code": code, "name_local": info["name_local"], "current": code == current}
        )
    return {"portal_languages": languages, "portal_is_rtl": current in RTL_LANGUAGES}
