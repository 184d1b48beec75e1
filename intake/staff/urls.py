"""Paths of intake's staff pages (delivery log, ratings, complaints, the cash desk),
included by intake.urls."""

from django.urls import path

from intake.staff import views as staff_views

urlpatterns = [
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
