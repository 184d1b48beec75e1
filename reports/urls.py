from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("bao-cao/", views.dashboard, name="dashboard"),
    path("bao-cao/bieu-06/", views.bieu06, name="bieu06"),
    path("bao-cao/chi-so/", views.indicators, name="indicators"),
    path("bao-cao/phan-tich/", views.insights_page, name="insights"),
    path("bao-cao/ho-so/", views.dossiers, name="dossiers"),
    path("bao-cao/xuat/", views.export_create, name="export_create"),
    path("bao-cao/xuat/<int:pk>/", views.export_status, name="export"),
    path("bao-cao/xuat/<int:pk>/tai-ve/", views.export_download, name="export_download"),
    path("cong-khai/", views.transparency, name="transparency"),
]
