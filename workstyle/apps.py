from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkstyleConfig(AppConfig):
    name = "workstyle"
    verbose_name = _("Work style: shared")
