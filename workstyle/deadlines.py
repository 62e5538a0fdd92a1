"""Deadline arithmetic shared by every workflow.

A time limit of N days ends at the end of the N-th day after the start, in local time (a complaint
received at 23:50 does not lose a day). Days are calendar days by default; with
``settings.WORKSTYLE_WORKING_DAYS`` they are Chinese working days: official holidays skipped and
make-up working days (weekend days worked in exchange) counted, from the maintained
``chinese-calendar`` package rather than a hand-written table.
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import lru_cache
from zoneinfo import ZoneInfo

import chinese_calendar
from django.conf import settings

log = logging.getLogger(__name__)

# The rules are those of the offices in China, whatever TIME_ZONE a deployment sets.
LOCAL_TZ = ZoneInfo("Asia/Shanghai")


@lru_cache(maxsize=4096)
def is_working_day(day: dt.date) -> bool:
    """A Chinese working day. Beyond the package's data (it is updated every year once the State
    Council publishes the holidays) fall back to Monday–Friday rather than fail."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        log.warning("chinese-calendar has no data for %s; counting Monday to Friday", day.year)
        return day.weekday() < 5


def _end_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.max, tzinfo=LOCAL_TZ)


def due_after(start: dt.datetime, days: int) -> dt.datetime:
    """The end of the local day ``days`` days after ``start``'s local day (calendar or working days
    per the setting). The day of ``start`` itself is not counted."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start.astimezone(LOCAL_TZ).date()
    if not settings.WORKSTYLE_WORKING_DAYS:
        return _end_of_day(day + dt.timedelta(days=days))
    remaining = days
    while remaining > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return _end_of_day(day)
