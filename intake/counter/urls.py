"""The counter's intake pages and the printed forms (``intake:counter_*``, ``intake:document``)."""

from django.urls import path

from intake.counter import views
from intake.documents import views as documents

urlpatterns = [
    path("tiep-nhan/", views.pick_procedure, name="counter_intake"),
    path("tiep-nhan/thu-tuc/<str:code>/", views.intake, name="counter_form"),
    path("tiep-nhan/xac-nhan/<str:code>/", views.done, name="counter_done"),
    path("tiep-nhan/chung-thuc/<str:code>/ky/", views.certify, name="certify"),
    path("lam-viec/ho-so/<str:code>/bieu-mau/<str:form>.pdf", documents.dossier_document,
         name="document"),
    path("lam-viec/so-theo-doi/", documents.register, name="register_book"),
]
