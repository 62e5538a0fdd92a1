"""The home page's latest public notices (published, not withdrawn), when there are any."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from supervision.public import notices_published
from workstyle.home import register_home_section

LATEST = 5


def notice_home_section(request: HttpRequest) -> tuple[str, dict[str, Any]] | None:
    notices = list(notices_published()[:LATEST])
    if not notices:
        return None
    return "supervision/public/_home_notices.html", {"notices": notices}


register_home_section(notice_home_section, order=30)
