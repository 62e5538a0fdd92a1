from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CadresConfig(AppConfig):
    name = "cadres"
    verbose_name = _("Cadres and organisation")

    def ready(self) -> None:
        # The debriefings' place on the deadline ladder, this app's sections of the dossier, and the
        # roster as an export.
        from cadres import escalation, exports, sections  # noqa: F401
