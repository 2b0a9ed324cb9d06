from django.core.exceptions import BadRequest
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from apps.accounts.services import user_set_preferred_language
from apps.core.health import health_run, worker_heartbeat_age
from apps.core.languages import LANGUAGE_CODES
from apps.core.languages_urls import url_in_language


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    results = health_run()
    healthy = all(r.ok for r in results)
    body = {
        "status": "ok" if healthy else "error",
        "checks": {
            r.name: {
                "ok": r.ok,
                "ms": round(r.milliseconds, 1),
                **({"error": r.error} if r.error else {}),
            }
            for r in results
        },
    }
    # Informative only: a deployment may run its workers elsewhere or not yet have started them.
    try:
        age = worker_heartbeat_age()
    except DatabaseError:
        age = None
    body["worker_heartbeat_seconds_ago"] = None if age is None else round(age)
    return JsonResponse(body, status=200 if healthy else 503)


@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    """Switch language and stay on the same page; a signed-in user's choice is remembered."""
    language = request.POST.get("language", "")
    if language not in LANGUAGE_CODES:
        raise BadRequest(_("Unknown language."))
    target = url_in_language(request, request.POST.get("next", "/"), language)
    if request.user.is_authenticated:
        user_set_preferred_language(user=request.user, language=language)
    request.portal_language = language
    return HttpResponseRedirect(target)


def admin_login_redirect(request: HttpRequest) -> HttpResponse:
    """The Wagtail admin's own login form is replaced by allauth's, which enforces MFA."""
    query = request.GET.urlencode()
    url = reverse("account_login")
    return HttpResponseRedirect(f"{url}?{query}" if query else url)


def home_redirect(request: HttpRequest) -> HttpResponse:
    return HttpResponseRedirect(f"/{translation.get_language()}/")


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    """API clients get problem+json; people get the translated page."""
    if request.path_info.startswith("/api/"):
        return JsonResponse(
            {
                "type": "about:blank",
                "title": "Not found",
                "status": 404,
                "detail": "No such API endpoint. See /api/docs/.",
            },
            status=404,
            content_type="application/problem+json",
        )
    from django.views.defaults import page_not_found as default_page_not_found

    return default_page_not_found(request, exception)
