"""Reading a scope made of several parts, one part at a time.

A department head sees the complaints of the departments he heads, those he answers for as
responsible head and those he handles: ``department IN (…) OR responsible_head = … OR handler = …``.
Each part has an index that walks it in the list's order, but no index walks the OR of them, so
PostgreSQL reads the whole office's index and filters it, or gathers the whole scope and sorts it:
either way the page costs more as the table grows. A queryset that knows its parts
(``ScopedQuerySet.with_scopes``) is read as the UNION of each part's first rows, each part along its
own index, and the page is taken from that union: the same rows, in the same order, at the cost of
a few short index walks whatever the size of the table.

``bounded(qs, limit)`` does that for a page (``workstyle.paging``); ``bounded_pks(qs, limit)`` for a
capped count (the status tabs, the workbench's tiles). A queryset without parts is read as it is.
"""

from __future__ import annotations

from typing import Any, Self, TypeVar

from django.db import connections
from django.db.models import Model, Q, QuerySet

_M = TypeVar("_M", bound=Model)


def _any_of(scopes: tuple[Q, ...]) -> Q:
    combined = Q()
    for scope in scopes:
        combined |= scope
    return combined


class ScopedQuerySet(QuerySet[_M]):
    """A queryset that may carry the parts its visibility is the union of. Every filter narrows the
    whole and each part alike, so the parts stay valid through ``filter``, ``exclude``,
    ``order_by`` and the like; an ``|`` or ``^`` of two querysets drops them."""

    _scopes: tuple[Q, ...] | None = None

    def with_scopes(self, *scopes: Q) -> Self:
        """This queryset narrowed to the OR of ``scopes``, and knowing them as its parts."""
        if not scopes:
            return self.none()
        clone = self.filter(_any_of(scopes))
        clone._scopes = tuple(scopes) if len(scopes) > 1 else None
        return clone

    def scope_parts(self) -> list[Self] | None:
        """The queryset once per part of its scope (each still ordered and filtered as it is, with
        the part's condition instead of the OR of them all, which would lead PostgreSQL to combine
        the parts' indexes again), or None when it has no parts to read apart."""
        if not self._scopes:
            return None
        whole = self._whole_condition()
        parts = []
        for scope in self._scopes:
            part = self._chain()  # type: ignore[attr-defined]
            part._scopes = None
            # The OR is one child of the query's top AND (``with_scopes`` filtered by it); a part
            # implies it, so leaving it out changes no row.
            part.query.where.children = [child for child in part.query.where.children if child != whole]
            parts.append(part.filter(scope))
        return parts

    def _whole_condition(self) -> Any:
        """The OR of the parts as the query holds it (a node of its WHERE), to find it there."""
        return self.model._default_manager.filter(_any_of(self._scopes or ())).query.where.children[0]

    def _clone(self) -> Self:
        clone = super()._clone()  # type: ignore[misc]
        clone._scopes = self._scopes
        return clone

    def __or__(self, other: Any) -> Self:
        combined = super().__or__(other)
        combined._scopes = None
        return combined

    def __xor__(self, other: Any) -> Self:
        combined = super().__xor__(other)
        combined._scopes = None
        return combined


def _parts(qs: QuerySet[Any]) -> list[QuerySet[Any]] | None:
    parts = getattr(qs, "scope_parts", None)
    if parts is None or not connections[qs.db].features.supports_slicing_ordering_in_compound:
        # SQLite (the embedded default) takes no LIMIT inside a UNION: it reads the scope whole.
        return None
    if qs.query.is_empty():
        # ``none()``: nothing to read, and a part of it could not be compiled into a UNION.
        return None
    return parts()


def _union_of_heads(parts: list[QuerySet[Any]], limit: int) -> QuerySet[Any]:
    heads = [part.values("pk")[:limit] for part in parts]
    return heads[0].union(*heads[1:])


def bounded_pks(qs: QuerySet[Any], limit: int) -> QuerySet[Any]:
    """The primary keys of ``qs``'s first ``limit`` rows in its order — as a UNION of each part's
    first ``limit`` when it has parts, which holds them all (and up to ``limit`` more of each
    part beyond them: a count of it above ``limit`` still means "more than ``limit``")."""
    parts = _parts(qs)
    return qs.values("pk")[:limit] if parts is None else _union_of_heads(parts, limit)


def bounded(qs: QuerySet[Any], limit: int) -> QuerySet[Any]:
    """``qs`` narrowed to the rows that can be among its first ``limit`` (its order and filters
    unchanged): itself without parts, else the rows of ``bounded_pks``. Slice it as before."""
    parts = _parts(qs)
    return qs if parts is None else qs.filter(pk__in=_union_of_heads(parts, limit))
