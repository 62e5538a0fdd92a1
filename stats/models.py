"""The statistics' summary: the complaint figures added up per day of receipt, so that a year's
figures are a sum of a few tens of thousands of rows rather than a pass over every complaint.

Rows come in three grains (``grain``), each holding what one pass of the live computation groups
by (``stats.selectors``): ``kind`` — day × category × channel (totals, categories, channels,
trend), ``unit`` — day × unit, ``department`` — day × department, and ``reply`` — the day with
a histogram of reply times in whole days (median and 90th percentile). Every row is
written by ``stats.services`` only and counts the complaints *received* that local day; the counts
that depend on time passing (acceptance and reply "counted") are as of ``StatsRefresh.refreshed_at``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ComplaintDailyFigure(models.Model):
    class Grain(models.TextChoices):
        KIND = "kind", _("by category and channel")
        UNIT = "unit", _("by unit")
        DEPARTMENT = "department", _("by department")
        REPLY = "reply", _("reply times")

    grain = models.CharField(_("grain"), max_length=12, choices=Grain.choices)
    day = models.DateField(_("day received"))
    category = models.CharField(_("category"), max_length=32, blank=True)
    channel = models.CharField(_("channel"), max_length=16, blank=True)
    # Plain ids, not foreign keys: a summary row must not hold a unit or department back from
    # deletion, and a rebuild rewrites it anyway.
    unit_id = models.BigIntegerField(_("unit"), null=True, blank=True)
    department_id = models.BigIntegerField(_("department"), null=True, blank=True)
    received = models.IntegerField(default=0)
    accepted = models.IntegerField(default=0)
    rejected = models.IntegerField(default=0)
    merged = models.IntegerField(default=0)
    answered = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)
    acceptance_counted = models.IntegerField(default=0)
    accepted_in_time = models.IntegerField(default=0)
    reply_counted = models.IntegerField(default=0)
    replied_in_time = models.IntegerField(default=0)
    rated = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)
    escalated_1 = models.IntegerField(default=0)
    escalated_2 = models.IntegerField(default=0)
    # reply grain: element d = answered complaints whose reply took d to d+1 days.
    reply_days = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("daily complaint figure")
        verbose_name_plural = _("daily complaint figures")
        indexes = [models.Index(fields=["grain", "day"], name="stats_figure_grain_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.grain}"


class StatsRefresh(models.Model):
    """The summary's watermark (one row): when it was last brought up to date, and the timeline
    entries it had read by then."""

    refreshed_at = models.DateTimeField(_("refreshed at"))
    last_event_id = models.BigIntegerField(default=0)
    # The previous refresh's last entry: entries of a transaction that committed after that
    # refresh read the timeline are read again once (their ids may be lower than last_event_id).
    prior_event_id = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("statistics refresh")
        verbose_name_plural = _("statistics refreshes")

    def __str__(self) -> str:
        return f"{self.refreshed_at:%Y-%m-%d %H:%M}"
