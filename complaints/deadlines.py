"""Time limits of complaints: the per-category policy. The day arithmetic is
``workstyle.deadlines.due_after`` (calendar or Chinese working days)."""

from __future__ import annotations

from complaints.models import CategoryPolicy


def category_policy_for(category: str) -> CategoryPolicy:
    """The time limits of a category. A read, never a write: the rows are made by a migration and
    after every flush (``complaints.apps``); should one be missing, the default limits apply."""
    policy = CategoryPolicy.objects.filter(category=category).first()
    return policy if policy is not None else CategoryPolicy(category=category)
