from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("Supervision")

    def ready(self) -> None:
        # Register the notification kinds and the dashboard panels of this app.
        from supervision import exports, home, notifications, related, sections, transitions, views  # noqa: F401
        from supervision.escalations import case_open_for_escalations
        from workstyle.ladder import ladder_register_case_opener

        # The deadline ladder opens its level-2 cases through this app, whatever kind escalated.
        ladder_register_case_opener(case_open_for_escalations)
