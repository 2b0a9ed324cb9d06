from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from apps.api import dataset_views, table_views, views

app_name = "api"
urlpatterns = [
    path("v1/datasets/", dataset_views.DatasetList.as_view(), name="datasets"),
    path(
        "v1/datasets/<str:slug>/releases/", dataset_views.DatasetReleases.as_view(), name="releases"
    ),
    path(
        "v1/datasets/<str:slug>/releases/<int:number>/export.<str:extension>",
        dataset_views.ReleaseExport.as_view(),
        name="release_export",
    ),
    path(
        "v1/datasets/<str:slug>/releases/<int:number>/files/<str:format_name>.gz",
        dataset_views.ReleaseFileDownload.as_view(),
        name="release_file",
    ),
    path("v1/catalog.jsonld", dataset_views.DcatCatalog.as_view(), name="dcat"),
    path("v1/objects/", views.ObjectList.as_view(), name="objects"),
    path("v1/elements/", views.ElementList.as_view(), name="elements"),
    path("v1/elements/changes/", views.ElementChanges.as_view(), name="element_changes"),
    path("v1/tables/", table_views.TableList.as_view(), name="tables"),
    path("v1/tables/<str:slug>/", table_views.TableDetail.as_view(), name="table"),
    path("v1/tables/<str:slug>/rows/", table_views.TableRows.as_view(), name="table_rows"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
