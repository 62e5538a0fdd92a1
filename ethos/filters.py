"""Filters of the commitment and appraisal lists (API and pages)."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from ethos.models import AppraisalRound, Commitment


class IdFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class CommitmentFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=_("year"), field_name="year__year")
    status = django_filters.ChoiceFilter(label=_("status"), choices=Commitment.Status.choices, empty_label=_("Any"))
    cadre = IdFilter(label=_("cadre (id)"), field_name="cadre")
    unit = IdFilter(label=_("unit (id)"), field_name="cadre__unit")
    department = IdFilter(label=_("department (id)"), field_name="cadre__department")

    class Meta:
        model = Commitment
        fields = ("year", "status", "cadre", "unit", "department")


class RoundFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=_("year"), field_name="year")
    status = django_filters.ChoiceFilter(label=_("status"), choices=AppraisalRound.Status.choices, empty_label=_("Any"))
    unit = IdFilter(label=_("unit (id)"), field_name="unit")

    class Meta:
        model = AppraisalRound
        fields = ("year", "status", "unit")
