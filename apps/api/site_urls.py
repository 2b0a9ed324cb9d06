from django.urls import path

from apps.api import site_views

app_name = "api_keys"
urlpatterns = [
    path("api-guide/", site_views.api_guide, name="guide"),
    path("partner/keys/", site_views.key_list, name="list"),
    path("partner/keys/<int:pk>/revoke/", site_views.key_revoke, name="revoke"),
]
