from django.urls import path

from linkage import api, views

app_name = "linkage"

urlpatterns = [
    path("lien-thong/", views.bundles, name="bundles"),
    path("tiep-nhan/lien-thong/<str:kind>/", views.counter_bundle, name="counter_bundle"),
    path("lien-thong/buoc/<int:pk>/gui-lai/", views.step_retry, name="step_retry"),
    path("lien-thong/<str:code>/", views.bundle_detail, name="bundle"),
    path("lien-thong/<str:code>/da-sua-ho-tich/", views.bundle_correct, name="bundle_correct"),
    path(
        "lien-thong/<str:code>/xac-nhan-than-nhan/", views.bundle_relatives, name="bundle_relatives"
    ),
    path("api/v1/bundles/", api.BundleCreate.as_view(), name="api_bundles"),
    path("api/v1/bundles/<str:code>/", api.BundleDetail.as_view(), name="api_bundle"),
]
