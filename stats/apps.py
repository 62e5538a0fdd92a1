from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    """The figures the office reports upward, read over every workflow app: the top layer."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "stats"
    verbose_name = _("Statistics")

    def ready(self) -> None:
        # The statistics tables as an export kind.
        from stats import exports  # noqa: F401
