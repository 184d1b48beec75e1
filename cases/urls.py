"""The staff workspace (``/lam-viec/``)."""

from django.urls import path

from cases import delegation_views, post_audit_views, views

app_name = "cases"

urlpatterns = [
    path("lam-viec/", views.queue, name="queue"),
    path("lam-viec/tim-kiem/", views.search, name="search"),
    path("lam-viec/ho-so/<str:code>/", views.dossier_detail, name="dossier"),
    path("lam-viec/ho-so/<str:code>/thao-tac/<str:name>/", views.dossier_action, name="action"),
    path("lam-viec/ho-so/<str:code>/tep/<str:kind>/", views.dossier_file, name="file"),
    path("lam-viec/uy-quyen/", delegation_views.register, name="delegation"),
    path("lam-viec/uy-quyen/<int:pk>/thu-hoi/", delegation_views.revoke, name="delegation_revoke"),
    path("lam-viec/uy-quyen/<int:pk>/ban-quet/", delegation_views.scan, name="delegation_scan"),
    path("lam-viec/hau-kiem/", post_audit_views.queue, name="post_audit"),
    path("lam-viec/hau-kiem/<int:pk>/", post_audit_views.review, name="post_audit_review"),
    path("lam-viec/hau-kiem/bao-cao.csv", post_audit_views.export, name="post_audit_export"),
]
