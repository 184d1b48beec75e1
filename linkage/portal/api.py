"""``GET /api/v1/dossiers/{code}/sync/``: how far a dossier's sync with outside systems got.

Whoever may see the dossier sees its sync state; center staff also see each message with its
acknowledgement or the portal's reason for refusing it.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import selectors as case_selectors
from linkage.permissions import sync_denial_reason
from linkage.portal import selectors


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


class DossierSync(APIView):
    @extend_schema(responses=DossierSyncOutput)
    def get(self, request, code: str):
        dossier = case_selectors.dossier_get(user=request.user, code=code)
        data = {"code": dossier.code, "systems": selectors.dossier_sync_state(dossier.pk)}
        if sync_denial_reason(request.user, "view") is None:
            data["messages"] = selectors.dossier_sync_timeline(dossier.pk)
        return Response(DossierSyncOutput(data).data)
