"""Paths of online payment (the provider's checkout and its notices), included by
intake.urls."""

from django.urls import path

from intake.payments import views as payment_views

urlpatterns = [
    path("thanh-toan/<str:reference>/", payment_views.payment_start, name="payment_start"),
    path("thanh-toan-ket-qua/", payment_views.payment_return, name="payment_return"),
    path("thanh-toan-callback/", payment_views.payment_callback, name="payment_callback"),
]
