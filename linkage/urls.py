from django.urls import path

from linkage import api, views
from linkage.civil_status import views as civil_status_views
from linkage.land import views as land_views
from linkage.portal import api as portal_api
from linkage.portal import views as portal_views

app_name = "linkage"

urlpatterns = [
    path("lien-thong/", views.bundles, name="bundles"),
    path("tiep-nhan/lien-thong/<str:kind>/", views.counter_bundle, name="counter_bundle"),
    path("lien-thong/buoc/<int:pk>/gui-lai/", views.step_retry, name="step_retry"),
    path("lien-thong/cong-dvcqg/", portal_views.health, name="portal_health"),
    path("lien-thong/cong-dvcqg/can-xu-ly/", portal_views.queue, name="portal_queue"),
    path("lien-thong/cong-dvcqg/chuyen-don-vi/", portal_views.transfers, name="portal_transfers"),
    path(
        "lien-thong/cong-dvcqg/doi-soat/",
        portal_views.reconciliation,
        name="portal_reconciliation",
    ),
    path(
        "lien-thong/cong-dvcqg/thong-diep/<int:pk>/",
        portal_views.message_detail,
        name="portal_message",
    ),
    path(
        "lien-thong/cong-dvcqg/thong-diep/<int:pk>/da-xu-ly/",
        portal_views.message_correct,
        name="portal_message_correct",
    ),
    path(
        "lien-thong/cong-dvcqg/luong/<int:pk>/gui-lai/",
        portal_views.stream_retry,
        name="portal_stream_retry",
    ),
    path(
        "lien-thong/cong-dvcqg/ho-so/<str:code>/dong-bo-lai/",
        portal_views.dossier_resync,
        name="portal_resync",
    ),
    path("lien-thong/ho-tich/", civil_status_views.queue, name="civil_status_queue"),
    path(
        "lien-thong/ho-tich/dang-ky/<int:pk>/sua/",
        civil_status_views.correct,
        name="civil_status_correct",
    ),
    path(
        "lien-thong/ho-tich/luong/<int:pk>/gui-lai/",
        civil_status_views.stream_retry,
        name="civil_status_stream_retry",
    ),
    path(
        "ho-so-cua-toi/<str:code>/trich-luc/",
        civil_status_views.my_extract,
        name="civil_status_my_extract",
    ),
    path("lien-thong/dat-dai/", land_views.queue, name="land_queue"),
    path("lien-thong/dat-dai/<str:code>/chuyen/", land_views.transfer, name="land_transfer"),
    path("lien-thong/<str:code>/", views.bundle_detail, name="bundle"),
    path("lien-thong/<str:code>/da-sua-ho-tich/", views.bundle_correct, name="bundle_correct"),
    path(
        "lien-thong/<str:code>/xac-nhan-than-nhan/", views.bundle_relatives, name="bundle_relatives"
    ),
    path("api/v1/bundles/", api.BundleCreate.as_view(), name="api_bundles"),
    path("api/v1/bundles/<str:code>/", api.BundleDetail.as_view(), name="api_bundle"),
    path("api/v1/dossiers/<str:code>/sync/", portal_api.DossierSync.as_view(), name="api_sync"),
    path("api/v1/portal/dossiers/", portal_api.DossierPush.as_view(), name="api_portal_push"),
]
