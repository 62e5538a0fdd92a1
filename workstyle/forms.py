import copy
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.forms.renderers import DjangoTemplates
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from workstyle.errors import DomainError


class OneOfManySelect(forms.Select):
    """A single select for a filter that takes several values (the API's ``?status=a&status=b``):
    a page offers one at a time, "any" (the empty choice) first; the field still gets a list."""

    allow_multiple_selected = False

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        getter = getattr(data, "getlist", None)
        values = getter(name) if getter is not None else [data.get(name)]
        return [value for value in values if value]

    def format_value(self, value: Any) -> list[str]:
        if value is None or value == "":
            return []
        values = value if isinstance(value, (list, tuple)) else [value]
        return [str(item) for item in values[:1]]


# Django's own messages say "this value"; these name the field, say how much was written and what
# to do, as a person would ("标题最多 200 个字，现在是 230 个字").
PEOPLE_MESSAGES: dict[str, Any] = {
    "required": _("Please fill in %(label)s."),
    "max_length": _("%(label)s may be at most %(limit_value)d characters; it is %(show_value)d now."),
    "min_length": _("%(label)s must be at least %(limit_value)d characters; it is %(show_value)d now."),
    "max_value": _("%(label)s may be at most %(limit_value)s."),
    "min_value": _("%(label)s must be at least %(limit_value)s."),
}
DATE_MESSAGE = _("%(label)s is not a date: write it as 2026-11-30, 2026/11/30 or 2026年11月30日.")
NUMBER_MESSAGE = _("%(label)s must be a whole number, such as 15.")


def _stock(field: forms.Field, code: str) -> set[str]:
    """The messages Django's field classes give for ``code``: only those are reworded (a form's
    own message, e.g. "No cadre has this staff number.", is kept)."""
    return {
        str(getattr(klass, "default_error_messages", {})[code])
        for klass in type(field).__mro__
        if code in getattr(klass, "default_error_messages", {})
    }


class PeopleBoundField(forms.BoundField):
    """A form field whose stock error messages name the field (every form of the portal, the
    admin's too, through ``FormRenderer``)."""

    @property
    def errors(self) -> Any:
        errors = super().errors
        if not errors:
            return errors
        reworded: list[Any] = []
        changed = False
        label = capfirst(str(self.label or self.name))
        for error in errors.as_data():
            message = self._reword(error, label)
            changed |= message is not None
            reworded.append(ValidationError(message, code=error.code) if message is not None else error)
        if not changed:
            return errors
        errors = copy.copy(errors)
        errors.data = reworded
        return errors

    def _reword(self, error: ValidationError, label: str) -> str | None:
        code = error.code or ""
        params = {**(error.params or {}), "label": label}
        text = str(error.message % error.params if error.params else error.message)
        if code in ("max_length", "min_length"):
            return str(PEOPLE_MESSAGES[code]) % params
        if code in PEOPLE_MESSAGES and str(error.message) in _stock(self.field, code):
            return str(PEOPLE_MESSAGES[code]) % params
        if code == "invalid" and text in _stock(self.field, code):
            if isinstance(self.field, (forms.DateField, forms.DateTimeField)):
                return str(DATE_MESSAGE) % params
            if isinstance(self.field, forms.IntegerField):
                return str(NUMBER_MESSAGE) % params
        return None


class FormRenderer(DjangoTemplates):
    bound_field_class = PeopleBoundField


class LoginForm(AuthenticationForm):
    username = forms.CharField(label=_("Username"), max_length=150, widget=forms.TextInput(attrs={"autofocus": True}))
    password = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput)


def form_add_domain_error(form: Any, exc: DomainError) -> None:
    """Put a service's refusal on the form it came from: field errors where they belong, the rest
    (or the message, when no field is named) on top."""
    placed = False
    for field, errors in exc.errors.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)
            placed = True
    if not placed:
        form.add_error(None, str(exc.message))
