"""The staff workspace (``/lam-viec/``)."""

from django.urls import path

from cases import views

app_name = "cases"

urlpatterns = [
    path("lam-viec/", views.queue, name="queue"),
    path("lam-viec/tim-kiem/", views.search, name="search"),
    path("lam-viec/ho-so/<str:code>/", views.dossier_detail, name="dossier"),
    path("lam-viec/ho-so/<str:code>/thao-tac/<str:name>/", views.dossier_action, name="action"),
    path("lam-viec/ho-so/<str:code>/tep/<str:kind>/", views.dossier_file, name="file"),
]
