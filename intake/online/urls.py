"""Paths of the residents' online service and intake's staff pages, included by intake.urls."""

from django.urls import path

from intake import vneid
from intake.online import views
from intake.payments import views as payment_views
from intake.staff import views as staff_views

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
    path("thanh-toan/<str:reference>/", payment_views.payment_start, name="payment_start"),
    path("thanh-toan-ket-qua/", payment_views.payment_return, name="payment_return"),
    path("thanh-toan-callback/", payment_views.payment_callback, name="payment_callback"),
    path("can-bo/thong-bao/", staff_views.notification_log, name="staff_notifications"),
    path("can-bo/danh-gia/", staff_views.ratings, name="staff_ratings"),
    path("can-bo/phan-anh/", staff_views.complaints, name="staff_complaints"),
    path("can-bo/phan-anh/<int:pk>/tra-loi/", staff_views.complaint_answer,
         name="staff_complaint_answer"),
    path("can-bo/thu-phi/", staff_views.payments, name="staff_payments"),
    path("can-bo/thu-phi/ho-so/<str:code>/tien-mat/", staff_views.fee_cash, name="staff_fee_cash"),
    path("can-bo/thu-phi/<str:reference>/tien-mat/", staff_views.payment_cash,
         name="staff_payment_cash"),
]
