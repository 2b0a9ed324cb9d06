from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve as serve_static
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from apps.core import views as core_views

# Django admin signs in through allauth too (MFA included): no second, weaker login form.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("health/", core_views.health, name="health"),
    path("api/", include("apps.api.urls")),
    path("i18n/switch/", core_views.language_switch, name="language_switch"),
    path("admin/login/", core_views.admin_login_redirect, name="wagtailadmin_login_redirect"),
    path("admin/", include(wagtailadmin_urls)),
    path("django-admin/", admin.site.urls),
    path("documents/", include(wagtaildocs_urls)),
]

if settings.MEDIA_URL.startswith("/"):
    # Media uploaded by editors; behind a proxy or with object storage this is served elsewhere.
    urlpatterns.append(
        path(
            f"{settings.MEDIA_URL.strip('/')}/<path:path>",
            serve_static,
            {"document_root": settings.MEDIA_ROOT},
        )
    )

urlpatterns += i18n_patterns(
    path("accounts/", include("apps.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("apps.courses.urls")),
    path("", include("apps.datasets.urls")),
    path("", include("apps.api.site_urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)


handler404 = "apps.core.views.page_not_found"
