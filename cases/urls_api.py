from django.urls import path

from cases import api

urlpatterns = [
    path("procedures/", api.ProcedureList.as_view(), name="procedure-list"),
    path("procedures/<str:code>/", api.ProcedureDetail.as_view(), name="procedure-detail"),
    path("dossiers/", api.DossierListCreate.as_view(), name="dossier-list"),
    path("dossiers/<str:code>/", api.DossierDetail.as_view(), name="dossier-detail"),
    path(
        "dossiers/<str:code>/transitions/<str:name>/",
        api.DossierTransition.as_view(),
        name="dossier-transition",
    ),
]
