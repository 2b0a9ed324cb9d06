from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from apps.api import views

app_name = "api"
urlpatterns = [
    path("v1/datasets/", views.DatasetList.as_view(), name="datasets"),
    path("v1/datasets/<str:slug>/releases/", views.DatasetReleases.as_view(), name="releases"),
    path(
        "v1/datasets/<str:slug>/releases/<int:number>/export.<str:extension>",
        views.ReleaseExport.as_view(),
        name="release_export",
    ),
    path("v1/catalog.jsonld", views.DcatCatalog.as_view(), name="dcat"),
    path("v1/objects/", views.ObjectList.as_view(), name="objects"),
    path("v1/elements/", views.ElementList.as_view(), name="elements"),
    path("v1/elements/changes/", views.ElementChanges.as_view(), name="element_changes"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
