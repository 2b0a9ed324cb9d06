"""Finding the same page in another language."""

from django.http import HttpRequest
from django.urls import Resolver404, resolve, reverse
from django.urls.exceptions import NoReverseMatch
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language_from_path
from wagtail.models import Locale, Page

from apps.core.languages import LANGUAGE_CODES


def url_in_language(request: HttpRequest, url: str, language: str) -> str:
    """The address of the page at `url` in `language`, or that language's home page.

    Wagtail pages go to their translation (slugs may differ between languages); other views
    are reversed with the same arguments under the other language prefix.
    """
    home = f"/{language}/"
    if language not in LANGUAGE_CODES or not url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return home
    path, _, query = url.partition("?")
    source = get_language_from_path(path) or translation.get_language()
    with translation.override(source):
        try:
            match = resolve(path)
        except Resolver404:
            return home
        if match.url_name == "wagtail_serve":
            # Wagtail's pattern captures the page path positionally.
            route = match.kwargs.get("path") or (match.args[0] if match.args else "")
            page = Page.find_for_request(request, route)
            return _page_url_in_language(request, page, language) or home
    try:
        with translation.override(language):
            target = reverse(match.view_name, args=match.args, kwargs=match.kwargs)
    except NoReverseMatch:
        return home
    return f"{target}?{query}" if query else target


def _page_url_in_language(request: HttpRequest, page: Page | None, language: str) -> str | None:
    if page is None:
        return None
    locale = Locale.objects.filter(language_code=language).first()
    if locale is None:
        return None
    translated = page.get_translation_or_none(locale)
    if translated is None or not translated.live:
        return None
    return translated.get_url(request)
