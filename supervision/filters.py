"""Filters of the case list, shared by the workbench page and the API."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from cadres.models import Unit
from cadres.widgets import UnitChoiceFilter
from supervision.models import AccountabilityCase, Conversation, Notice
from supervision.selectors import OPEN_STATUSES

Case = AccountabilityCase
OPEN = "open"
DATE = forms.DateInput(attrs={"type": "date"})


class IdFilter(django_filters.NumberFilter):
    """An id: a whole number, or the filter is refused (NumberFilter would take 1.5 for 1)."""

    field_class = forms.IntegerField


class CaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q", max_length=100)
    status = django_filters.ChoiceFilter(
        label=_("status"),
        choices=[(OPEN, _("Open (not yet decided)")), *Case.Status.choices],
        method="filter_status",
        empty_label=_("Any"),
    )
    source = django_filters.ChoiceFilter(label=_("source"), choices=Case.Source.choices, empty_label=_("Any"))
    subject = django_filters.CharFilter(label=_("subject"), method="filter_subject", max_length=100)
    subject_cadre = IdFilter(label=_("cadre held accountable (id)"), field_name="subject_cadre")
    subject_unit = IdFilter(label=_("unit held accountable (id)"), field_name="subject_unit")
    complaint = IdFilter(label=_("complaint (id)"), field_name="complaint")
    opened_after = django_filters.DateFilter(
        label=_("opened on or after"), field_name="opened_at", lookup_expr="date__gte", widget=DATE
    )
    opened_before = django_filters.DateFilter(
        label=_("opened on or before"), field_name="opened_at", lookup_expr="date__lte", widget=DATE
    )

    class Meta:
        model = AccountabilityCase
        fields: tuple[str, ...] = (
            "q",
            "status",
            "source",
            "subject",
            "subject_cadre",
            "subject_unit",
            "complaint",
            "opened_after",
            "opened_before",
        )

    def filter_status(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        if value == OPEN:
            return queryset.filter(status__in=OPEN_STATUSES)
        return queryset.filter(status=value) if value else queryset

    def filter_subject(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(subject_cadre__name__icontains=value)
            | Q(subject_cadre__staff_number__iexact=value)
            | Q(subject_unit__name__icontains=value)
        )

    def filter_q(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(allegation__icontains=value)
            | Q(complaint__tracking_code__iexact=value)
            | Q(subject_cadre__name__icontains=value)
            | Q(subject_unit__name__icontains=value)
        )


class CasePageFilter(CaseFilter):
    """The page shows the filters a person types; ids stay for the API."""

    class Meta(CaseFilter.Meta):
        fields = ("q", "status", "source", "subject", "opened_after", "opened_before")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for name in ("subject_cadre", "subject_unit", "complaint"):
            self.filters.pop(name, None)


class ConversationFilter(django_filters.FilterSet):
    cadre = IdFilter(label=_("cadre (id)"), field_name="cadre")
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=Conversation.Kind.choices, empty_label=_("Any"))
    held_after = django_filters.DateFilter(label=_("held on or after"), field_name="held_on", lookup_expr="gte")
    held_before = django_filters.DateFilter(label=_("held on or before"), field_name="held_on", lookup_expr="lte")

    class Meta:
        model = Conversation
        fields = ("cadre", "kind", "held_after", "held_before")


class YearFilter(django_filters.NumberFilter):
    """A calendar year: a whole number the calendar knows, or the filter is refused (400)."""

    field_class = forms.IntegerField


class NoticeFilter(django_filters.FilterSet):
    """The notice lists' filters: year, unit, kind (and the status, which only staff see vary)."""

    year = YearFilter(label=_("year"), field_name="published_on", lookup_expr="year", min_value=1900, max_value=9999)
    unit = IdFilter(label=_("unit (id)"), field_name="unit")
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=Notice.Kind.choices, empty_label=_("Any"))
    status = django_filters.ChoiceFilter(label=_("status"), choices=Notice.Status.choices, empty_label=_("Any"))

    class Meta:
        model = Notice
        fields: tuple[str, ...] = ("year", "unit", "kind", "status")


class NoticePageFilter(NoticeFilter):
    """The page offers the units by name, grouped by kind; the API keeps the id."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.filters["unit"] = UnitChoiceFilter(
            label=_("unit"), field_name="unit", queryset=Unit.objects.all(), empty_label=_("any")
        )


class PublicNoticeFilter(NoticeFilter):
    status = None

    class Meta:
        model = Notice
        fields: tuple[str, ...] = ("year", "unit", "kind")
