"""Filters of the complaint queue, shared by the API list and the workbench page."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Replace
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cadres.models import Department, Unit
from cadres.widgets import DepartmentChoiceFilter, UnitChoiceFilter, department_follows_unit
from complaints import codes
from complaints.models import Category, Complaint
from complaints.selectors import (
    complaint_acceptance_counted_q,
    complaint_accepted_in_time_q,
    complaint_escalated_to_q,
    complaint_overdue_q,
    complaint_replied_in_time_q,
    complaint_reply_counted_q,
)
from workstyle.filters import StrictBooleanFilter
from workstyle.forms import OneOfManySelect


def _units(request: Any) -> QuerySet[Unit]:
    # The unit complained about narrows the complaints the user sees, whatever unit it is: a
    # department answers complaints about other units too, and the names are public (the public
    # form lists them).
    return Unit.objects.all() if request is not None else Unit.objects.none()


def _departments(request: Any) -> QuerySet[Department]:
    if request is None:
        return Department.objects.none()
    # The options are grouped by unit (DepartmentChoiceFilter): one join, not one query per group.
    return Department.objects.visible_to(getattr(request, "user", None)).select_related("unit")


class ComplaintFilter(django_filters.FilterSet):
    """Apply it to a queryset that is already ``visible_to`` the user. ``overdue`` is relative to the
    moment of the request."""

    # The choice filters test a column of the complaint itself, so they never repeat a row: no
    # DISTINCT (django-filter's default), which would sort the whole filtered table before a page.
    status = django_filters.MultipleChoiceFilter(choices=Complaint.Status.choices, distinct=False, label=_("status"))
    category = django_filters.MultipleChoiceFilter(choices=Category.choices, distinct=False, label=_("category"))
    unit = UnitChoiceFilter(queryset=_units, label=_("unit complained about"))
    department = DepartmentChoiceFilter(queryset=_departments, label=_("department"))
    # A ChoiceFilter (not Typed…) so that the form offers "any level" first instead of silently
    # filtering on the first level.
    escalation_level = django_filters.ChoiceFilter(
        choices=Complaint.Level.choices, empty_label=_("any"), label=_("escalation level")
    )
    overdue = StrictBooleanFilter(method="filter_overdue", label=_("overdue"))
    submitted_after = django_filters.DateFilter(
        field_name="submitted_at", method="filter_submitted_after", label=_("submitted on or after")
    )
    submitted_before = django_filters.DateFilter(
        field_name="submitted_at", method="filter_submitted_before", label=_("submitted on or before")
    )
    q = django_filters.CharFilter(method="filter_text", label=_("search"))
    # The sets behind the statistics' figures (the stats app links every figure to the queue with
    # them). Hidden on the page, so that its form keeps them when the reader narrows further.
    channel = django_filters.MultipleChoiceFilter(
        choices=Complaint.Channel.choices, distinct=False, widget=forms.MultipleHiddenInput, label=_("channel")
    )
    accepted = StrictBooleanFilter(
        field_name="accepted_at", lookup_expr="isnull", exclude=True, widget=forms.HiddenInput, label=_("accepted")
    )
    answered = StrictBooleanFilter(
        field_name="replied_at", lookup_expr="isnull", exclude=True, widget=forms.HiddenInput, label=_("answered")
    )
    accepted_in_time = StrictBooleanFilter(
        method="filter_accepted_in_time", widget=forms.HiddenInput, label=_("decided in time")
    )
    replied_in_time = StrictBooleanFilter(
        method="filter_replied_in_time", widget=forms.HiddenInput, label=_("answered in time")
    )
    rating = django_filters.MultipleChoiceFilter(
        choices=Complaint.Rating.choices, distinct=False, widget=forms.MultipleHiddenInput, label=_("rating")
    )
    escalated_to = django_filters.TypedChoiceFilter(
        choices=[(1, _("Department head")), (2, _("Discipline office"))],
        coerce=int,
        method="filter_escalated_to",
        widget=forms.HiddenInput,
        label=_("escalated to"),
    )

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
            "channel",
            "accepted",
            "answered",
            "accepted_in_time",
            "replied_in_time",
            "rating",
            "escalated_to",
        )

    def filter_overdue(self, queryset: QuerySet[Complaint], name: str, value: bool | None) -> QuerySet[Complaint]:
        if value is None:
            return queryset
        condition = complaint_overdue_q(timezone.now())
        # Not overdue: no deadline runs (NULL), or it has not passed.
        return queryset.filter(condition) if value else queryset.filter(~condition | Q(due_at__isnull=True))

    # True: decided (answered) in time; False: counted and late, undecided (unanswered) past the limit
    # included.
    def filter_accepted_in_time(
        self, queryset: QuerySet[Complaint], name: str, value: bool | None
    ) -> QuerySet[Complaint]:
        if value is None:
            return queryset
        in_time = complaint_accepted_in_time_q()
        return queryset.filter(in_time if value else complaint_acceptance_counted_q(timezone.now()) & ~in_time)

    def filter_replied_in_time(
        self, queryset: QuerySet[Complaint], name: str, value: bool | None
    ) -> QuerySet[Complaint]:
        if value is None:
            return queryset
        in_time = complaint_replied_in_time_q()
        return queryset.filter(in_time if value else complaint_reply_counted_q(timezone.now()) & ~in_time)

    def filter_escalated_to(self, queryset: QuerySet[Complaint], name: str, value: int | None) -> QuerySet[Complaint]:
        return queryset.filter(complaint_escalated_to_q(value)) if value else queryset

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


class ComplaintPageFilter(ComplaintFilter):
    """The queue page's form of the same filters: one status and one category at a time (the API
    takes several), "any" first; overdue as any / overdue / on time; the department list follows
    the unit chosen."""

    def get_form_class(self) -> Any:
        base = super().get_form_class()
        request = self.request

        class PageForm(base):  # type: ignore[misc,valid-type]
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                # Its own ids: the queue's bulk form has a department field too.
                kwargs.setdefault("auto_id", "filter-%s")
                super().__init__(*args, **kwargs)
                for name in ("status", "category"):
                    field = self.fields[name]
                    field.widget = OneOfManySelect(choices=[("", _("any")), *field.choices])
                self.fields["overdue"].widget = forms.Select(
                    choices=[("", _("any")), ("true", _("overdue")), ("false", _("not overdue"))]
                )
                unit = self.data.get("unit", "") if self.is_bound else ""
                if str(unit).isdigit():
                    departments = self.fields["department"]
                    departments.queryset = departments.queryset.filter(unit_id=int(unit))
                for name in ("submitted_after", "submitted_before"):
                    self.fields[name].widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
                self.fields["department"].empty_label = _("any")
                self.fields["unit"].empty_label = _("any")
                if request is not None:
                    department_follows_unit(self.fields["unit"], "filter-department")

        return PageForm
