"""The portal sync in the API: a dossier's sync state, and the portal's push of dossiers.

``GET /api/v1/dossiers/{code}/sync/``: whoever may see the dossier sees its sync state; center staff also see each message with its
acknowledgement or the portal's reason for refusing it.
"""

import hmac

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import selectors as case_selectors
from cases.policy import sync_denial_reason
from linkage.framework.outbound import TransportError
from linkage.portal import selectors
from linkage.portal.inbound import Verdict, inbound_accept
from linkage.portal.services import portal_adapter
from thanhsen.errors import ApplicationError, ErrorKind


class SyncStateOutput(serializers.Serializer):
    system = serializers.CharField()
    messages = serializers.IntegerField()
    sent = serializers.IntegerField()
    acknowledged = serializers.IntegerField()
    pending = serializers.IntegerField()
    rejected = serializers.IntegerField()
    blocked = serializers.BooleanField()
    in_sync = serializers.BooleanField()
    last_error = serializers.CharField()
    last_sent_at = serializers.DateTimeField(allow_null=True)
    last_acknowledged_at = serializers.DateTimeField(allow_null=True)


class SyncMessageOutput(serializers.Serializer):
    system = serializers.CharField(source="stream.system")
    sequence = serializers.IntegerField()
    message_id = serializers.UUIDField()
    kind = serializers.CharField()
    state = serializers.CharField()
    state_display = serializers.CharField(source="get_state_display")
    created_at = serializers.DateTimeField()
    sent_at = serializers.DateTimeField(allow_null=True)
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    reason = serializers.CharField()
    last_error = serializers.CharField()
    warning = serializers.CharField()


class DossierSyncOutput(serializers.Serializer):
    code = serializers.CharField()
    systems = SyncStateOutput(many=True)
    messages = SyncMessageOutput(many=True, required=False)


class PushOutput(serializers.Serializer):
    verdict = serializers.CharField()
    code = serializers.CharField()
    reason = serializers.CharField()


class DossierSync(APIView):
    @extend_schema(responses=DossierSyncOutput)
    def get(self, request, code: str):
        dossier = case_selectors.dossier_get(user=request.user, code=code)
        data = {"code": dossier.code, "systems": selectors.dossier_sync_state(dossier.pk)}
        if sync_denial_reason(request.user, "view") is None:
            data["messages"] = selectors.dossier_sync_timeline(dossier.pk)
        return Response(DossierSyncOutput(data).data)


class DossierPush(APIView):
    """``POST /api/v1/portal/dossiers/``: the portal pushes a resident's online dossier.

    The portal authenticates with ``Authorization: Bearer <PORTAL_PUSH_TOKEN>``; without a
    configured token push is off (404). The answer says what became of the offer; offering the
    same dossier again answers ``duplicate`` with the same code.
    """

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(request=dict, responses=PushOutput)
    def post(self, request):
        token = settings.PORTAL_PUSH_TOKEN
        if not token:
            raise ApplicationError(_("Không tìm thấy."), kind=ErrorKind.NOT_FOUND)
        given = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if not hmac.compare_digest(given.encode(), token.encode()):
            raise ApplicationError(_("Thiếu hoặc sai mã xác thực của Cổng."),
                                   kind=ErrorKind.FORBIDDEN)
        try:
            outcome = inbound_accept(request.data, fetch=portal_adapter().file)
        except TransportError as exc:
            raise ApplicationError(
                _("Chưa tải được tệp thành phần từ Cổng; hãy gửi lại sau."),
                kind=ErrorKind.CONFLICT,
            ) from exc
        data = PushOutput({
            "verdict": outcome.verdict,
            "code": outcome.dossier.code if outcome.dossier else "",
            "reason": outcome.reason,
        }).data
        if outcome.verdict in (Verdict.INVALID, Verdict.BAD_FILE):
            return Response(data, status=status.HTTP_400_BAD_REQUEST)
        created = outcome.verdict == Verdict.CREATED
        return Response(data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
