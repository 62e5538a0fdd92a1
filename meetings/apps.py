from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self) -> None:
        # Register the notification kinds, the two kinds on the deadline ladder (escalation), the
        # transition tables, the dashboard panels and the integrity dossier's section of this app.
        from meetings import escalation, notifications, sections, transitions, views  # noqa: F401
