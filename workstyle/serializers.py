from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

from workstyle.models import ApiToken, Notification

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
    # What the token is for (e.g. the system that uses it), to tell one's tokens apart in the list.
    name = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")


class TokenResponseSerializer(serializers.Serializer[dict[str, str]]):
    token = serializers.CharField(help_text="Shown this once: the portal keeps only its digest.")
    expires_at = serializers.DateTimeField()


class ApiTokenSerializer(serializers.ModelSerializer[ApiToken]):
    """One of the caller's tokens, without the token itself (which the portal does not keep)."""

    state = serializers.ChoiceField(choices=ApiToken.State.choices, read_only=True)

    class Meta:
        model = ApiToken
        fields = (
            "id",
            "name",
            "key_id",
            "state",
            "created_at",
            "expires_at",
            "last_used_at",
            "revoked_at",
            "revoked_because",
        )
        read_only_fields = fields


class MarkReadSerializer(serializers.Serializer[dict[str, object]]):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), required=False, max_length=1000
    )
