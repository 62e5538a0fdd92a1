"""Lists that answer in the same time at any size: keyset ("cursor") pagination, and no counts.

A page of a list ordered by columns that are never NULL is read as ``WHERE (a, b, id) < (x, y, z)
ORDER BY a, b, id LIMIT n + 1``: an index on the ordering walks straight to the page, whatever the
page and however long the table. The position is an opaque cursor (the last row's ordering values,
base64 JSON) that the ``next`` and ``previous`` links carry. A list ordered otherwise (a column that
may be NULL, an expression) falls back to ``OFFSET``, still without a count: one row more than the
page tells whether there is a next one. Nothing here ever counts the rows of a list.

The API's pagination (``workstyle.api.Pagination``) and the pages (``paginate`` below, the pager
``templates/includes/pagination.html``) both read pages through ``keyset_page``/``offset_page``."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import OrderBy
from django.http import QueryDict

from workstyle.scopes import bounded

CURSOR_PARAM = "cursor"
PAGE_PARAM = "page"
# Ordering values are read back under these names (a joined column such as ``cadre__staff_number``
# is annotated so that the page's rows carry it).
_KEY = "_keyset_%d"


class BadCursor(ValueError):
    """A cursor that this list did not issue (edited, or from another ordering)."""


@dataclass(frozen=True)
class Key:
    path: str  # a field lookup from the model: "submitted_at", "cadre__staff_number", "pk"
    descending: bool
    field: models.Field[Any, Any]


@dataclass
class Page:
    """One page of a list: its rows, and where the next and previous pages start (None: there is
    none). ``number`` is set for an OFFSET page only."""

    object_list: list[Any]
    next_cursor: str | None = None
    previous_cursor: str | None = None
    number: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    # The names the pager template reads.
    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None or self.extra.get("next_page") is not None

    @property
    def has_previous(self) -> bool:
        return self.previous_cursor is not None or self.extra.get("previous_page") is not None

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    def __iter__(self) -> Any:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)


def _resolve(model: type[models.Model], path: str) -> tuple[models.Field[Any, Any], bool] | None:
    """The field a lookup path ends at, and whether the path can yield NULL (a nullable column or a
    nullable foreign key on the way); None for anything but a chain of concrete fields."""
    opts = model._meta
    nullable = False
    parts = path.split("__")
    target: Any = None
    for index, part in enumerate(parts):
        try:
            target = opts.pk if part == "pk" else opts.get_field(part)
        except FieldDoesNotExist:
            return None
        if not getattr(target, "concrete", False) or getattr(target, "many_to_many", False):
            return None
        nullable = nullable or bool(getattr(target, "null", False))
        if index < len(parts) - 1:
            if not target.is_relation or target.related_model is None:
                return None
            opts = target.related_model._meta
        elif target.is_relation:
            # Ordering by a foreign key orders by the related model's ordering: not a plain column.
            return None
    return target, nullable


def may_be_null(model: type[models.Model], path: str) -> bool:
    """Whether ordering ``model`` by the lookup ``path`` can meet NULLs (a nullable column, or a
    nullable foreign key on the way)."""
    resolved = _resolve(model, path)
    return resolved is not None and resolved[1]


def keyset_of(queryset: QuerySet[Any]) -> list[Key] | None:
    """The keys of the queryset's ordering, ending with the primary key so that they are unique; None
    when the ordering is not made of columns that are never NULL (then pages go by OFFSET)."""
    query = queryset.query
    ordering: list[Any] = list(query.order_by) or (
        list(queryset.model._meta.ordering) if query.default_ordering else []
    )
    keys: list[Key] = []
    for item in ordering:
        if isinstance(item, str):
            descending = item.startswith("-")
            path = item.lstrip("-+")
        elif isinstance(item, OrderBy) and isinstance(item.expression, F):
            descending = item.descending
            path = str(getattr(item.expression, "name", ""))
        else:
            return None
        if path in query.annotations:
            return None
        resolved = _resolve(queryset.model, path)
        if resolved is None or resolved[1]:
            return None
        target = resolved[0]
        if target.primary_key and "__" not in path:
            keys.append(Key("pk", descending, target))
            return keys
        keys.append(Key(path, descending, target))
    pk = queryset.model._meta.pk
    assert pk is not None
    keys.append(Key("pk", keys[-1].descending if keys else False, pk))
    return keys


class _Encoder(DjangoJSONEncoder):
    """Datetimes and times to the microsecond (DjangoJSONEncoder stops at the millisecond, and a
    cursor must name its row's exact value)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


def _encode(values: list[Any], *, backwards: bool) -> str:
    raw = json.dumps({"v": values, "b": backwards}, cls=_Encoder, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str, keys: list[Key]) -> tuple[list[Any], bool]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
        values, backwards = data["v"], bool(data["b"])
        if not isinstance(values, list) or len(values) != len(keys):
            raise BadCursor(cursor)
        return [key.field.to_python(value) for key, value in zip(keys, values, strict=True)], backwards
    except (binascii.Error, ValueError, TypeError, KeyError, ValidationError, UnicodeDecodeError) as exc:
        raise BadCursor(cursor) from exc


def _after(keys: list[Key], values: list[Any], *, backwards: bool) -> Q:
    """Rows after ``values`` in the keys' order (before them when ``backwards``): the lexicographic
    comparison spelt out, led by a bound on the first key alone that an index can range over."""

    def op(key: Key) -> str:
        return "lt" if key.descending != backwards else "gt"

    first = keys[0]
    bound = Q(**{f"{first.path}__{op(first)}e": values[0]})
    condition = Q()
    for index, key in enumerate(keys):
        equal = {k.path: v for k, v in zip(keys[:index], values[:index], strict=True)}
        condition |= Q(**equal, **{f"{key.path}__{op(key)}": values[index]})
    return bound & condition


def _order(keys: list[Key], *, backwards: bool) -> list[Any]:
    return [F(key.path).desc() if key.descending != backwards else F(key.path).asc() for key in keys]


def keyset_page(queryset: QuerySet[Any], keys: list[Key], *, size: int, cursor: str | None) -> Page:
    """The page after (or, for a ``previous`` cursor, before) ``cursor``; the first page without one.
    Raises ``BadCursor``."""
    backwards = False
    qs = queryset.annotate(**{_KEY % i: F(key.path) for i, key in enumerate(keys) if key.path != "pk"})
    if cursor:
        values, backwards = _decode(cursor, keys)
        qs = qs.filter(_after(keys, values, backwards=backwards))
    rows = list(bounded(qs.order_by(*_order(keys, backwards=backwards)), size + 1)[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()

    def position(row: Any, *, back: bool) -> str:
        values = [row.pk if key.path == "pk" else getattr(row, _KEY % i) for i, key in enumerate(keys)]
        return _encode(values, backwards=back)

    page = Page(rows)
    if rows:
        if backwards:
            # Came back from a later page: there is one after; one before if the read ran over.
            page.next_cursor = position(rows[-1], back=False)
            page.previous_cursor = position(rows[0], back=True) if more else None
        else:
            page.next_cursor = position(rows[-1], back=False) if more else None
            page.previous_cursor = position(rows[0], back=True) if cursor else None
    return page


def offset_page(queryset: QuerySet[Any], *, size: int, number: int) -> Page:
    """Page ``number`` (from 1) by OFFSET, for orderings a keyset cannot follow; no count either."""
    number = max(1, number)
    start = (number - 1) * size
    rows = list(bounded(queryset, start + size + 1)[start : start + size + 1])
    page = Page(rows[:size], number=number)
    page.extra["next_page"] = number + 1 if len(rows) > size else None
    page.extra["previous_page"] = number - 1 if number > 1 else None
    return page


def _page_number(raw: str | None) -> int:
    try:
        return max(1, min(int(raw or 1), 10_000))
    except ValueError:
        return 1


def read_page(queryset: QuerySet[Any], params: Mapping[str, Any], *, size: int) -> Page:
    """A page of ``queryset`` as the request's parameters ask: by cursor when the ordering allows
    it (an unknown cursor starts over), else by page number. A ``page`` given without a cursor is
    honoured for links made before cursors existed."""
    keys = keyset_of(queryset)
    cursor = params.get(CURSOR_PARAM) or None
    if keys is not None and (cursor or not params.get(PAGE_PARAM)):
        try:
            return keyset_page(queryset, keys, size=size, cursor=cursor)
        except BadCursor:
            return keyset_page(queryset, keys, size=size, cursor=None)
    return offset_page(queryset, size=size, number=_page_number(params.get(PAGE_PARAM)))


def _query(params: QueryDict, **changes: Any) -> str:
    query = params.copy()
    for key in (CURSOR_PARAM, PAGE_PARAM):
        query.pop(key, None)
    for key, value in changes.items():
        if value is not None:
            query[key] = str(value)
    return query.urlencode()


def paginate(request: Any, queryset: QuerySet[Any], *, size: int) -> Page:
    """A page for a server-rendered list, with the query strings of its ``next`` and ``previous``
    links (``page.next_query``, ``page.previous_query``) for ``includes/pagination.html``."""
    page = read_page(queryset, request.GET, size=size)
    params = request.GET
    if page.number is None:
        page.extra["next_query"] = _query(params, cursor=page.next_cursor) if page.next_cursor else None
        page.extra["previous_query"] = _query(params, cursor=page.previous_cursor) if page.previous_cursor else None
    else:
        nxt, prev = page.extra["next_page"], page.extra["previous_page"]
        page.extra["next_query"] = _query(params, page=nxt) if nxt else None
        page.extra["previous_query"] = _query(params, page=prev) if prev else None
    return page
