from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EthosConfig(AppConfig):
    name = "ethos"
    verbose_name = _("The eight ethos")

    def ready(self) -> None:
        # Register the notification kinds and the transition tables' event labels.
        from ethos import notifications, transitions  # noqa: F401
