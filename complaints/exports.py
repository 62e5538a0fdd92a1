"""The complaint queue as an export: the queue's own filters (``ComplaintFilter`` and the quick
filters of the dashboard's links) and order, on ``Complaint.objects.visible_to(user)`` — recusal
included — with the columns of the queue. The complainant's name and contacts are columns only for
the complaints whose complainant the user could see on the complaint's page at that moment (his own
reveal or a granted request, not expired: ``complaint_identity_accesses``), and each showing is
recorded like a page's."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from complaints import services
from complaints.filters import ComplaintFilter
from complaints.models import Category, Complaint, IdentityAccess, IdentityView
from complaints.selectors import complaint_due_expression, complaint_identity_accesses
from complaints.views import QUICK_FILTERS, _quick_filters, _sorting
from workstyle import roles
from workstyle.exports import (
    Column,
    ExportKind,
    ExportPlan,
    ViewerRequest,
    choice_label,
    filterset_errors,
    local_date_column,
    local_datetime_column,
    register_export_kind,
)

IDENTITY = ("complainant_name", "complainant_phone", "complainant_email")


def complaint_export_plan(user: Any, params: QueryDict, now: dt.datetime) -> ExportPlan:
    visible = Complaint.objects.visible_to(user)
    filterset = ComplaintFilter(params or None, queryset=visible, request=ViewerRequest(user))
    if params and not filterset.is_valid():
        raise filterset_errors(filterset)
    queryset = _quick_filters(filterset.qs, params, user).annotate(due=complaint_due_expression())
    _sort, ordering = _sorting(params.get("sort", ""))
    queryset = queryset.order_by(*ordering)

    level = choice_label(Complaint.Level.choices)
    columns = [
        # Widths in characters, a Chinese character counting two: a code, a title, names of units.
        Column("tracking_code", _("Tracking code"), width=16),
        Column("title", _("Title"), width=40),
        Column("category", _("Category"), choice_label(Category.choices), width=24),
        Column("channel", _("Channel"), choice_label(Complaint.Channel.choices), width=12),
        Column("status", _("Status"), choice_label(Complaint.Status.choices), width=16),
        Column("unit__name", _("Unit complained about"), width=28),
        Column("department__unit__name", _("Handling unit"), width=28),
        Column("department__name", _("Handling department"), width=16),
        Column("handler__name", _("Handler"), width=10),
        local_datetime_column("submitted_at", _("Submitted at")),
        local_date_column("due", _("Deadline")),
        Column("escalation_level", _("Escalation"), level, width=16),
        local_datetime_column("replied_at", _("Replied at")),
        Column("rating", _("Rating"), choice_label(Complaint.Rating.choices), width=12),
    ]

    # Whose complainant the user sees now: the predicate of the complaint's page and the API, over
    # the few complaints he holds an access to, narrowed to the complaints of this export.
    held = IdentityAccess.objects.filter(
        user_id=getattr(user, "pk", 0) or 0, status=IdentityAccess.Status.GRANTED, expires_at__gt=now
    ).values_list("complaint_id", flat=True)
    accesses = complaint_identity_accesses(user=user, complaint_ids=list(held), now=now)
    shown = dict(queryset.filter(pk__in=list(accesses)).order_by().values_list("tracking_code", "pk"))
    if not shown:
        return ExportPlan(queryset=queryset, columns=columns)

    columns += [
        Column("complainant_name", _("Complainant's name")),
        Column("complainant_phone", _("Complainant's phone")),
        Column("complainant_email", _("Complainant's e-mail")),
    ]
    hidden = len(IDENTITY)

    def row(cells: list[Any]) -> list[Any]:
        if cells[0] not in shown:  # the tracking code
            cells[-hidden:] = [None] * hidden
        return cells

    def record() -> None:
        services.complaint_identity_record_views(
            user=user,
            accesses={pk: accesses[pk] for pk in shown.values()},
            channel=IdentityView.Channel.EXPORT,
            now=now,
        )

    return ExportPlan(queryset=queryset, columns=columns, row=row, on_write=record)


COMPLAINTS_EXPORT = register_export_kind(
    ExportKind(
        key="complaints",
        title=_("Complaints"),
        may_export=roles.is_staff_user,
        plan=complaint_export_plan,
        params=(*ComplaintFilter.base_filters, *QUICK_FILTERS, "sort"),
    )
)
