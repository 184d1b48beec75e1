"""What each dossier action takes through the API, validated before its service runs.

The dossier page takes the same input through its forms (``cases.forms``); the action
registry (``cases.registry``) pairs each action with both.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from rest_framework import serializers

from cases.models import Department
from cases.validators import validate_moment


class NoteInput(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=4000)


class AssignInput(NoteInput):
    department = serializers.SlugRelatedField(
        slug_field="code", queryset=Department.objects.all(), required=False, default=None
    )
    handler = serializers.SlugRelatedField(
        slug_field="username",
        queryset=get_user_model().objects.filter(is_active=True),
        required=False,
        default=None,
    )


class PaymentRequestInput(ReasonInput):
    amount = serializers.IntegerField(min_value=0, required=False, default=None)


class ExtendInput(ReasonInput):
    new_due_at = serializers.DateTimeField(validators=[validate_moment])


class StopInput(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)
