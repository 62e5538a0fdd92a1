"""The home page's account of what happens to a complaint: the time limits of the categories (the
office may set them per category, so a range when they differ), tracking, review and anonymity."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Max, Min
from django.http import HttpRequest

from complaints.models import CategoryPolicy
from workstyle.home import register_home_section

LIMITS = ("accept_days", "reply_days", "max_extension_days", "review_window_days", "review_reply_days")


def complaint_time_limits() -> dict[str, str]:
    """Each limit as "15" or, when the categories differ, "15–30"; the model's default when no
    policy exists yet."""
    aggregates = CategoryPolicy.objects.aggregate(
        **{f"{name}_min": Min(name) for name in LIMITS}, **{f"{name}_max": Max(name) for name in LIMITS}
    )
    limits = {}
    for name in LIMITS:
        low, high = aggregates[f"{name}_min"], aggregates[f"{name}_max"]
        if low is None:
            low = high = getattr(CategoryPolicy._meta.get_field(name), "default", None)
        limits[name] = str(low) if low == high else f"{low}–{high}"
    return limits


def complaint_home_section(request: HttpRequest) -> tuple[str, dict[str, Any]]:
    return (
        "complaints/public/_home_process.html",
        {"limits": complaint_time_limits(), "working_days": settings.WORKSTYLE_WORKING_DAYS},
    )


register_home_section(complaint_home_section, order=10)
