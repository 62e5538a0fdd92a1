from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cadres.models import Cadre, Unit
from ethos.models import AppraisalRound, Commitment, CommitmentEvent, CommitmentYear, Pledge
from ethos.transitions import COMMITMENTS, ROUNDS


def _allowed(workflow: Any, context: Mapping[str, Any], obj: Any) -> list[str]:
    request = context.get("request")
    return workflow.allowed_actions(user=getattr(request, "user", None), obj=obj, now=timezone.now())


class CommitmentYearSerializer(serializers.ModelSerializer[CommitmentYear]):
    class Meta:
        model = CommitmentYear
        fields = ("id", "year", "deadline", "opened_at")
        read_only_fields = ("id", "opened_at")
        # The service says why a year is refused (already open, out of range).
        extra_kwargs: ClassVar[dict[str, Any]] = {"year": {"validators": []}}


class PledgeSerializer(serializers.ModelSerializer[Pledge]):
    ethos = serializers.CharField(source="ethos.code", read_only=True)
    ethos_name = serializers.CharField(source="ethos.name", read_only=True)

    class Meta:
        model = Pledge
        fields = ("ethos", "ethos_name", "text")
        read_only_fields = fields


class CommitmentEventSerializer(serializers.ModelSerializer[CommitmentEvent]):
    verb_display = serializers.CharField(source="verb_label", read_only=True)
    actor = serializers.CharField(source="actor.get_username", read_only=True, allow_null=True)

    class Meta:
        model = CommitmentEvent
        fields = ("id", "at", "actor", "verb", "verb_display", "from_state", "to_state", "note")
        read_only_fields = fields


class CommitmentSerializer(serializers.ModelSerializer[Commitment]):
    year = serializers.IntegerField(source="year.year", read_only=True)
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    pledges = PledgeSerializer(many=True, read_only=True)
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = Commitment
        fields: tuple[str, ...] = (
            "id",
            "cadre",
            "cadre_name",
            "year",
            "status",
            "status_display",
            "pledges",
            "signed_at",
            "reviewed_at",
            "review_comment",
            "return_reason",
            "created_at",
            "updated_at",
            "allowed_actions",
        )
        read_only_fields: tuple[str, ...] = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_actions(self, commitment: Commitment) -> list[str]:
        return _allowed(COMMITMENTS, self.context, commitment)


class CommitmentDetailSerializer(CommitmentSerializer):
    events = CommitmentEventSerializer(many=True, read_only=True)

    class Meta(CommitmentSerializer.Meta):
        fields = (*CommitmentSerializer.Meta.fields, "events")
        read_only_fields = fields


class PledgeInputSerializer(serializers.Serializer[dict[str, Any]]):
    ethos = serializers.CharField(max_length=40)
    text = serializers.CharField(max_length=2000, allow_blank=True)


class CommitmentCreateSerializer(serializers.Serializer[dict[str, Any]]):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    pledges = PledgeInputSerializer(many=True)

    def validate_year(self, value: int) -> CommitmentYear:
        year = CommitmentYear.objects.filter(year=value).first()
        if year is None:
            raise serializers.ValidationError(_("Commitments have not been asked for this year."))
        return year


class CommitmentUpdateSerializer(serializers.Serializer[dict[str, Any]]):
    pledges = PledgeInputSerializer(many=True)


class CommitmentCommentSerializer(serializers.Serializer[dict[str, Any]]):
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class CommitmentReasonSerializer(serializers.Serializer[dict[str, Any]]):
    reason = serializers.CharField(max_length=5000)


class RoundSerializer(serializers.ModelSerializer[AppraisalRound]):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    appraisees: Any = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = AppraisalRound
        fields = (
            "id",
            "unit",
            "unit_name",
            "year",
            "status",
            "status_display",
            "appraisees",
            "created_at",
            "opened_at",
            "closed_at",
            "allowed_actions",
        )
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_actions(self, round: AppraisalRound) -> list[str]:
        return _allowed(ROUNDS, self.context, round)


class RoundCreateSerializer(serializers.Serializer[dict[str, Any]]):
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.none())
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    raters = serializers.PrimaryKeyRelatedField(queryset=Cadre.objects.none(), many=True, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = getattr(self.context.get("request"), "user", None)
        self.fields["unit"].queryset = Unit.objects.visible_to(user)  # type: ignore[attr-defined]
        self.fields["raters"].child_relation.queryset = Cadre.objects.visible_to(user)  # type: ignore[attr-defined]


class LinkCountSerializer(serializers.Serializer[dict[str, Any]]):
    count = serializers.IntegerField(min_value=1, max_value=200)


class RaterLinkSerializer(serializers.Serializer[dict[str, Any]]):
    token = serializers.CharField()
    url = serializers.CharField()


class BallotSerializer(serializers.Serializer[dict[str, Any]]):
    cadre = serializers.IntegerField(min_value=1, max_value=2**62)
    grades = serializers.DictField(child=serializers.CharField(max_length=20))


class EthosResultSerializer(serializers.Serializer[Any]):
    ethos = serializers.CharField(source="ethos.code")
    name = serializers.CharField(source="ethos.name")
    counts = serializers.DictField(child=serializers.IntegerField())
    total = serializers.IntegerField()
    shares = serializers.DictField(child=serializers.FloatField())
    flagged = serializers.BooleanField()


class CadreResultSerializer(serializers.Serializer[Any]):
    cadre = serializers.IntegerField(source="cadre.pk")
    cadre_name = serializers.CharField(source="cadre.name")
    ballots = serializers.IntegerField()
    overall = serializers.CharField(allow_null=True)
    flagged = serializers.BooleanField()
    ethos = EthosResultSerializer(many=True)
