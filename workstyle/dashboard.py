"""The workbench dashboard: each app contributes panels for the user (counts and links) and the
items that need him now (his agenda: what is overdue, then what falls due soon, with links).

Both are read at every visit of the workbench, so a provider reads a bounded number of rows: counts
stop at ``COUNT_CAP`` (shown as "1000+") and agenda items come ordered by an indexed deadline,
``AGENDA_SIZE`` at most of each kind."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connections, transaction
from django.db.models import QuerySet

from workstyle.scopes import bounded_pks

PanelProvider = Callable[[Any], list[dict[str, Any]]]
PROVIDERS: list[PanelProvider] = []

# A count on the workbench stops here: "more than a thousand" says as much as the exact figure and
# costs a bounded read instead of a count of the whole table.
COUNT_CAP = 1000
AGENDA_SIZE = 10


@dataclass(frozen=True)
class AgendaItem:
    """One thing the user owes: what it is, its deadline, where to act on it."""

    kind: str  # e.g. "Complaint"
    title: str
    due: datetime
    url: str
    note: str = ""  # e.g. the status, or what is owed


AgendaProvider = Callable[[Any, datetime], tuple[list[AgendaItem], list[AgendaItem]]]
AGENDA: list[AgendaProvider] = []


def register_panels(provider: PanelProvider) -> PanelProvider:
    PROVIDERS.append(provider)
    return provider


def register_agenda(provider: AgendaProvider) -> AgendaProvider:
    """A provider gives, for a user and a moment, his overdue items and his items due soon, each
    ordered by deadline and at most ``AGENDA_SIZE`` long."""
    AGENDA.append(provider)
    return provider


@contextmanager
def index_reads(using: str) -> Iterator[None]:
    """Queries inside read through indexes, not by scanning the table. A capped count is ``LIMIT
    cap + 1``: the planner, estimating that many matches, reckons a scan of the table stops early,
    and when the matches are few (a status that a department seldom has) it reads all of it. The
    setting lasts as long as the block (``SET LOCAL`` in a savepoint, put back after). JIT is off
    too: a plan that still has to scan (no index fits) carries the huge cost that the setting adds,
    and PostgreSQL would spend seconds compiling a query that reads a few thousand rows. Bitmap scans
    are off as well: one gathers every match of an index before the first row comes out, so its
    cost grows with the table, where a plain index scan stops at the limit."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off; SET LOCAL jit = off")
        yield
        with connection.cursor() as cursor:
            cursor.execute("RESET enable_seqscan; RESET enable_bitmapscan; RESET jit")


def capped_count(qs: QuerySet[Any], cap: int = COUNT_CAP) -> int:
    """How many rows ``qs`` has, up to ``cap + 1`` (more than ``cap``: shown as "cap+")."""
    with index_reads(qs.db):
        return min(bounded_pks(qs.order_by(), cap + 1).count(), cap + 1)


def dashboard_panels(user: Any) -> list[dict[str, Any]]:
    panels: list[dict[str, Any]] = []
    for provider in PROVIDERS:
        panels.extend(provider(user))
    for panel in panels:
        count = panel.get("count")
        if isinstance(count, int) and count > COUNT_CAP:
            panel["count"] = f"{COUNT_CAP}+"
    return panels


def dashboard_agenda(user: Any, *, now: datetime) -> dict[str, list[AgendaItem]]:
    """The user's overdue items (most overdue first), then his items due soon (soonest first)."""
    overdue: list[AgendaItem] = []
    soon: list[AgendaItem] = []
    for provider in AGENDA:
        late, coming = provider(user, now)
        overdue.extend(late)
        soon.extend(coming)
    overdue.sort(key=lambda item: item.due)
    soon.sort(key=lambda item: item.due)
    return {"overdue": overdue[:AGENDA_SIZE], "soon": soon[:AGENDA_SIZE]}
