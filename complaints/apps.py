from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints")

    def ready(self) -> None:
        # Register the notification kinds and the dashboard panels of this app.
        from complaints import escalation, notifications, views  # noqa: F401
