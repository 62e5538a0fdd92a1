"""``GET /api/v1/statistics/``: the figures as JSON, over what the caller may see."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from complaints.models import Category
from stats.forms import PERIODS, RANKS, TRENDS, StatisticsFilterForm
from stats.selectors import statistics_for
from stats.serializers import StatisticsSerializer
from workstyle.api import IsStaffUser, error_responses


def _choices(pairs: Any) -> list[str]:
    return [value for value, _label in pairs if value]


class StatisticsView(APIView):
    permission_classes = (IsStaffUser,)

    @extend_schema(
        operation_id="statistics_retrieve",
        summary="Statistics of the complaints received in a period",
        description=(
            "Counts, the three rates (acceptance in time, reply in time, satisfaction) and their "
            "breakdowns for the complaints received in the period (local days), out of those the "
            "caller may see. Without `from`/`to`, `period` chooses (default: the last twelve months)."
        ),
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, description="First day (YYYY-MM-DD)."),
            OpenApiParameter("to", OpenApiTypes.DATE, description="Last day, included (default: today)."),
            OpenApiParameter("period", OpenApiTypes.STR, enum=_choices(PERIODS)),
            OpenApiParameter("unit", OpenApiTypes.INT, description="The unit complained about."),
            OpenApiParameter("department", OpenApiTypes.INT),
            OpenApiParameter("category", OpenApiTypes.STR, enum=_choices(Category.choices)),
            OpenApiParameter("trend", OpenApiTypes.STR, enum=_choices(TRENDS)),
            OpenApiParameter("rank_by", OpenApiTypes.STR, enum=_choices(RANKS)),
        ],
        responses={200: StatisticsSerializer, **{k: v for k, v in error_responses("figure").items() if k != 409}},
    )
    def get(self, request: Request) -> Response:
        form = StatisticsFilterForm(request.query_params, user=request.user)
        if not form.is_valid():
            raise ValidationError({key: [str(m) for m in messages] for key, messages in form.errors.items()})
        report = statistics_for(user=request.user, filters=form.filters(), now=timezone.now(), rank_by=form.ranking)
        return Response(report.as_json())


__all__ = ["StatisticsView"]
