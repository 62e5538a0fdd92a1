"""Column-wise bulk inserts for the sweeps that write thousands of rows at a time.

``bulk_create`` builds a model instance per row, and that, not the database, is what a sweep of
100,000 items spends its time on. ``bulk_insert`` takes the values column by column, as the caller
has them already, and on PostgreSQL sends them as one ``INSERT … SELECT … FROM unnest(…)``: one
array parameter per column, whatever the number of rows. Elsewhere (the SQLite of the embedded
default) it falls back to ``bulk_create``.

The columns' values must be ready for the database: numbers, text, datetimes, and JSON already
dumped to text (``json_text``); constants are Python values, prepared as the field prepares them.
Every column the caller names neither in ``columns`` nor in ``constants`` gets the field's default,
so a column added to the model later is filled as ``bulk_create`` would."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models, router


def json_text(value: Any) -> str:
    """A JSON column's value as the text ``bulk_insert`` sends (dates and decimals as Django writes them)."""
    try:
        # The C encoder first: a sweep dumps a value per row.
        return json.dumps(value, ensure_ascii=False)
    except TypeError:
        return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)


def _array_type(field: models.Field[Any, Any], connection: Any) -> str:
    target = field.target_field if field.is_relation else field  # type: ignore[attr-defined]
    # varchar(64)[] would truncate silently; the column checks the length itself.
    db_type = target.rel_db_type(connection) if field.is_relation else target.db_type(connection)
    return str(db_type).split("(")[0]


def bulk_insert(
    model: type[models.Model],
    *,
    columns: Mapping[str, Sequence[Any]],
    constants: Mapping[str, Any] | None = None,
    returning_pk: bool = False,
) -> list[Any]:
    """Insert ``len(columns[...])`` rows of ``model``; ``columns`` maps field names (``attname``s,
    e.g. ``recipient_id``) to one value per row, ``constants`` maps field names to one value for
    every row. Returns the new primary keys in the rows' order when ``returning_pk``, else []."""
    constants = dict(constants or {})
    sizes = {len(values) for values in columns.values()}
    if len(sizes) > 1:
        raise ValueError(f"bulk_insert({model.__name__}): columns of different lengths {sorted(sizes)}")
    size = sizes.pop() if sizes else 0
    if size == 0:
        return []
    opts = model._meta
    fields = {f.attname: f for f in opts.concrete_fields}
    unknown = (columns.keys() | constants.keys()) - fields.keys()
    if unknown:
        raise ValueError(f"bulk_insert({model.__name__}): no such column {', '.join(sorted(unknown))}")
    connection = connections[router.db_for_write(model)]
    pk = opts.pk
    assert pk is not None

    if connection.vendor != "postgresql":
        names = list(columns)
        objs = [
            model(**constants, **dict(zip(names, values, strict=True)))
            for values in zip(*(columns[name] for name in names), strict=True)
        ]
        for obj in objs:
            for name in names:
                if isinstance(fields[name], models.JSONField):
                    setattr(obj, name, json.loads(getattr(obj, name)))
        model._default_manager.bulk_create(objs)
        return [obj.pk for obj in objs] if returning_pk else []

    quote = connection.ops.quote_name
    targets: list[str] = []
    selects: list[str] = []
    params: list[Any] = []
    arrays: list[str] = []
    array_params: list[Any] = []
    for attname, field in fields.items():
        if attname in columns:
            targets.append(quote(str(field.column)))
            cast = _array_type(field, connection)
            arrays.append(f"%s::{cast}[]")
            array_params.append(list(columns[attname]))
            selects.append(f"u.c{len(arrays) - 1}")
            continue
        if field is pk and attname not in constants:
            continue  # the sequence gives it
        value = constants[attname] if attname in constants else field.get_default()
        targets.append(quote(str(field.column)))
        selects.append("%s")
        params.append(field.get_db_prep_save(value, connection))
    aliases = ", ".join(f"c{i}" for i in range(len(arrays)))
    # Names come from the model's metadata and are quoted; every value is a parameter.
    sql = (
        f"INSERT INTO {quote(opts.db_table)} ({', '.join(targets)}) "  # noqa: S608
        f"SELECT {', '.join(selects)} FROM unnest({', '.join(arrays)}) AS u({aliases})"
    )
    if returning_pk:
        sql += f" RETURNING {quote(str(pk.column))}"
    with connection.cursor() as cursor:
        # The placeholders of the SELECT list come first in the text, the arrays of FROM after.
        cursor.execute(sql, [*params, *array_params])
        if returning_pk:
            # PostgreSQL returns the rows of INSERT … SELECT in the order it inserted them, the
            # order of the arrays (bulk_create relies on the same).
            return [row[0] for row in cursor.fetchall()]
    return []
