from typing import Any

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def ensure_policies(apps: Any = global_apps, **kwargs: Any) -> None:
    """Every category has its time limits after every migrate and every flush: a category added
    later gets the default limits without a data migration of its own."""
    from complaints.models import Category

    CategoryPolicy = apps.get_model("complaints", "CategoryPolicy")
    existing = set(CategoryPolicy.objects.values_list("category", flat=True))
    CategoryPolicy.objects.bulk_create(
        [CategoryPolicy(category=code) for code in Category.values if code not in existing], ignore_conflicts=True
    )


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints")

    def ready(self) -> None:
        post_migrate.connect(ensure_policies, sender=self)
        # Register the notification kinds, the complaints' kind on the deadline ladder
        # (escalation), the transition table and the dashboard panels of this app, and its
        # section of the integrity dossier, its part of the home page, and the queue as an export.
        from complaints import dashboard, escalation, exports, home, notifications, sections, transitions  # noqa: F401
