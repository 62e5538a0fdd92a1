from typing import Any

from django.http import HttpRequest

from workstyle import roles


def workbench(request: HttpRequest) -> dict[str, Any]:
    """What the layout needs on every page: the user's roles and unread notifications."""
    user = request.user
    if not user.is_authenticated:
        return {"ws_staff": False}
    return {
        "ws_staff": roles.is_staff_user(user),
        "ws_discipline": roles.is_discipline(user),
        "ws_orgdept": roles.is_orgdept(user),
        "ws_org_reader": roles.sees_whole_organisation(user),
        "ws_cadre": roles.cadre_of(user),
        "ws_unread": user.notifications.filter(read_at__isnull=True).count(),
    }
