from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils.translation import get_language


class LanguageCookieMiddleware:
    """Stores the language chosen in this request (login, switcher, profile) in the cookie.

    Django's LocaleMiddleware reads that cookie, so "/" and un-prefixed pages open in it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        language = getattr(request, "portal_language", None)
        if language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response


class PortalLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, except that it never redirects a 404 of the API, the admin,
    health checks or files to a language-prefixed address (Wagtail's catch-all would accept
    any such address, turning API errors into redirects)."""

    UNPREFIXED = (
        "/api/",
        "/admin/",
        "/django-admin/",
        "/health/",
        "/static/",
        "/media/",
        "/documents/",
    )

    def process_response(self, request, response):
        if request.path_info.startswith(self.UNPREFIXED):
            response.headers.setdefault("Content-Language", get_language())
            return response
        return super().process_response(request, response)
