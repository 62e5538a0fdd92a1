from typing import Any

from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def ensure_groups(apps: Any = global_apps, **kwargs: Any) -> None:
    """The role groups exist after every migrate and every flush (as content types do), not only
    after the migration that first made them. A flush sends no ``apps``: the real ones serve."""
    from workstyle.roles import GROUPS

    Group = apps.get_model("auth", "Group")
    for name in GROUPS:
        Group.objects.get_or_create(name=name)


class AxesConfig(AxesAppConfig):
    """django-axes under a name people read in the admin's index (it gives itself none)."""

    verbose_name = _("Login lockout")


class CaptchaConfig(AppConfig):
    name = "captcha"
    verbose_name = _("Captcha")


class WorkstyleConfig(AppConfig):
    name = "workstyle"
    verbose_name = _("Work style: shared")

    def ready(self) -> None:
        post_migrate.connect(ensure_groups, sender=self)
        # The API's token authentication: its schema extension and the signals that revoke tokens
        # on logout and on a password change.
        from workstyle import auth  # noqa: F401
