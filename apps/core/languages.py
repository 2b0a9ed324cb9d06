"""The one source of truth for the portal's languages (UI and content).

Plain constants so that settings can import them before Django is set up.
"""

from django.utils.translation import gettext_noop

# The six official UN languages. Codes are Django's; the catalog folder for zh-hans is zh_Hans.
LANGUAGES: list[tuple[str, str]] = [
    ("ar", gettext_noop("Arabic")),
    ("en", gettext_noop("English")),
    ("es", gettext_noop("Spanish")),
    ("fr", gettext_noop("French")),
    ("ru", gettext_noop("Russian")),
    ("zh-hans", gettext_noop("Simplified Chinese")),
]
LANGUAGE_CODES: tuple[str, ...] = tuple(code for code, _ in LANGUAGES)
DEFAULT_LANGUAGE = "en"
RTL_LANGUAGES: frozenset[str] = frozenset({"ar"})


def language_choices() -> list[tuple[str, str]]:
    """Each language named in itself ("français", "العربيّة"), for pickers."""
    from django.utils.translation import get_language_info

    return [(code, get_language_info(code)["name_local"]) for code in LANGUAGE_CODES]
