"""Filters that refuse what they do not understand.

django-filter's ``BooleanFilter`` reads any value it does not know (``?overdue=yes``) as "no filter"
and answers the whole list, so that a client's typo looks like an empty result of the filter he
meant. ``StrictBooleanFilter`` takes ``true``/``True``/``1`` and ``false``/``False``/``0`` (the
spellings Django's ``NullBooleanField`` reads), an empty value for "any", and refuses everything
else as a field error: a 400 in the API, a message under the field on a page. Every FilterSet of
the portal uses it, and the ``FilterSet`` below makes it the filter of a boolean column listed in a
view's ``filterset_fields``."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework

TRUE_VALUES = ("true", "True", "1")
FALSE_VALUES = ("false", "False", "0")


class YesNoSelect(forms.Select):
    """Any / yes / no, submitting the values the field reads (Django's ``NullBooleanSelect``
    submits ``unknown`` for "any")."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, choices=(("", _("Any")), ("true", _("Yes")), ("false", _("No"))))

    def format_value(self, value: Any) -> list[str]:
        if value is True or value in TRUE_VALUES:
            return ["true"]
        if value is False or value in FALSE_VALUES:
            return ["false"]
        return [""]


class StrictNullBooleanField(forms.NullBooleanField):
    widget = YesNoSelect
    default_error_messages = {"invalid": _("Enter true or false.")}

    # None is "any", as in NullBooleanField (whose stubs say bool).
    def to_python(self, value: Any) -> bool | None:  # type: ignore[override]
        if value is None or value == "":
            return None
        if value is True or value in TRUE_VALUES:
            return True
        if value is False or value in FALSE_VALUES:
            return False
        raise ValidationError(self.error_messages["invalid"], code="invalid")


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictNullBooleanField


def filtered_or_none(filterset: Any) -> Any:
    """A page's filtered rows, or none while a filter is not valid: the form shows the error, and
    the list must not look like the answer to a filter it silently dropped (django-filter's ``qs``
    leaves the invalid filter out)."""
    if filterset.is_bound and not filterset.is_valid():
        return filterset.queryset.none()
    return filterset.qs


class FilterSet(rest_framework.FilterSet):
    """The base of the FilterSets the API builds from a view's ``filterset_fields``."""

    FILTER_DEFAULTS = {
        **rest_framework.FilterSet.FILTER_DEFAULTS,
        models.BooleanField: {"filter_class": StrictBooleanFilter},
    }


class FilterBackend(rest_framework.DjangoFilterBackend):
    """DRF's django-filter backend, building ``filterset_fields`` on the strict ``FilterSet``."""

    filterset_base = FilterSet


__all__ = ["FALSE_VALUES", "TRUE_VALUES", "FilterBackend", "FilterSet", "StrictBooleanFilter", "filtered_or_none"]
