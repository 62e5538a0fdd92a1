"""The workflow core: every workflow is declared once, as a transition table, and performed by one
helper.

A row (``Transition``) says what an action is: its name, the states it may start from, the state it
leads to (or none: reveal an identity, ask for an extension), who may take it (``Who``, a named
predicate of actor and object), the conditions beyond the state (``Guard``), the event verb it
writes, and the shape of its input and output, which the page forms and the API read. A
``Workflow`` holds the rows of one model. From it come:

- ``allowed_actions(user, obj)``: the buttons a page shows and the ``allowed_actions`` the API
  lists;
- ``step(action, actor, obj, now)``: the one way a service changes state. It locks the row
  (``SELECT … FOR UPDATE``: concurrent changes queue up and each sees the state the previous one
  left), checks the start state, the actor and the guards, and hands the locked row to the service,
  which sets its fields and calls ``Step.save`` (``update_fields``, the new state, the event row in
  the same transaction). Side effects go through ``transaction.on_commit`` (the outbox relay does);
- ``path(start, target)``: the actions that lead from one state to another, for fixtures.

The service of a row is ``<entity>_<action>`` in the app's ``services`` module; adding an action is
one row and one service function.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workstyle.errors import NotAllowed, TransitionError
from workstyle.roles import Actor

# The output shape of an action after which the caller may no longer see the object (he was just
# named in it: recusal): the object, or nothing (the API answers 204).
GONE = "object_or_gone"

NOT_NOW = _("Not possible in the present state (%(status)s).")

# The registry of workflows, by model and by event model, filled as each table is declared.
_WORKFLOWS: list[Workflow] = []


@dataclass(frozen=True)
class Who:
    """Who may take an action: a named predicate of (actor, object), or a union of them
    (``discipline | head``). ``staff`` is False for parties without an account — the complainant
    on the public side, the system's sweeps — whose actions the workbench never offers."""

    name: str
    test: Callable[[Any, Any], bool] | None = None
    staff: bool = True
    parts: tuple[Who, ...] = ()
    # Who they are, in a few words of English, for the API's documentation.
    describe: str = ""

    def __call__(self, actor: Any, obj: Any) -> bool:
        if self.parts:
            return any(part(actor, obj) for part in self.parts)
        assert self.test is not None
        return bool(self.test(actor, obj))

    def __or__(self, other: Who) -> Who:
        parts = (*self.members, *other.members)
        return Who(name=" | ".join(part.name for part in parts), parts=parts)

    @property
    def members(self) -> tuple[Who, ...]:
        return self.parts or (self,)

    @property
    def has_staff(self) -> bool:
        return any(part.staff for part in self.members)

    @property
    def staff_description(self) -> str:
        """Those of its members who may act on the workbench or through the API, in English."""
        return " or ".join(part.describe or part.name.replace("_", " ") for part in self.members if part.staff)


@dataclass(frozen=True)
class Guard:
    """A condition beyond the state (no pending request, a window still open), with the refusal
    the actor reads when it fails. ``test(obj, actor, now)``."""

    name: str
    test: Callable[[Any, Any, dt.datetime], bool]
    message: Any


@dataclass(frozen=True)
class Transition:
    """One row of a transition table."""

    action: str
    sources: tuple[str, ...]
    target: str | None
    who: Who
    label: Any
    event_label: Any
    verb: str = ""  # defaults to the action's name
    guards: tuple[Guard, ...] = ()
    # The shape of the actor's input and of the answer, by name: the page and the API map these
    # names to their forms and serializers, so that a new action with a known shape needs neither.
    input: str = ""
    output: str = ""
    # Where the page shows it: "" for the main actions card, or the topic's own section; a heading
    # when the button's label is too short for one, a hint, and whether it is the weightier choice.
    topic: str = ""
    heading: Any = ""
    help: Any = ""
    danger: bool = False
    done: Any = ""  # the success message; may use %(code)s
    denied: Any = ""  # the refusal when the actor may not
    refused: Any = ""  # the refusal when the state does not allow it (default: the workflow's)

    @property
    def event_verb(self) -> str:
        return self.verb or self.action

    @property
    def staff(self) -> bool:
        return self.who.has_staff


class Step:
    """A transition under way: the locked row, and what the service records."""

    def __init__(self, workflow: Workflow, row: Transition, obj: Any, actor: Any, now: dt.datetime) -> None:
        self.workflow = workflow
        self.row = row
        self.obj = obj
        self.actor = actor
        self.now = now
        self.from_state: str = workflow.state_of(obj)

    @property
    def user(self) -> Any:
        """The actor as a user to store (``requested_by``, ``decided_by``): the predicates of the row
        let only signed-in users act, so this is None only for the system and the complainant."""
        return self.actor if getattr(self.actor, "pk", None) is not None else None

    def save(
        self, *, note: str = "", data: Mapping[str, Any] | None = None, states: bool = False, **fields: Any
    ) -> models.Model:
        """Set ``fields`` and the row's target state, save with ``update_fields`` and write the event.
        The event names the states it went from and to when the state changed, or when ``states``
        asks for them (an action that may move it, and the timeline should say that it did not)."""
        workflow = self.workflow
        for name, value in fields.items():
            setattr(self.obj, name, value)
        changed = list(fields)
        if self.row.target is not None:
            setattr(self.obj, workflow.state_field, self.row.target)
            changed.append(workflow.state_field)
        if changed:
            self.obj.save(update_fields=[*dict.fromkeys(changed), *workflow.auto_now_fields])
        state = workflow.state_of(self.obj)
        moved = states or self.row.target is not None or state != self.from_state
        return self.record(
            note=note,
            data=data,
            from_state=self.from_state if moved else "",
            to_state=state if moved else "",
        )

    def record(
        self,
        *,
        verb: str = "",
        note: str = "",
        data: Mapping[str, Any] | None = None,
        from_state: str = "",
        to_state: str = "",
    ) -> models.Model:
        """Write an event of this transition (by default its own verb) in its transaction."""
        return self.workflow.record(
            self.obj,
            actor=self.actor,
            verb=verb or self.row.event_verb,
            now=self.now,
            note=note,
            data=data,
            from_state=from_state,
            to_state=to_state,
        )


# Set on a row read from ``visible_to(user)`` by a list (``workflow_seen_by``): the row's own proof
# that ``user`` sees it, so that the actions offered on each row of a page cost no query each.
SEEN_BY = "_workflow_seen_by"


def workflow_seen_by(objs: Iterable[Any], user: Any) -> None:
    """Mark rows that were read through ``visible_to(user)`` (the API's pages: every viewset's
    queryset starts there) as seen by ``user``. Services still lock and check the row."""
    pk = getattr(user, "pk", None)
    if pk is None:
        return
    for obj in objs:
        if hasattr(obj, "__dict__"):
            obj.__dict__[SEEN_BY] = pk


@dataclass
class Workflow:
    """The transition table of one model, and the helpers that read it."""

    entity: str  # the services' prefix: ``complaint`` → ``complaint_reply``
    model: type[models.Model]
    event_model: type[models.Model]
    event_field: str  # the event's foreign key to the object
    transitions: Sequence[Transition]
    initial: str
    state_field: str = "status"
    # Shown when an action is not possible from the present state; ``%(status)s`` is its label.
    refused: Any = NOT_NOW
    # Checked for staff actors before the row's predicate: out of sight is out of reach.
    visible: Callable[[Any], models.QuerySet[Any]] | None = None
    # Event verbs that are not transitions (submission, reminders, sweeps), with their labels.
    other_verbs: Mapping[str, Any] = field(default_factory=dict)
    # Whether its event labels serve the timeline pages (False for a table built in a test).
    register: bool = True

    def __post_init__(self) -> None:
        self.rows: dict[str, Transition] = {}
        for row in self.transitions:
            if row.action in self.rows:
                raise ValueError(f"{self.entity}: action {row.action!r} declared twice")
            self.rows[row.action] = row
        states = set(self.states)
        for row in self.transitions:
            unknown = {*row.sources, *([row.target] if row.target else [])} - states
            if unknown:
                raise ValueError(f"{self.entity}.{row.action}: unknown states {sorted(unknown)}")
        self.auto_now_fields = [f.name for f in self.model._meta.concrete_fields if getattr(f, "auto_now", False)]
        self.verb_labels: dict[str, Any] = {**self.other_verbs}
        for row in self.transitions:
            self.verb_labels.setdefault(row.event_verb, row.event_label)
        if self.register:
            _WORKFLOWS.append(self)

    # --- reading the table ---

    def __iter__(self) -> Iterator[Transition]:
        return iter(self.transitions)

    def __getitem__(self, action: str) -> Transition:
        return self.rows[action]

    @property
    def states(self) -> list[str]:
        return [value for value, _label in self.model._meta.get_field(self.state_field).choices]  # type: ignore[union-attr]

    def state_of(self, obj: Any) -> str:
        return str(getattr(obj, self.state_field))

    def state_label(self, obj: Any) -> str:
        return str(getattr(obj, f"get_{self.state_field}_display")())

    def staff_rows(self) -> list[Transition]:
        return [row for row in self.transitions if row.staff]

    def service(self, module: ModuleType, action: str) -> Callable[..., Any]:
        """The service function of an action: ``<entity>_<action>`` in ``module``."""
        return getattr(module, f"{self.entity}_{action}")

    def verb_label(self, verb: str) -> Any:
        return self.verb_labels.get(verb, verb)

    # --- checking ---

    def _is_visible(self, actor: Any, obj: Any) -> bool:
        if actor is None or self.visible is None:
            return True
        if obj.__dict__.get(SEEN_BY) is not None and obj.__dict__[SEEN_BY] == getattr(actor, "pk", None):
            return True
        return self.visible(actor).filter(pk=obj.pk).exists()

    def authorize(self, action: str, *, actor: Any, obj: Any) -> Transition:
        """Whether ``actor`` is one of those who may take ``action`` on ``obj`` (the state aside).
        The API asks this before judging input, so that others learn nothing from it."""
        row = self.rows[action]
        if not (self._is_visible(actor, obj) and row.who(actor, obj)):
            raise NotAllowed(row.denied or _("You may not do this."))
        return row

    def check(self, action: str, *, actor: Any, obj: Any, now: dt.datetime) -> Transition:
        """Raise the refusal of ``action`` on ``obj`` (locked by the caller) by ``actor``: the state
        first (TransitionError), then the actor (NotAllowed), then the guards (TransitionError)."""
        row = self.rows[action]
        if self.state_of(obj) not in row.sources:
            raise TransitionError((row.refused or self.refused) % {"status": self.state_label(obj)})
        self.authorize(action, actor=actor, obj=obj)
        for guard in row.guards:
            if not guard.test(obj, actor, now):
                raise TransitionError(guard.message)
        return row

    def can(self, action: str, *, actor: Actor, obj: Any, now: dt.datetime) -> bool:
        """Whether ``check`` would let ``action`` through now (without a lock: for display)."""
        try:
            self.check(action, actor=actor, obj=obj, now=now)
        except (TransitionError, NotAllowed):
            return False
        return True

    def allowed_actions(self, *, user: Actor, obj: Any, now: dt.datetime | None = None) -> list[str]:
        """The staff actions ``user`` may take on ``obj`` now, in the table's order."""
        if not getattr(user, "is_authenticated", False) or not self._is_visible(user, obj):
            return []
        now = now or timezone.now()
        state = self.state_of(obj)
        return [
            row.action
            for row in self.transitions
            if row.staff
            and state in row.sources
            and row.who(user, obj)
            and all(guard.test(obj, user, now) for guard in row.guards)
        ]

    # --- performing ---

    def lock(self, obj: Any) -> Any:
        return self.model._default_manager.select_for_update().get(pk=obj.pk)

    @contextmanager
    def step(self, action: str, *, actor: Actor, obj: Any, now: dt.datetime) -> Iterator[Step]:
        """Perform ``action``: in one transaction, lock the row, check it, let the service change it."""
        with transaction.atomic():
            locked = self.lock(obj)
            row = self.check(action, actor=actor, obj=locked, now=now)
            yield Step(self, row, locked, actor, now)

    def record(
        self,
        obj: Any,
        *,
        actor: Actor,
        verb: str,
        now: dt.datetime,
        note: str = "",
        data: Mapping[str, Any] | None = None,
        from_state: str = "",
        to_state: str = "",
    ) -> models.Model:
        """Write one event of ``obj``'s timeline (inside the transaction of the change)."""
        if verb not in self.verb_labels:
            raise ValueError(f"{self.entity}: unknown event verb {verb!r}")
        return self.event_model._default_manager.create(
            **{self.event_field: obj},
            actor=actor if getattr(actor, "pk", None) is not None else None,
            verb=verb,
            at=now,
            from_state=from_state,
            to_state=to_state,
            note=note,
            data=dict(data or {}),
        )

    # --- paths, for fixtures and documentation ---

    def path(self, target: str, *, start: str | None = None, via: Iterable[str] = ()) -> list[str]:
        """The shortest list of actions leading from ``start`` (the initial state) to ``target``,
        through each state of ``via`` that lies on a way there; ties go to the table's order."""
        path: list[str] = []
        here = start or self.initial
        for waypoint in [*via, target]:
            if waypoint == target or (
                self._reach(here, waypoint) is not None and self._reach(waypoint, target) is not None
            ):
                leg = self._reach(here, waypoint)
                if leg is None:
                    raise ValueError(f"{self.entity}: no way from {here!r} to {waypoint!r}")
                path += leg
                here = waypoint
        return path

    def _reach(self, start: str, target: str) -> list[str] | None:
        seen = {start}
        queue: deque[tuple[str, list[str]]] = deque([(start, [])])
        while queue:
            state, actions = queue.popleft()
            if state == target:
                return actions
            for row in self.transitions:
                if state in row.sources and row.target is not None and row.target not in seen:
                    seen.add(row.target)
                    queue.append((row.target, [*actions, row.action]))
        return None


def event_verb_label(event_model: type[models.Model], verb: str) -> Any:
    """The label of an event verb, from the workflow that writes such events."""
    for workflow in _WORKFLOWS:
        if workflow.event_model is event_model and verb in workflow.verb_labels:
            return workflow.verb_labels[verb]
    return None


def event_state_label(event_model: type[models.Model], state: str) -> Any:
    """The label of a state an event records (its ``from_state``/``to_state``), from the workflow
    that writes such events; the state itself when no workflow knows it."""
    for workflow in _WORKFLOWS:
        if workflow.event_model is event_model:
            labels = dict(workflow.model._meta.get_field(workflow.state_field).flatchoices)  # type: ignore[union-attr]
            if state in labels:
                return labels[state]
    return state


def workflows() -> list[Workflow]:
    return list(_WORKFLOWS)
