"""The bundle API: residents (online) and the counter file a bundle; anyone who may see the
parent dossier reads its steps."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import selectors as case_selectors
from cases.actions import Applicant, SubmittedDocument
from cases.api import ApplicantInput, DocumentInput
from cases.models import Channel
from linkage import bundles
from linkage.models import Bundle
from linkage.selectors import bundle_classification
from thanhsen.errors import ApplicationError, ErrorKind


class BundleCreateInput(serializers.Serializer):
    #: The group (``birth``, ``death``); the version in force on the filing day is used.
    kind = serializers.CharField(max_length=16)
    channel = serializers.ChoiceField(choices=Channel.choices)
    applicant = ApplicantInput()
    chosen_procedures = serializers.ListField(
        child=serializers.CharField(max_length=40), required=False, default=list, max_length=10
    )
    needs_verification = serializers.BooleanField(default=False)
    deceased_elderly_with_allowance = serializers.BooleanField(default=False)
    documents = DocumentInput(many=True, required=False, default=list)
    receive = serializers.BooleanField(default=False)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class BundleStepOutput(serializers.Serializer):
    procedure = serializers.CharField(source="procedure.code")
    procedure_name = serializers.CharField(source="procedure.name")
    agency = serializers.CharField(source="agency.code", default="")
    state = serializers.CharField()
    state_display = serializers.CharField(source="get_state_display")
    attempts = serializers.IntegerField()
    time_limit = serializers.IntegerField()
    ready_at = serializers.DateTimeField()
    sent_at = serializers.DateTimeField()
    completed_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()
    result = serializers.JSONField()


class BundleOutput(serializers.Serializer):
    code = serializers.CharField(source="dossier.code")
    kind = serializers.CharField(source="kind.code")
    catalogue_code = serializers.CharField(source="kind.catalogue_code")
    state = serializers.CharField()
    state_display = serializers.CharField(source="get_state_display")
    time_limit = serializers.IntegerField()
    due_at = serializers.DateTimeField()
    classification = serializers.SerializerMethodField()
    steps = BundleStepOutput(many=True)

    def get_classification(self, bundle) -> str:
        return bundle_classification(bundle)


def _output(code: str) -> dict:
    bundle = (
        Bundle.objects.select_related("dossier", "kind")
        .prefetch_related("steps__procedure", "steps__agency")
        .get(dossier__code=code)
    )
    return BundleOutput(bundle).data


class BundleCreate(APIView):
    @extend_schema(request=BundleCreateInput, responses={201: BundleOutput})
    def post(self, request):
        serializer = BundleCreateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        bundle = bundles.bundle_submit(
            kind_code=data["kind"],
            applicant=Applicant(**data["applicant"]),
            actor=request.user,
            channel=data["channel"],
            chosen_procedures=data["chosen_procedures"],
            needs_verification=data["needs_verification"],
            deceased_elderly_with_allowance=data["deceased_elderly_with_allowance"],
            documents=[SubmittedDocument(**doc) for doc in data["documents"]],
            receive=data["receive"],
            note=data["note"],
        )
        return Response(_output(bundle.dossier.code), status=status.HTTP_201_CREATED)


class BundleDetail(APIView):
    @extend_schema(responses=BundleOutput)
    def get(self, request, code: str):
        dossier = case_selectors.dossier_get(user=request.user, code=code)
        if not Bundle.objects.filter(dossier=dossier).exists():
            raise ApplicationError(
                _("Hồ sơ này không phải hồ sơ liên thông."), kind=ErrorKind.NOT_FOUND
            )
        return Response(_output(code))
