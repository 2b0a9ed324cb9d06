from django.urls import path

from apps.datasets import views

app_name = "datasets"
urlpatterns = [
    path("datasets/", views.dataset_list, name="list"),
    path("datasets/<str:slug>/", views.dataset_detail, name="detail"),
]
