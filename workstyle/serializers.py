from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

from workstyle.models import Notification

# Every error answer: a message and the field errors (workstyle.api.exception_handler).
ErrorSerializer = inline_serializer(
    name="Error",
    fields={
        "message": serializers.CharField(),
        "errors": serializers.DictField(child=serializers.ListField(child=serializers.CharField())),
    },
)


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    title = serializers.CharField(read_only=True)
    body = serializers.CharField(read_only=True)
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = ("id", "kind", "title", "body", "url", "created_at", "read_at", "is_read")
        read_only_fields = fields


class TokenRequestSerializer(serializers.Serializer[dict[str, str]]):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class TokenResponseSerializer(serializers.Serializer[dict[str, str]]):
    token = serializers.CharField()


class MarkReadSerializer(serializers.Serializer[dict[str, object]]):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), required=False, max_length=1000
    )
