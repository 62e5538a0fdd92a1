from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from workstyle.errors import DomainError


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
