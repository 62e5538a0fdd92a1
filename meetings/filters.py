"""Filters of the meetings lists, shared by the pages and the API: unit, year, status, overdue."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meetings.models import Meeting, MeetingReport, RectificationItem
from meetings.selectors import rectification_overdue_q, report_overdue_q
from workstyle.filters import StrictBooleanFilter


class IdFilter(django_filters.NumberFilter):
    """An id: a whole number, or the filter is refused."""

    field_class = forms.IntegerField


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("min_value", 1949)
        kwargs.setdefault("max_value", 9999)
        super().__init__(*args, **kwargs)


class MeetingFilter(django_filters.FilterSet):
    unit = IdFilter(label=_("unit (id)"), field_name="unit")
    year = YearFilter(label=_("year"), field_name="held_on", lookup_expr="year")
    status = django_filters.ChoiceFilter(
        label=_("report status"),
        field_name="report__status",
        choices=MeetingReport.Status.choices,
        empty_label=_("Any"),
    )
    overdue = StrictBooleanFilter(label=_("report overdue"), method="filter_overdue")

    class Meta:
        model = Meeting
        fields: tuple[str, ...] = ("unit", "year", "status", "overdue")

    def filter_overdue(self, queryset: QuerySet[Meeting], name: str, value: bool | None) -> QuerySet[Meeting]:
        if value is None:
            return queryset
        overdue = MeetingReport.objects.filter(report_overdue_q(now=timezone.now())).values("meeting_id")
        return queryset.filter(pk__in=overdue) if value else queryset.exclude(pk__in=overdue)


class ReportFilter(django_filters.FilterSet):
    unit = IdFilter(label=_("unit (id)"), field_name="meeting__unit")
    meeting = IdFilter(label=_("meeting (id)"), field_name="meeting")
    year = YearFilter(label=_("year"), field_name="meeting__held_on", lookup_expr="year")
    status = django_filters.ChoiceFilter(label=_("status"), choices=MeetingReport.Status.choices, empty_label=_("Any"))
    overdue = StrictBooleanFilter(label=_("overdue"), method="filter_overdue")

    class Meta:
        model = MeetingReport
        fields: tuple[str, ...] = ("unit", "meeting", "year", "status", "overdue")

    def filter_overdue(
        self, queryset: QuerySet[MeetingReport], name: str, value: bool | None
    ) -> QuerySet[MeetingReport]:
        if value is None:
            return queryset
        condition = report_overdue_q(now=timezone.now())
        return queryset.filter(condition) if value else queryset.exclude(condition)


class RectificationFilter(django_filters.FilterSet):
    unit = IdFilter(label=_("unit (id)"), field_name="meeting__unit")
    meeting = IdFilter(label=_("meeting (id)"), field_name="meeting")
    responsible = IdFilter(label=_("responsible cadre (id)"), field_name="responsible")
    year = YearFilter(label=_("year"), field_name="meeting__held_on", lookup_expr="year")
    status = django_filters.ChoiceFilter(
        label=_("status"), choices=RectificationItem.Status.choices, empty_label=_("Any")
    )
    overdue = StrictBooleanFilter(label=_("overdue"), method="filter_overdue")

    class Meta:
        model = RectificationItem
        fields: tuple[str, ...] = ("unit", "meeting", "responsible", "year", "status", "overdue")

    def filter_overdue(
        self, queryset: QuerySet[RectificationItem], name: str, value: bool | None
    ) -> QuerySet[RectificationItem]:
        if value is None:
            return queryset
        condition = rectification_overdue_q(now=timezone.now())
        return queryset.filter(condition) if value else queryset.exclude(condition)
