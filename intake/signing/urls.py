"""The public verification page the QR code on every signed document opens."""

from django.urls import path

from intake.signing import views

app_name = "signing"

urlpatterns = [
    path("xac-thuc/<uuid:document_id>/", views.verify, name="verify"),
    path("ho-so-cua-toi/<str:code>/ket-qua.pdf", views.my_result, name="my_result"),
    path("ho-so-cua-toi/<str:code>/ban-sao-chung-thuc/", views.reuse_copy_online,
         name="reuse_copy_online"),
    path("lam-viec/ho-so/<str:code>/ban-sao-chung-thuc/", views.reuse_copy_at_counter,
         name="reuse_copy_at_counter"),
]
