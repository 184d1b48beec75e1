"""Paths of the residents' online service, included by intake.urls."""

from django.urls import path

from intake import vneid
from intake.online import views

urlpatterns = [
    path("tra-cuu/", views.lookup, name="lookup"),
    path("dang-ky/", views.register, name="register"),
    path("dang-nhap/vneid/", vneid.VNeIDLoginView.as_view(), name="vneid_login"),
    path("dang-nhap/vneid/callback/", vneid.VNeIDCallbackView.as_view(), name="vneid_callback"),
    path("thu-tuc/", views.procedures, name="procedures"),
    path("thu-tuc/<str:code>/nop/", views.submit, name="submit"),
    path("ho-so-cua-toi/", views.my_dossiers, name="my_dossiers"),
    path("ho-so-cua-toi/<str:code>/", views.my_dossier, name="my_dossier"),
    path("ho-so-cua-toi/<str:code>/da-nop/", views.submitted, name="submitted"),
    path("danh-gia/", views.rate, name="rate"),
    path("phan-anh-kien-nghi/", views.complaint, name="complaint"),
]
