from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("Supervision")

    def ready(self) -> None:
        # Register the notification kinds and the dashboard panels of this app.
        from supervision import notifications, related, transitions, views  # noqa: F401
