"""The statistics API's answer, for the schema (the view builds it with
``stats.selectors.Statistics.as_json``)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


class RatesRowSerializer(serializers.Serializer[Any]):
    id = serializers.CharField(allow_null=True, help_text="The category, channel, unit or department.")
    name = serializers.CharField()
    received = serializers.IntegerField()
    accepted = serializers.IntegerField()
    rejected = serializers.IntegerField()
    answered = serializers.IntegerField()
    overdue = serializers.IntegerField()
    acceptance_counted = serializers.IntegerField(help_text="Complaints whose acceptance was due by now.")
    accepted_in_time = serializers.IntegerField()
    acceptance_in_time_rate = serializers.FloatField(allow_null=True, help_text="0..1; null when nothing to count.")
    reply_counted = serializers.IntegerField(help_text="Accepted complaints whose reply was due by now.")
    replied_in_time = serializers.IntegerField()
    reply_in_time_rate = serializers.FloatField(allow_null=True)
    rated = serializers.IntegerField(help_text="Complaints the complainant rated.")
    satisfied = serializers.IntegerField(help_text="Rated satisfied or basically satisfied.")
    satisfaction_rate = serializers.FloatField(allow_null=True)


class DepartmentRowSerializer(RatesRowSerializer):
    id = serializers.IntegerField()  # type: ignore[assignment]
    unit = serializers.CharField()
    rank = serializers.IntegerField()


class TrendRowSerializer(RatesRowSerializer):
    period = serializers.DateField(help_text="First day of the week or month.")
    label = serializers.CharField()  # type: ignore[assignment]


class CountRowSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    name = serializers.CharField()
    count = serializers.IntegerField()


class MeetingRowSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    meetings = serializers.IntegerField()
    on_time = serializers.IntegerField()
    late = serializers.IntegerField()
    missing = serializers.IntegerField(help_text="Owed by the unit (a draft, or returned) past its deadline.")
    not_yet_due = serializers.IntegerField(help_text="Owed by the unit, its deadline still ahead.")
    on_time_rate = serializers.FloatField(
        allow_null=True, help_text="on_time ÷ (on_time + late + missing): of the reports due by now."
    )


class CommitmentRowSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField()
    total = serializers.IntegerField()
    signed = serializers.IntegerField()
    reviewed = serializers.IntegerField()
    returned = serializers.IntegerField()
    draft = serializers.IntegerField()
    signed_rate = serializers.FloatField(allow_null=True)


class AppraisalRowSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    year = serializers.IntegerField()
    outcomes = CountRowSerializer(many=True)
    without_ballots = serializers.IntegerField()


class StatisticsSerializer(serializers.Serializer[Any]):
    from_ = serializers.DateField()
    to = serializers.DateField()
    unit = serializers.IntegerField(allow_null=True)
    department = serializers.IntegerField(allow_null=True)
    category = serializers.CharField(allow_null=True)
    as_of = serializers.DateTimeField(
        allow_null=True,
        help_text=(
            "When the summary the complaint figures were read from was brought up to date (every few "
            "minutes); null when they were counted live. `overdue` is always counted live."
        ),
    )
    received = serializers.IntegerField(help_text="Complaints received in the period.")
    accepted = serializers.IntegerField()
    rejected = serializers.IntegerField()
    merged = serializers.IntegerField()
    answered = serializers.IntegerField()
    closed = serializers.IntegerField()
    overdue = serializers.IntegerField(help_text="Open and past their running deadline now.")
    escalated = serializers.IntegerField(help_text="Ever escalated (level 1 or above).")
    escalated_level_1 = serializers.IntegerField()
    escalated_level_2 = serializers.IntegerField()
    acceptance_counted = serializers.IntegerField()
    accepted_in_time = serializers.IntegerField()
    acceptance_in_time_rate = serializers.FloatField(allow_null=True)
    reply_counted = serializers.IntegerField()
    replied_in_time = serializers.IntegerField()
    reply_in_time_rate = serializers.FloatField(allow_null=True)
    rated = serializers.IntegerField()
    satisfied = serializers.IntegerField()
    satisfaction_rate = serializers.FloatField(allow_null=True)
    median_reply_days = serializers.FloatField(allow_null=True, help_text="Received to first reply.")
    p90_reply_days = serializers.FloatField(allow_null=True)
    by_category = RatesRowSerializer(many=True)
    by_channel = RatesRowSerializer(many=True)
    by_unit = RatesRowSerializer(many=True)
    by_department = DepartmentRowSerializer(many=True, help_text="Ranked, best first.")
    trend = TrendRowSerializer(many=True)
    cases_by_form = CountRowSerializer(many=True)
    cases_by_source = CountRowSerializer(many=True)
    cases_by_status = CountRowSerializer(many=True)
    meeting_reports = MeetingRowSerializer(many=True)
    commitments = CommitmentRowSerializer(many=True)
    appraisals = AppraisalRowSerializer(many=True)

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields
