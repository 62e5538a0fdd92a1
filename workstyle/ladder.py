"""The deadline ladder: one escalation sweep for every kind of item that has a deadline to keep.

A kind (complaints today; meeting reports, rectification items, yearly commitments later) is
declared once as a ``LadderKind`` and registered with ``ladder_register`` from its app's
``AppConfig.ready()``. For every registered kind ``ladder_sweep`` then runs three steps:

- a reminder, at most ``WORKSTYLE_REMINDER_DAYS`` before the deadline that runs now, once per
  deadline (a moved deadline, e.g. after an extension, allows a new one);
- level 0 → 1 when that deadline has passed: the responsible head is told;
- level 1 → 2 when it is still not met ``WORKSTYLE_ESCALATION_DAYS`` after both the escalation and
  the deadline: the discipline office is told and one accountability case is opened.

Set-based and safe to run anywhere at any time: each step takes a batch of rows with
``SELECT … FOR UPDATE SKIP LOCKED``, changes them with one conditional UPDATE and writes events,
notifications, e-mails and cases with one INSERT each, all in one transaction per batch. Two sweeps
never take the same row, a finished step no longer matches its own condition, and a sweep that
dies rolls its batch back whole. The queries per batch do not grow with the batch: the kinds'
functions only read the row they are given, and users are read once per batch.

This module knows no app: a kind brings its model, its people and its texts, and accountability
cases are opened by whatever function the supervising app registers with
``ladder_register_case_opener``."""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any, Final, Protocol

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.db.models import Case, DateTimeField, F, Q, When
from django.db.models.expressions import Combinable
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone, translation
from django.utils.functional import Promise

from workstyle import roles
from workstyle.bulk import bulk_insert, json_text
from workstyle.models import EventBase
from workstyle.services import NotificationItem, notification_send_many

log = logging.getLogger(__name__)

Row = dict[str, Any]

# The name under which each row carries the deadline that runs now (an annotation: a kind's model
# may well have a column called ``deadline`` of its own).
DUE: Final = "ladder_due_at"

# The rungs of the ladder, as stored in a kind's level column.
LEVEL_START: Final = 0
LEVEL_HEAD: Final = 1
LEVEL_OFFICE: Final = 2

# The counts ``ladder_sweep`` reports per kind, in the order the steps run.
STEPS: Final = ("reminded", "escalated_1", "escalated_2", "cases_opened")


class Audience(enum.Enum):
    """People who are not one user."""

    DISCIPLINE_OFFICE = "discipline_office"


# Every active member of the discipline office.
OFFICE: Final = Audience.DISCIPLINE_OFFICE

# Who a step tells: a user id (None: nobody, e.g. an empty column), or the discipline office.
type Recipient = int | Audience | None


@dataclass(frozen=True, kw_only=True)
class LadderStep:
    """Who is told at one step of the ladder, and with which notification kind.

    ``notify(row)`` lists the candidates in order of preference; the first one that reaches
    anybody — an active user who is not recused, or the discipline office less anyone recused —
    is told, the others are not. End the list with ``OFFICE`` so that the notice always reaches
    someone. ``notice`` is a notification kind (registered with
    ``workstyle.notifications.register_kind``), or a function of the row choosing one."""

    notify: Callable[[Row], Sequence[Recipient]]
    notice: str | Callable[[Row], str]

    def notice_for(self, row: Row) -> str:
        return self.notice(row) if callable(self.notice) else self.notice


@dataclass(frozen=True, kw_only=True)
class LadderCase:
    """The accountability case to open for an item that reaches level 2.

    ``source`` is one of the case sources the supervising app knows (e.g.
    ``"complaint_escalation"``). The subject is a cadre, else a unit's party organization; a draft
    with neither opens no case (the sweep logs it)."""

    source: str
    allegation: str
    subject_cadre_id: int | None = None
    subject_unit_id: int | None = None

    @property
    def has_subject(self) -> bool:
        return self.subject_cadre_id is not None or self.subject_unit_id is not None


class CaseOpener(Protocol):
    """Opens the cases of many escalated items of one model at once, inside the sweep's
    transaction, keeping any case an item already has; returns the new cases by item id."""

    def __call__(
        self, *, model: type[models.Model], drafts: Mapping[int, LadderCase], now: datetime
    ) -> Mapping[int, models.Model]: ...


def _nobody(row: Row) -> Sequence[int | None]:
    return ()


def _row_id(row: Row) -> str:
    return f"#{row['pk']}"


# eq=False: a kind is itself, compared and hashed by identity.
@dataclass(frozen=True, kw_only=True, eq=False)
class LadderKind:
    """One kind of item on the ladder, declared once.

    The deadline is either ``deadlines``, a mapping state → deadline column (the item is open in
    the states it names, and the deadline that runs now is that state's column), or ``deadline``,
    any SQL expression giving the deadline that runs now (NULL: nothing is owed), optionally with
    an ``open`` condition. The kind's functions get one row: the columns named in ``fields`` (any
    ``values()`` lookup, joins included), ``pk``, and the deadline under ``DUE``. Items have
    integer primary keys (the sweep walks them in order; cases link them by id).

    For example, a yearly commitment that each cadre signs by a date::

        ladder_register(LadderKind(
            name="commitments",
            label=_("Yearly commitments"),
            model=Commitment,
            deadlines={Commitment.Status.PENDING: "sign_by"},
            fields=("year", "cadre_id", "cadre__user", "cadre__unit__head__user"),
            reminder=LadderStep(notify=lambda row: [row["cadre__user"], OFFICE], notice="commitment_reminder"),
            level_1=LadderStep(notify=lambda row: [row["cadre__unit__head__user"], OFFICE], notice="commitment_late"),
            level_2=LadderStep(notify=lambda row: [OFFICE], notice="commitment_late_office"),
            params=lambda row: {"year": row["year"]},
            url=lambda row: reverse("meetings:commitment", args=[row["pk"]]),
            event_model=CommitmentEvent,
            event_fk="commitment",
            case=lambda row: LadderCase(source="other", allegation=..., subject_cadre_id=row["cadre_id"]),
        ))
    """

    name: str
    label: str | Promise
    model: type[models.Model]
    # The deadline
    deadlines: Mapping[str, str] | None = None
    state_field: str = "status"
    deadline: Combinable | None = None  # an SQL expression, e.g. Coalesce(F("due_at"), F("set_at"))
    open: Q | None = None
    # What the ladder reads and writes on the item
    fields: tuple[str, ...] = ()
    level_field: str = "escalation_level"
    escalated_at_field: str = "escalated_at"
    reminded_for_field: str = "reminded_for"
    # Who is told, and what
    reminder: LadderStep
    level_1: LadderStep
    level_2: LadderStep
    # Users never told about the item whatever the step, e.g. the cadre complained about.
    recused: Callable[[Row], Iterable[int | None]] = _nobody
    # The notification's parameters (the ladder adds ``due`` and, when escalating, ``days``) and link.
    params: Callable[[Row], Mapping[str, Any]]
    url: Callable[[Row], str]
    # The timeline: an event model and its foreign key to the item.
    event_model: type[EventBase]
    event_fk: str
    # The accountability case opened at level 2 (None: this kind opens none).
    case: Callable[[Row], LadderCase | None] | None = None
    # How an item is named in the log.
    describe: Callable[[Row], str] = _row_id
    # Adds to a batch's rows what ``values()`` cannot give, such as a to-many relation (the cadres
    # recused from each complaint): one query per batch, not per row.
    prefetch: Callable[[list[Row]], None] | None = None

    def __post_init__(self) -> None:
        if not self.name:
            raise ImproperlyConfigured("a ladder kind needs a name")
        if (self.deadlines is None) == (self.deadline is None):
            raise ImproperlyConfigured(f"ladder kind {self.name!r}: give either deadlines or deadline")
        if self.deadlines is not None and not self.deadlines:
            raise ImproperlyConfigured(f"ladder kind {self.name!r}: deadlines is empty")
        # Misspelt columns fail at start-up, not in the first sweep that has work.
        opts = self.model._meta
        columns = [self.level_field, self.escalated_at_field, self.reminded_for_field]
        if self.deadlines is not None:
            columns += [self.state_field, *self.deadlines.values()]
        for name in columns:
            opts.get_field(name)
        self.event_column  # noqa: B018  # the event's foreign key, checked and kept

    @cached_property
    def due(self) -> Any:
        """The deadline that runs now, in SQL."""
        if self.deadlines is not None:
            return ladder_due_expression(self.deadlines, state_field=self.state_field)
        return self.deadline

    @cached_property
    def open_q(self) -> Q:
        """Items someone still owes something (with a deadline expression alone: any row, since a
        NULL deadline never matches a step)."""
        if self.deadlines is not None:
            return Q(**{f"{self.state_field}__in": tuple(self.deadlines)})
        return self.open if self.open is not None else Q()

    @cached_property
    def event_column(self) -> str:
        """The event's column holding the item's id (``complaint_id``)."""
        fk = self.event_model._meta.get_field(self.event_fk)
        if not isinstance(fk, models.ForeignKey):
            raise ImproperlyConfigured(f"ladder kind {self.name!r}: {self.event_fk!r} is no foreign key")
        return fk.attname

    @cached_property
    def touched(self) -> tuple[str, ...]:
        """``auto_now`` columns: an UPDATE does not set them, so the sweep does."""
        return tuple(f.attname for f in self.model._meta.concrete_fields if getattr(f, "auto_now", False))


class LadderUrl:
    """``url=`` for a kind whose items have a page at ``reverse(name, args=[row[key]])``, for
    thousands of rows at once: the URL is reversed once (per script prefix and URLconf) around a
    marker, and each row's integer id put in its place — ``reverse`` per row costs more than the
    rest of a row's work. Only for a pattern whose one argument is an integer (``<int:pk>``)."""

    _MARKER: Final = 9_087_654_321

    def __init__(self, name: str, key: str = "pk") -> None:
        self.name = name
        self.key = key
        self._parts: dict[tuple[str, Any], tuple[str, str]] = {}

    def __call__(self, row: Row) -> str:
        where = (get_script_prefix(), get_urlconf())
        parts = self._parts.get(where)
        if parts is None:
            head, marker, tail = reverse(self.name, args=[self._MARKER]).partition(str(self._MARKER))
            if not marker or str(self._MARKER) in tail:
                raise ImproperlyConfigured(f"LadderUrl({self.name!r}): the URL must hold its integer argument once")
            parts = self._parts[where] = (head, tail)
        return f"{parts[0]}{int(row[self.key])}{parts[1]}"


# --- the deadline, derived from a mapping state → column --------------------------------------------


def _states_by_column(deadlines: Mapping[str, str]) -> dict[str, list[str]]:
    """The states grouped by their deadline column, in the mapping's order."""
    groups: dict[str, list[str]] = {}
    for state, column in deadlines.items():
        groups.setdefault(column, []).append(state)
    return groups


def _in_states(state_field: str, states: list[str]) -> Q:
    if len(states) == 1:
        return Q(**{state_field: states[0]})
    return Q(**{f"{state_field}__in": tuple(states)})


def ladder_due_expression(deadlines: Mapping[str, str], *, state_field: str = "status") -> Case:
    """The deadline that runs now in SQL: ``CASE WHEN state … THEN column …``, NULL in a state the
    mapping does not name (nothing is owed)."""
    return Case(
        *[
            When(_in_states(state_field, states), then=F(column))
            for column, states in _states_by_column(deadlines).items()
        ],
        default=None,
        output_field=DateTimeField(),
    )


def ladder_overdue_q(deadlines: Mapping[str, str], *, now: datetime, state_field: str = "status") -> Q:
    """Items in a state of the mapping whose deadline in that state has passed. One condition per
    column, without the CASE, so that an index on a deadline column can serve it."""
    condition = Q()
    for column, states in _states_by_column(deadlines).items():
        condition |= _in_states(state_field, states) & Q(**{f"{column}__lt": now})
    return condition


# --- the registry ------------------------------------------------------------------------------------

_KINDS: dict[str, LadderKind] = {}
_case_opener: CaseOpener | None = None


def ladder_register(kind: LadderKind) -> None:
    """Put a kind on the ladder (call it once, from the app's ``AppConfig.ready()`` or a module
    imported there)."""
    registered = _KINDS.get(kind.name)
    if registered is not None and registered is not kind:
        raise ImproperlyConfigured(f"ladder kind {kind.name!r} is registered already")
    _KINDS[kind.name] = kind


def ladder_unregister(name: str) -> None:
    """Take a kind off the ladder (tests register kinds of their own)."""
    _KINDS.pop(name, None)


def ladder_kinds() -> list[LadderKind]:
    """The registered kinds, in the order they were registered (the order the sweep runs them)."""
    return list(_KINDS.values())


def ladder_register_case_opener(opener: CaseOpener) -> None:
    """Let the supervising app open the accountability cases of level 2 (from its ``ready()``)."""
    global _case_opener
    _case_opener = opener


# --- the steps -----------------------------------------------------------------------------------------


def _reminder_due(kind: LadderKind, now: datetime) -> Q:
    reminded_for = kind.reminded_for_field
    return (
        kind.open_q
        & Q(**{f"{DUE}__gte": now, f"{DUE}__lte": now + timedelta(days=settings.WORKSTYLE_REMINDER_DAYS)})
        & (Q(**{f"{reminded_for}__isnull": True}) | ~Q(**{reminded_for: F(DUE)}))
    )


def _level_1_due(kind: LadderKind, now: datetime) -> Q:
    return kind.open_q & Q(**{kind.level_field: LEVEL_START, f"{DUE}__lt": now})


def _level_2_due(kind: LadderKind, now: datetime) -> Q:
    # Both the escalation and the deadline that runs now must be old enough: a new deadline (an
    # extension, a review request) gives the responsible head fresh grace days.
    grace = now - timedelta(days=settings.WORKSTYLE_ESCALATION_DAYS)
    return kind.open_q & Q(
        **{kind.level_field: LEVEL_HEAD, f"{kind.escalated_at_field}__lte": grace, f"{DUE}__lt": grace}
    )


def _take_batch(kind: LadderKind, condition: Q, *, after: int, batch_size: int) -> list[Row]:
    """The next rows that need the step, locked for this transaction; rows another sweep holds are
    skipped (that sweep does them). ``of=self``: lock the items, not the joined rows."""
    columns = dict.fromkeys(("pk", DUE, *kind.fields))
    rows = list(
        kind.model._default_manager.annotate(**{DUE: kind.due})
        .filter(condition, pk__gt=after)
        .select_for_update(skip_locked=True, of=("self",))
        .order_by("pk")
        .values(*columns)[:batch_size]
    )
    if rows and kind.prefetch is not None:
        kind.prefetch(rows)
    return rows


class _Recipients:
    """Users to notify, read with one query per batch; the discipline office once per sweep."""

    def __init__(self) -> None:
        self._office: list[Any] | None = None
        self._users: dict[int, Any] = {}  # None: inactive or gone

    def office(self) -> list[Any]:
        if self._office is None:
            User = get_user_model()
            self._office = list(
                User.objects.filter(groups__name=roles.DISCIPLINE, is_active=True)
                .only("pk", "email", "is_active")
                .distinct()
                .order_by("pk")
            )
        return self._office

    def load(self, user_ids: Iterable[Recipient]) -> None:
        wanted = {pk for pk in user_ids if isinstance(pk, int)} - self._users.keys()
        if wanted:
            User = get_user_model()
            self._users.update(dict.fromkeys(wanted))
            for user in User.objects.filter(pk__in=wanted, is_active=True).only("pk", "email", "is_active"):
                self._users[user.pk] = user

    def first(self, candidates: Iterable[Recipient], recused: set[int]) -> list[Any]:
        """The first candidate who reaches anybody, recused users left out (loaded beforehand)."""
        for candidate in candidates:
            if candidate is OFFICE:
                users = [u for u in self.office() if u.pk not in recused]
            elif isinstance(candidate, int):
                user = self._users.get(candidate)
                users = [user] if user is not None and user.pk not in recused else []
            else:
                continue
            if users:
                return users
        return []


def _due_text(deadline: datetime, tz: Any) -> str:
    return deadline.astimezone(tz).date().isoformat()


def _notices(
    kind: LadderKind, step: LadderStep, rows: list[Row], *, recipients: _Recipients, extra: Mapping[str, Any]
) -> list[NotificationItem]:
    """One notice per row, to the first of the step's candidates who reaches anybody."""
    wanted = [(row, list(step.notify(row)), {pk for pk in kind.recused(row) if pk is not None}) for row in rows]
    recipients.load(candidate for _row, candidates, _recused in wanted for candidate in candidates)
    tz = timezone.get_current_timezone()
    return [
        (
            recipients.first(candidates, recused),
            step.notice_for(row),
            {**kind.params(row), "due": _due_text(row[DUE], tz), **extra},
            kind.url(row),
        )
        for row, candidates, recused in wanted
    ]


def _notify(items: list[NotificationItem], *, now: datetime) -> None:
    # The sweep has no use for the rows: they are not read back.
    notification_send_many(items=items, now=now, return_rows=False)


def _still_due(kind: LadderKind, ids: list[int], condition: Q) -> Any:
    """The locked rows once more, with the step's own condition: belt and braces for the UPDATE."""
    return kind.model._default_manager.alias(**{DUE: kind.due}).filter(condition, pk__in=ids)


def _update(kind: LadderKind, ids: list[int], condition: Q, *, now: datetime, **values: Any) -> None:
    changed = _still_due(kind, ids, condition).update(**values, **dict.fromkeys(kind.touched, now))
    if changed != len(ids):
        # Cannot happen while the rows are locked; if it ever does, undo the whole batch rather
        # than write events for rows that did not change.
        raise RuntimeError(f"escalation sweep ({kind.name}): {changed} of {len(ids)} locked rows changed")


def _events(
    kind: LadderKind,
    rows: list[Row],
    data: Callable[[Row], dict[str, Any]],
    *,
    now: datetime,
    verb: str,
    from_state: str = "",
    to_state: str = "",
) -> None:
    """One event per row, in one INSERT (column-wise: no model instance per row)."""
    bulk_insert(
        kind.event_model,
        columns={kind.event_column: [row["pk"] for row in rows], "data": [json_text(data(row)) for row in rows]},
        constants={"at": now, "actor_id": None, "verb": verb, "from_state": from_state, "to_state": to_state},
    )


def _remind(kind: LadderKind, rows: list[Row], *, now: datetime, recipients: _Recipients) -> int:
    ids = [row["pk"] for row in rows]
    _update(kind, ids, _reminder_due(kind, now), now=now, **{kind.reminded_for_field: kind.due})
    _events(kind, rows, lambda row: {"deadline": row[DUE].isoformat()}, now=now, verb="remind")
    _notify(_notices(kind, kind.reminder, rows, recipients=recipients, extra={}), now=now)
    return len(rows)


def _escalate_to_head(kind: LadderKind, rows: list[Row], *, now: datetime, recipients: _Recipients) -> int:
    ids = [row["pk"] for row in rows]
    _update(
        kind,
        ids,
        _level_1_due(kind, now),
        now=now,
        **{kind.level_field: LEVEL_HEAD, kind.escalated_at_field: now},
    )
    _events(
        kind,
        rows,
        lambda row: {"deadline": row[DUE].isoformat()},
        now=now,
        verb="escalate",
        from_state=str(LEVEL_START),
        to_state=str(LEVEL_HEAD),
    )
    extra = {"days": settings.WORKSTYLE_ESCALATION_DAYS}
    _notify(_notices(kind, kind.level_1, rows, recipients=recipients, extra=extra), now=now)
    return len(rows)


def _open_cases(kind: LadderKind, rows: list[Row], *, now: datetime) -> Mapping[int, models.Model]:
    """The accountability cases of the rows, opened in a few INSERTs by the registered opener."""
    if kind.case is None:
        return {}
    drafts: dict[int, LadderCase] = {}
    # Allegations are written once, in the portal's language, like the e-mails.
    with translation.override(settings.LANGUAGE_CODE):
        for row in rows:
            draft = kind.case(row)
            if draft is not None and draft.has_subject:
                drafts[row["pk"]] = draft
    missing = [kind.describe(row) for row in rows if row["pk"] not in drafts]
    if missing:
        log.warning("escalation sweep (%s): no cadre or unit to hold accountable for %s", kind.name, ", ".join(missing))
    if not drafts:
        return {}
    if _case_opener is None:
        # Fail the batch (it rolls back whole, the next sweep tries again) rather than escalate
        # without the case.
        raise ImproperlyConfigured("the deadline ladder has no case opener: is the supervision app installed?")
    return _case_opener(model=kind.model, drafts=drafts, now=now)


def _escalate_to_office(
    kind: LadderKind, rows: list[Row], *, now: datetime, recipients: _Recipients
) -> tuple[int, int]:
    ids = [row["pk"] for row in rows]
    _update(
        kind,
        ids,
        _level_2_due(kind, now),
        now=now,
        **{kind.level_field: LEVEL_OFFICE, kind.escalated_at_field: now},
    )
    cases = _open_cases(kind, rows, now=now)
    _events(
        kind,
        rows,
        lambda row: {
            "deadline": row[DUE].isoformat(),
            "case": cases[row["pk"]].pk if row["pk"] in cases else None,
        },
        now=now,
        verb="escalate",
        from_state=str(LEVEL_HEAD),
        to_state=str(LEVEL_OFFICE),
    )
    extra = {"days": settings.WORKSTYLE_ESCALATION_DAYS}
    _notify(_notices(kind, kind.level_2, rows, recipients=recipients, extra=extra), now=now)
    return len(rows), len(cases)


def _sweep(kind: LadderKind, condition: Q, step: Callable[[list[Row]], Any], *, batch_size: int) -> list[Any]:
    """Run a step over every row that needs it, one transaction per batch, in primary-key order."""
    results = []
    after = 0
    while True:
        with transaction.atomic():
            rows = _take_batch(kind, condition, after=after, batch_size=batch_size)
            if not rows:
                break
            results.append(step(rows))
        after = rows[-1]["pk"]
        if len(rows) < batch_size:
            break
    return results


def _sweep_kind(kind: LadderKind, *, now: datetime, batch_size: int, recipients: _Recipients) -> dict[str, int]:
    reminded = _sweep(
        kind,
        _reminder_due(kind, now),
        lambda rows: _remind(kind, rows, now=now, recipients=recipients),
        batch_size=batch_size,
    )
    level_1 = _sweep(
        kind,
        _level_1_due(kind, now),
        lambda rows: _escalate_to_head(kind, rows, now=now, recipients=recipients),
        batch_size=batch_size,
    )
    level_2 = _sweep(
        kind,
        _level_2_due(kind, now),
        lambda rows: _escalate_to_office(kind, rows, now=now, recipients=recipients),
        batch_size=batch_size,
    )
    counts = {
        "reminded": sum(reminded),
        "escalated_1": sum(level_1),
        "escalated_2": sum(n for n, _cases in level_2),
        "cases_opened": sum(cases for _n, cases in level_2),
    }
    if any(counts.values()):
        log.info("escalation sweep (%s): %s", kind.name, counts)
    return counts


def ladder_sweep(
    *, now: datetime, batch_size: int = 1000, kinds: Iterable[str] | None = None
) -> dict[str, dict[str, int]]:
    """One sweep over the registered kinds (or the ones named): for each, reminders, then level
    0 → 1, then level 1 → 2. Returns the counts per kind and step (``STEPS``)."""
    if batch_size < 1:
        raise ValueError("batch_size must be positive")
    if kinds is None:
        chosen = ladder_kinds()
    else:
        names = list(kinds)
        if unknown := [name for name in names if name not in _KINDS]:
            raise ValueError(f"unknown ladder kind: {', '.join(unknown)}")
        chosen = [_KINDS[name] for name in dict.fromkeys(names)]
    recipients = _Recipients()
    return {kind.name: _sweep_kind(kind, now=now, batch_size=batch_size, recipients=recipients) for kind in chosen}
