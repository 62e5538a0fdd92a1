"""The statistics tables as an export: the page's filters, the page's figures over what the
requester may see (``statistics_tables`` reads from ``visible_to``), one block per table, each
headed by its title and its column headers. The rows are aggregates already — a few hundred at
most — so they come from ``ExportPlan(source=…)`` rather than a queryset."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from stats.forms import StatisticsFilterForm
from stats.selectors import statistics_may_view, statistics_tables
from workstyle.exports import Column, ExportKind, ExportPlan, filterset_errors, register_export_kind

PARAMS = ("period", "from", "to", "unit", "department", "category", "trend", "rank_by")


def statistics_export_plan(user: Any, params: QueryDict, now: dt.datetime) -> ExportPlan:
    form = StatisticsFilterForm(params if params else {"period": "12m"}, user=user)
    if not form.is_valid():
        raise filterset_errors(form)
    tables = statistics_tables(user, form.filters(), now=now)
    width = max((len(headers) for _title, headers, _rows in tables), default=1)
    columns = [Column("table", _("Table"))] + [Column(f"c{i}", "") for i in range(width)]

    def rows() -> list[list[Any]]:
        out: list[list[Any]] = []
        for title, headers, body in tables:
            for row in [headers, *body]:
                cells = [str(c) if c is not None else "" for c in row]
                out.append([str(title), *cells, *[""] * (width - len(cells))])
        return out

    return ExportPlan(queryset=None, columns=columns, source=rows)


STATISTICS_EXPORT = register_export_kind(
    ExportKind(
        key="statistics",
        title=_("Statistics"),
        may_export=statistics_may_view,
        plan=statistics_export_plan,
        params=PARAMS,
    )
)
