"""The statistics' filters, one form for the page and the API: a period (month, quarter, year, the
last twelve months, or from–to), a unit, a department, a category, the trend's step."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cadres.models import Department, Unit
from cadres.widgets import DepartmentChoiceField, UnitChoiceField
from complaints.models import Category
from stats.selectors import RANKINGS, StatsFilters

PERIODS = (
    ("12m", _("Last twelve months")),
    ("month", _("This month")),
    ("quarter", _("This quarter")),
    ("year", _("This year")),
    ("custom", _("From – to")),
)
TRENDS = (("", _("automatic")), ("month", _("per month")), ("week", _("per week")))
RANKS = (
    ("reply", _("reply in time rate")),
    ("acceptance", _("acceptance in time rate")),
    ("satisfaction", _("satisfaction rate")),
)
# Weekly points beyond this span would crowd the chart: months then.
WEEKLY_UP_TO_DAYS = 120
# The longest period one request may ask for.
MAX_DAYS = 366 * 5


def period_bounds(period: str, today: dt.date) -> tuple[dt.date, dt.date]:
    if period == "month":
        return today.replace(day=1), today
    if period == "quarter":
        return dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1), today
    if period == "year":
        return dt.date(today.year, 1, 1), today
    return today - dt.timedelta(days=364), today


class StatisticsFilterForm(forms.Form):
    period = forms.ChoiceField(label=_("period"), choices=PERIODS, required=False)
    unit = UnitChoiceField(
        label=_("unit complained about"), queryset=Unit.objects.none(), required=False, empty_label=_("any")
    )
    # The department that handles the complaints; it may belong to another unit than the one
    # complained about, so its list is not narrowed by the unit chosen.
    department = DepartmentChoiceField(
        label=_("handling department"), queryset=Department.objects.none(), required=False, empty_label=_("any")
    )
    category = forms.ChoiceField(label=_("category"), choices=[("", _("any")), *Category.choices], required=False)
    trend = forms.ChoiceField(label=_("trend"), choices=TRENDS, required=False)
    rank_by = forms.ChoiceField(label=_("rank departments by"), choices=RANKS, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # "from" is a Python keyword: the two dates are added by name.
        self.fields["from"] = forms.DateField(
            label=_("from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
        )
        self.fields["to"] = forms.DateField(
            label=_("to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
        )
        self.order_fields(["period", "from", "to", "unit", "department", "category", "trend", "rank_by"])
        unit_field = self.fields["unit"]
        department_field = self.fields["department"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        assert isinstance(department_field, forms.ModelChoiceField)
        # Any unit may be complained about, and the figures count complaints by it: every unit is
        # a choice (the names are public), and the figures stay within what the user may see.
        unit_field.queryset = Unit.objects.all()
        department_field.queryset = Department.objects.visible_to(user)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("from"), data.get("to")
        period = data.get("period") or ""
        today = timezone.localdate()
        if start or end or period == "custom":
            if start is None and "from" not in self.errors:
                self.add_error("from", _("Give the first day of the period."))
            if end is None and "to" not in self.errors:
                end = today
            if start and end:
                if end < start:
                    self.add_error("to", _("The period ends before it starts."))
                elif (end - start).days > MAX_DAYS:
                    self.add_error("to", _("A period of at most five years, please."))
        else:
            start, end = period_bounds(period, today)
        data["start"], data["end"] = start, end
        return data

    def filters(self) -> StatsFilters:
        """The validated filters (call after ``is_valid()``)."""
        data = self.cleaned_data
        start, end = data["start"], data["end"]
        trend = data.get("trend") or ("week" if (end - start).days <= WEEKLY_UP_TO_DAYS else "month")
        return StatsFilters(
            start=start,
            end=end,
            unit=data.get("unit"),
            department=data.get("department"),
            category=data.get("category") or "",
            trend=trend,
        )

    @property
    def ranking(self) -> str:
        value = self.cleaned_data.get("rank_by") or "reply"
        return value if value in RANKINGS else "reply"
