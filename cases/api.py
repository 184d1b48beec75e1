"""REST API of the catalogue and dossiers (``/api/v1/``). Thin: parse, call, present."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext as _
from django_filters.fields import IsoDateTimeField
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import actions, selectors
from cases.models import Channel, CopyType, Dossier, DossierEvent, Procedure, Status
from cases.policy import PERSONAL_DATA_FIELDS, may_view_personal_data
from cases.registry import API_ACTIONS
from cases.validators import validate_id_number, validate_moment, validate_phone
from thanhsen.errors import ApplicationError, ErrorKind


# --- procedures ------------------------------------------------------------------------------
class RequiredDocumentOutput(serializers.Serializer):
    name = serializers.CharField()
    copy_type = serializers.CharField()
    quantity = serializers.IntegerField()
    mandatory = serializers.BooleanField()


class ProcedureOutput(serializers.ModelSerializer):
    field = serializers.CharField(source="field.name")
    field_code = serializers.CharField(source="field.code")
    department = serializers.CharField(source="department.name")
    agency = serializers.CharField(source="agency.name", allow_null=True, default=None)
    documents = RequiredDocumentOutput(many=True)

    class Meta:
        model = Procedure
        fields = [
            "code", "version", "name", "field", "field_code", "department", "agency",
            "competent_authority", "center_may_decide", "time_limit", "time_unit",
            "verification_time_limit", "fee", "online_level", "has_result_document",
            "legal_basis", "illustrative", "form_fields", "documents",
        ]


class ProcedureList(ListAPIView):
    """The public catalogue: residents browse it without logging in."""

    permission_classes = [AllowAny]
    authentication_classes = []
    serializer_class = ProcedureOutput
    filter_backends = []

    def get_queryset(self):
        return selectors.procedure_list()


class ProcedureDetail(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(responses=ProcedureOutput)
    def get(self, request, code: str):
        return Response(ProcedureOutput(selectors.procedure_get(code=code)).data)


# --- dossiers --------------------------------------------------------------------------------
class EventOutput(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", allow_null=True, default=None)
    authorisation = serializers.CharField(
        source="authorisation.document_number", allow_null=True, default=None
    )

    class Meta:
        model = DossierEvent
        fields = ["at", "action", "from_status", "to_status", "actor", "note", "authorisation",
                  "payload"]


class DossierOutput(serializers.ModelSerializer):
    procedure = serializers.CharField(source="procedure.code")
    procedure_name = serializers.CharField(source="procedure.name")
    procedure_version = serializers.IntegerField(source="procedure.version")
    status_display = serializers.CharField(source="get_status_display")
    dvcqg_status = serializers.IntegerField()
    appointment_at = serializers.DateTimeField(allow_null=True)
    classification = serializers.SerializerMethodField()
    department = serializers.CharField(source="department.code", allow_null=True, default=None)
    handler = serializers.CharField(source="handler.username", allow_null=True, default=None)

    class Meta:
        model = Dossier
        fields = [
            "code", "procedure", "procedure_name", "procedure_version", "status",
            "status_display", "dvcqg_status", "channel", "applicant_name", "created_at",
            "received_at", "initial_due_at", "due_at", "quality_due_at", "extended_due_at",
            "appointment_at", "classification", "department", "handler", "fee_amount",
            "outcome", "resolved_at", "returned_at", "stopped_at",
        ]

    def get_classification(self, dossier) -> str | None:
        classification = selectors.dossier_classification(dossier)
        return classification.value if classification else None


class DocumentOutput(serializers.Serializer):
    name = serializers.CharField()
    copy_type = serializers.CharField()
    quantity = serializers.IntegerField()
    reused = serializers.BooleanField()
    digitised = serializers.BooleanField(source="is_digitised")


class DossierDetailOutput(DossierOutput):
    """The whole dossier; the personal data are ``null`` to those the policy does not let see
    them (``cases.policy.may_view_personal_data``)."""

    applicant_id_number = serializers.CharField(allow_null=True)
    applicant_phone = serializers.CharField(allow_null=True)
    applicant_email = serializers.CharField(allow_null=True)
    applicant_address = serializers.CharField(allow_null=True)
    documents = DocumentOutput(many=True)
    events = EventOutput(many=True)
    available_transitions = serializers.SerializerMethodField()

    class Meta(DossierOutput.Meta):
        fields = DossierOutput.Meta.fields + [
            "applicant_id_number", "applicant_phone", "applicant_email", "applicant_address",
            "completion_request", "not_accepted_reason", "supplement_request", "extension_reason",
            "outcome_reason", "stop_reason", "documents", "events", "available_transitions",
        ]

    def get_available_transitions(self, dossier) -> list[str]:
        return selectors.dossier_available_actions(dossier, self.context["request"].user)

    def to_representation(self, dossier):
        data = super().to_representation(dossier)
        if not may_view_personal_data(self.context["request"].user, dossier):
            data.update(dict.fromkeys(PERSONAL_DATA_FIELDS))
        return data


class MomentField(IsoDateTimeField):
    default_validators = [validate_moment]


class MomentFilter(django_filters.IsoDateTimeFilter):
    """An ISO date and time within ``validate_moment``'s years (else 400, not 500)."""

    field_class = MomentField


class DossierFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Status.choices)
    field = django_filters.CharFilter(field_name="procedure__field__code")
    department = django_filters.CharFilter(field_name="department__code")
    procedure = django_filters.CharFilter(field_name="procedure__code")
    channel = django_filters.ChoiceFilter(choices=Channel.choices)
    overdue = django_filters.BooleanFilter(method="filter_overdue")
    due_before = MomentFilter(field_name="due_at", lookup_expr="lt")

    class Meta:
        model = Dossier
        fields = ["status", "field", "department", "procedure", "channel", "overdue", "due_before"]

    def filter_overdue(self, queryset, name, value):
        return selectors.dossier_filter_overdue(queryset, overdue=value)


class ApplicantInput(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    id_number = serializers.CharField(validators=[validate_id_number])
    phone = serializers.CharField(validators=[validate_phone])
    # The column's length: Django's email validator alone lets 320 characters through, which
    # PostgreSQL would then refuse with a 500.
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=300)


class DocumentInput(serializers.Serializer):
    name = serializers.CharField(max_length=400)
    copy_type = serializers.ChoiceField(choices=CopyType.choices, default=CopyType.COPY)
    quantity = serializers.IntegerField(min_value=1, max_value=50, default=1)
    reused = serializers.BooleanField(default=False)


class DossierCreateInput(serializers.Serializer):
    procedure = serializers.CharField(max_length=40)
    channel = serializers.ChoiceField(choices=Channel.choices)
    applicant = ApplicantInput()
    documents = DocumentInput(many=True, required=False, default=list)
    pages = serializers.IntegerField(min_value=0, max_value=1000, default=0)
    receive = serializers.BooleanField(default=False)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class DossierListCreate(ListAPIView):
    serializer_class = DossierOutput
    filterset_class = DossierFilter

    def get_queryset(self):
        # The pauses tell a waiting dossier's classification (within deadline, never overdue).
        return (selectors.dossier_visible_to(self.request.user).prefetch_related("pauses")
                .order_by("-created_at", "-id"))

    @extend_schema(request=DossierCreateInput, responses={201: DossierDetailOutput})
    def post(self, request):
        data = _validated(DossierCreateInput, request.data)
        dossier = actions.dossier_create(
            procedure_code=data["procedure"],
            applicant=actions.Applicant(**data["applicant"]),
            channel=data["channel"],
            documents=[actions.SubmittedDocument(**doc) for doc in data["documents"]],
            pages=data["pages"],
            receive=data["receive"],
            note=data["note"],
            actor=request.user,
        )
        return Response(_detail(request, dossier.code), status=status.HTTP_201_CREATED)


class DossierDetail(APIView):
    @extend_schema(responses=DossierDetailOutput)
    def get(self, request, code: str):
        actions.dossier_read_personal_data(
            dossier=selectors.dossier_get(user=request.user, code=code), actor=request.user
        )
        return Response(_detail(request, code))


def _detail(request, code: str) -> dict:
    dossier = selectors.dossier_get(user=request.user, code=code, with_events=True)
    return DossierDetailOutput(dossier, context={"request": request}).data


def _validated(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- transitions -----------------------------------------------------------------------------
class DossierTransition(APIView):
    """Take one step: 200 with the dossier, 409 when not allowed now, 403 when not yours."""

    @extend_schema(
        parameters=[
            OpenApiParameter("name", str, OpenApiParameter.PATH, enum=sorted(API_ACTIONS)),
        ],
        request=inline_serializer(
            "TransitionInput",
            {
                "note": serializers.CharField(required=False),
                "reason": serializers.CharField(required=False),
                "department": serializers.CharField(required=False),
                "handler": serializers.CharField(required=False),
                "amount": serializers.IntegerField(required=False),
                "new_due_at": serializers.DateTimeField(required=False),
            },
        ),
        responses=DossierDetailOutput,
    )
    def post(self, request, code: str, name: str):
        action = API_ACTIONS.get(name)
        if action is None:
            raise ApplicationError(
                _("Không có thao tác “%(name)s”.") % {"name": name}, kind=ErrorKind.NOT_FOUND
            )
        dossier = selectors.dossier_get(user=request.user, code=code)
        data = _validated(action.api_input, request.data)
        action.service(dossier=dossier, actor=request.user, **data)
        return Response(_detail(request, code))
