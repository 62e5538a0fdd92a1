"""Filters of the complaint queue, shared by the API list and the workbench page."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Replace
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cadres.models import Department, Unit
from complaints import codes
from complaints.models import Category, Complaint
from complaints.selectors import complaint_overdue_q


def _units(request: Any) -> QuerySet[Unit]:
    return Unit.objects.visible_to(getattr(request, "user", None)) if request is not None else Unit.objects.none()


def _departments(request: Any) -> QuerySet[Department]:
    if request is None:
        return Department.objects.none()
    # The choice label (Department.__str__) names the unit: one join, not one query per option.
    return Department.objects.visible_to(getattr(request, "user", None)).select_related("unit")


class ComplaintFilter(django_filters.FilterSet):
    """Apply it to a queryset that is already ``visible_to`` the user. ``overdue`` is relative to the
    moment of the request."""

    status = django_filters.MultipleChoiceFilter(choices=Complaint.Status.choices, label=_("status"))
    category = django_filters.MultipleChoiceFilter(choices=Category.choices, label=_("category"))
    unit = django_filters.ModelChoiceFilter(queryset=_units, label=_("unit complained about"))
    department = django_filters.ModelChoiceFilter(queryset=_departments, label=_("department"))
    # A ChoiceFilter (not Typed…) so that the form offers "any level" first instead of silently
    # filtering on the first level.
    escalation_level = django_filters.ChoiceFilter(
        choices=Complaint.Level.choices, empty_label=_("any"), label=_("escalation level")
    )
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("overdue"))
    submitted_after = django_filters.DateFilter(
        field_name="submitted_at", method="filter_submitted_after", label=_("submitted on or after")
    )
    submitted_before = django_filters.DateFilter(
        field_name="submitted_at", method="filter_submitted_before", label=_("submitted on or before")
    )
    q = django_filters.CharFilter(method="filter_text", label=_("search"))

    class Meta:
        model = Complaint
        fields = (
            "status",
            "category",
            "unit",
            "department",
            "escalation_level",
            "overdue",
            "submitted_after",
            "submitted_before",
            "q",
        )

    def filter_overdue(self, queryset: QuerySet[Complaint], name: str, value: bool | None) -> QuerySet[Complaint]:
        if value is None:
            return queryset
        condition = complaint_overdue_q(timezone.now())
        # Not overdue: no deadline runs (NULL), or it has not passed.
        return queryset.filter(condition) if value else queryset.filter(~condition | Q(due_at__isnull=True))

    # Dates are local days (Asia/Shanghai): "submitted before 3 May" includes the whole of 3 May.
    def filter_submitted_after(self, queryset: QuerySet[Complaint], name: str, value: Any) -> QuerySet[Complaint]:
        if value is None:
            return queryset
        return queryset.filter(submitted_at__date__gte=value)

    def filter_submitted_before(self, queryset: QuerySet[Complaint], name: str, value: Any) -> QuerySet[Complaint]:
        if value is None:
            return queryset
        return queryset.filter(submitted_at__date__lte=value)

    def filter_text(self, queryset: QuerySet[Complaint], name: str, value: str) -> QuerySet[Complaint]:
        text = (value or "").strip()
        if not text:
            return queryset
        condition = Q(title__icontains=text) | Q(description__icontains=text)
        symbols = codes.normalize(text)
        if len(symbols) >= 4 and all(char in codes.ALPHABET for char in symbols):
            # A code read out in part, typed with or without dashes, in any case.
            queryset = queryset.annotate(_code_symbols=Replace("tracking_code", Value("-"), Value("")))
            condition |= Q(_code_symbols__contains=symbols)
        return queryset.filter(condition)
