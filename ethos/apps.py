from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EthosConfig(AppConfig):
    name = "ethos"
    verbose_name = _("The eight ethos")

    def ready(self) -> None:
        # Register the notification kinds, the transition tables' event labels and the sections of
        # the integrity dossier.
        from ethos import notifications, sections, transitions  # noqa: F401
