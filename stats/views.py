"""The statistics page: the filters, a chart per figure drawn by ECharts (static/js/statistics.js)
from data passed with ``json_script``, and a table under every chart whose figures link to the
complaint queue filtered to the complaints behind them."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ethos.models import Grade
from stats.forms import StatisticsFilterForm
from stats.selectors import Statistics, StatsFilters, statistics_for, statistics_may_view
from workstyle.views import staff_required

# The queue's filters behind each figure; a table row links the first six, the totals all.
FIGURE_FILTERS: dict[str, dict[str, Any]] = {
    "received": {},
    "answered": {"answered": "true"},
    "overdue": {"overdue": "true"},
    "accepted_in_time": {"accepted_in_time": "true"},
    "replied_in_time": {"replied_in_time": "true"},
    "satisfied": {"rating": ["satisfied", "basically_satisfied"]},
    "accepted": {"accepted": "true"},
    "rejected": {"status": "rejected"},
    "merged": {"status": "withdrawn"},
    "closed": {"status": "closed"},
    "accepted_late": {"accepted_in_time": "false"},
    "replied_late": {"replied_in_time": "false"},
    "dissatisfied": {"rating": "dissatisfied"},
    "escalated_1": {"escalated_to": 1},
    "escalated_2": {"escalated_to": 2},
}
ROW_FIGURES = tuple(FIGURE_FILTERS)[:6]


def _links(filters: StatsFilters, row: dict[str, Any], *, keys: Any = ROW_FIGURES, **scope: Any) -> dict[str, str]:
    """The queue URLs behind a row's figures; ``scope`` narrows to the row (its category…)."""
    queue = reverse("complaints:queue")
    base = {**filters.queue_params(), **scope}
    return {key: f"{queue}?{urlencode({**base, **FIGURE_FILTERS[key]}, doseq=True)}" for key in keys}


def _chart_data(report: Statistics) -> dict[str, Any]:
    """What statistics.js draws: plain labels and numbers, the rates in percent."""

    def pct(value: float | None) -> float | None:
        return None if value is None else round(value * 100, 1)

    t = report.totals
    data: dict[str, Any] = {
        "labels": {
            "received": _("Received"),
            "answered": _("Answered"),
            "reply_rate": _("Reply in time rate (%)"),
            "acceptance_rate": _("Acceptance in time rate (%)"),
            "satisfaction_rate": _("Satisfaction rate (%)"),
            "count": _("Complaints"),
            "cases": _("Cases"),
            "on_time": _("On time"),
            "late": _("Late"),
            "missing": _("Still owed"),
            "not_yet_due": _("Not yet due"),
            "no_data": _("Nothing to show for this period."),
        },
        "rates": [
            {"name": _("Acceptance in time"), "value": pct(t["acceptance_in_time_rate"])},
            {"name": _("Replies in time"), "value": pct(t["reply_in_time_rate"])},
            {"name": _("Satisfaction"), "value": pct(t["satisfaction_rate"])},
        ],
        "trend": {
            "labels": [row["label"] for row in report.trend],
            "received": [row["received"] for row in report.trend],
            "answered": [row["answered"] for row in report.trend],
            "reply_rate": [pct(row["reply_in_time_rate"]) for row in report.trend],
            "satisfaction_rate": [pct(row["satisfaction_rate"]) for row in report.trend],
        },
        "category": {
            "labels": [r["name"] for r in report.by_category],
            "values": [r["received"] for r in report.by_category],
        },
        "channel": [{"name": r["name"], "value": r["received"]} for r in report.by_channel],
        "unit": {"labels": [r["name"] for r in report.by_unit], "values": [r["received"] for r in report.by_unit]},
        "department": {
            "labels": [r["name"] for r in report.by_department],
            "reply_rate": [pct(r["reply_in_time_rate"]) for r in report.by_department],
            "acceptance_rate": [pct(r["acceptance_in_time_rate"]) for r in report.by_department],
            "satisfaction_rate": [pct(r["satisfaction_rate"]) for r in report.by_department],
        },
        "meetings": {
            "labels": [r["name"] for r in report.meetings],
            "on_time": [r["on_time"] for r in report.meetings],
            "late": [r["late"] for r in report.meetings],
            "missing": [r["missing"] for r in report.meetings],
            "not_yet_due": [r["not_yet_due"] for r in report.meetings],
        },
    }
    if report.cases is not None:
        data["cases_form"] = {
            "labels": [r["name"] for r in report.cases["by_form"]],
            "values": [r["count"] for r in report.cases["by_form"]],
        }
        data["cases_status"] = [
            {"name": r["name"], "value": r["count"]} for r in report.cases["by_status"] if r["count"]
        ]
    return data


def _bucket(filters: StatsFilters, period: str) -> StatsFilters:
    """The filters narrowed to one week or month of the trend (within the period)."""
    start = dt.date.fromisoformat(period)
    if filters.trend == "week":
        end = start + dt.timedelta(days=6)
    else:
        end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return replace(filters, start=max(start, filters.start), end=min(end, filters.end))


@staff_required
def statistics_page(request: HttpRequest) -> HttpResponse:
    if not statistics_may_view(request.user):  # pragma: no cover - staff_required already refused
        raise PermissionDenied
    form = StatisticsFilterForm(request.GET or None, user=request.user)
    context: dict[str, Any] = {"form": form}
    if request.GET and not form.is_valid():
        return render(request, "stats/statistics.html", context, status=400)
    if not request.GET:
        form = StatisticsFilterForm({"period": "12m"}, user=request.user)
        form.is_valid()
        context["form"] = form
    filters = form.filters()
    report = statistics_for(user=request.user, filters=filters, now=timezone.now(), rank_by=form.ranking)
    context.update(
        {
            "report": report,
            "filters": filters,
            "totals": report.totals,
            "links": _links(filters, report.totals, keys=FIGURE_FILTERS),
            "by_category": [(row, _links(filters, row, category=row["id"])) for row in report.by_category],
            "by_channel": [(row, _links(filters, row, channel=row["id"])) for row in report.by_channel],
            "by_unit": [
                (row, _links(filters, row, unit=row["id"]) if row["id"] is not None else None) for row in report.by_unit
            ],
            "by_department": [(row, _links(filters, row, department=row["id"])) for row in report.by_department],
            "trend_rows": [(row, _links(_bucket(filters, row["period"]), row)) for row in report.trend],
            "late": {
                "acceptance": report.totals["acceptance_counted"] - report.totals["accepted_in_time"],
                "reply": report.totals["reply_counted"] - report.totals["replied_in_time"],
                "satisfaction": report.totals["rated"] - report.totals["satisfied"],
            },
            "grades": [label for _code, label in Grade.choices],
            "chart_data": _chart_data(report),
        }
    )
    return render(request, "stats/statistics.html", context)
