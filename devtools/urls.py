"""Pages of the development tools, mounted by the project's URLs only when installed."""

from django.urls import path

from devtools import views

app_name = "devtools"

urlpatterns = [
    path("cong-thanh-toan-mo-phong/<str:reference>/", views.payment_simulator,
         name="payment_simulator"),
]
