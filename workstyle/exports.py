"""Exports: lists of records as CSV or XLSX files, for the user who asks and with what he may see.

It is a registry of kinds, like the integrity dossier's sections. Each app registers its kinds from
its ``AppConfig.ready()`` (``register_export_kind``): a key, a title, who may export it, and a
``plan(user, params, now)`` that checks the filters and answers an ``ExportPlan`` — the queryset,
which ALWAYS starts from the model's ``visible_to(user)`` (recusal included), filtered and ordered as
the list page does, and the columns that user may see now. The rows are read with ``values_list``
and ``iterator(chunk_size=…)``: one query, a server-side cursor, nothing per row, nothing built in
memory. This module knows no app above it; the writers below turn rows into files."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.db.models import CharField, F, Func, QuerySet, Value
from django.http import QueryDict
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from workstyle.errors import InvalidInput

CHUNK_SIZE = 5000
# XLSX holds 1,048,576 rows a sheet; the header takes one. Longer exports go on to further sheets.
XLSX_SHEET_ROWS = 1_048_575
XLSX_MIN_WIDTH = 10
BOM = "\ufeff"


@dataclass(frozen=True)
class Column:
    """One column: the ``values_list`` path it reads, its header, and how a value reads (a choice's
    label, a local date); ``None`` leaves the value as the database gave it. ``sql``, when given,
    has PostgreSQL produce the cell itself (an expression of the path): a million local times are
    formatted much faster there than one by one in Python. ``width`` is the XLSX column's width in
    characters (default: its header's, at least ``XLSX_MIN_WIDTH``)."""

    field: str
    label: str | Promise
    convert: Callable[[Any], Any] | None = None
    sql: Callable[[str], Any] | None = None
    width: int | None = None


@dataclass
class ExportPlan:
    """What one user's export holds: ``queryset`` (from ``visible_to``), its ``columns``, and
    optionally ``row`` (the cells of a row, converted → the cells written, when a cell depends on
    more than its own value) and ``on_write`` (called once, as the rows start being written: a
    showing that must be on record)."""

    queryset: QuerySet[Any] | None
    columns: Sequence[Column]
    row: Callable[[list[Any]], list[Any]] | None = None
    on_write: Callable[[], None] | None = None
    # Rows that are no queryset — figures aggregated already (the statistics' tables), a few hundred
    # at most: a function giving them, computed from ``visible_to`` like a queryset would be.
    source: Callable[[], Sequence[Sequence[Any]]] | None = None

    def count(self) -> int:
        if self.source is not None:
            return len(self.source())
        assert self.queryset is not None
        return self.queryset.order_by().count()

    def headers(self) -> list[str]:
        return [str(column.label) for column in self.columns]

    def rows(self, *, chunk_size: int | None = None) -> Iterator[Sequence[Any]]:
        """The cells, row by row, from one query read in chunks through a server-side cursor."""
        if self.source is not None:
            return iter(self.source())
        queryset = self.queryset
        assert queryset is not None
        in_database = connections[queryset.db].vendor == "postgresql"
        fields: list[str] = []
        converters: list[tuple[int, Callable[[Any], Any]]] = []
        for index, column in enumerate(self.columns):
            if in_database and column.sql is not None:
                name = f"export_cell_{index}"
                queryset = queryset.annotate(**{name: column.sql(column.field)})
                fields.append(name)
            else:
                fields.append(column.field)
                if column.convert is not None:
                    converters.append((index, column.convert))
        values = queryset.values_list(*fields).iterator(chunk_size=chunk_size or CHUNK_SIZE)
        after = self.row
        if not converters and after is None:
            return values

        def cells(raw: tuple[Any, ...]) -> list[Any]:
            row = list(raw)
            for index, convert in converters:
                row[index] = convert(row[index])
            return after(row) if after is not None else row

        return map(cells, values)


Planner = Callable[[Any, "QueryDict", Any], ExportPlan]


@dataclass(frozen=True)
class ExportKind:
    """A kind of export. ``may_export(user)`` says who may ask for it at all (anyone else is refused
    with 403); ``plan(user, params, now)`` checks the filters (``params``, a QueryDict as the list
    page's query string gives it) and raises ``InvalidInput`` with field errors for bad ones;
    ``params`` names the query parameters the kind reads (any other is refused)."""

    key: str
    title: str | Promise
    may_export: Callable[[Any], bool]
    plan: Planner
    params: tuple[str, ...] = field(default=())


_KINDS: dict[str, ExportKind] = {}


def register_export_kind(kind: ExportKind) -> ExportKind:
    registered = _KINDS.get(kind.key)
    if registered is not None and registered != kind:
        raise ImproperlyConfigured(f"export kind {kind.key!r} is registered already")
    _KINDS[kind.key] = kind
    return kind


def export_kinds() -> list[ExportKind]:
    return sorted(_KINDS.values(), key=lambda kind: kind.key)


def export_kind(key: str) -> ExportKind | None:
    return _KINDS.get(key)


class ViewerRequest:
    """What a FilterSet reads of a request: its user, whose ``visible_to`` gives the choices of a
    unit or department filter (a worker has no request)."""

    def __init__(self, user: Any) -> None:
        self.user = user


# --- helpers for the kinds' columns -----------------------------------------------------------------


def choice_label(choices: Iterable[tuple[Any, Any]]) -> Callable[[Any], str | None]:
    """A column converter: a stored choice → its label in the language of the export (the labels are
    read once per export, not once per row); nothing for an empty value (an empty cell)."""
    labels: dict[Any, str | None] = {value: str(label) for value, label in choices}
    labels[""] = labels[None] = None

    def label(value: Any) -> str | None:
        return labels[value] if value in labels else str(value)

    return label


def local_datetime(value: Any) -> str | None:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value is not None else None


def local_date(value: Any) -> str | None:
    if value is None:
        return None
    return (timezone.localtime(value).date() if hasattr(value, "hour") else value).isoformat()


def _local_text(field: str, pattern: str) -> Func:
    """PostgreSQL: the moment in ``field`` as local text (the time zone of the export)."""
    local = Func(Value(timezone.get_current_timezone_name()), F(field), function="timezone")
    return Func(local, Value(pattern), function="to_char", output_field=CharField())


def local_datetime_column(field: str, label: str | Promise) -> Column:
    """A moment, as local date and time to the minute."""
    return Column(field, label, local_datetime, sql=lambda name: _local_text(name, "YYYY-MM-DD HH24:MI"), width=17)


def local_date_column(field: str, label: str | Promise) -> Column:
    """A moment, as its local date."""
    return Column(field, label, local_date, sql=lambda name: _local_text(name, "YYYY-MM-DD"), width=12)


def yes_no(value: Any) -> str:
    return str(_("Yes") if value else _("No"))


def params_from(data: Mapping[str, Any] | QueryDict | None, allowed: Sequence[str]) -> QueryDict:
    """The filters as a QueryDict: a list page's query string, or the API's JSON object (a value or
    a list of values per name). A name the kind does not read, or a value that is not a plain
    string, number or boolean, is a field error: a filter that would be silently ignored would
    export more than the user asked for."""
    params = QueryDict(mutable=True)
    errors: dict[str, list[str]] = {}
    if data is None:
        return params
    items: Iterable[tuple[str, Any]]
    if isinstance(data, QueryDict):
        items = data.lists()
    elif isinstance(data, Mapping):
        items = data.items()
    else:
        raise InvalidInput(_("The filters are not valid."), errors={"filters": [_("Expected an object.")]})
    for name, value in items:
        if name not in allowed:
            errors[str(name)] = [_("Not a filter of this list.")]
            continue
        values = value if isinstance(value, list | tuple) else [value]
        for item in values:
            if isinstance(item, bool):
                params.appendlist(name, "true" if item else "false")
            elif isinstance(item, str | int | float):
                params.appendlist(name, str(item))
            else:
                errors[str(name)] = [_("Expected a value or a list of values.")]
    if errors:
        raise InvalidInput(_("The filters are not valid."), errors={f"filters.{k}": v for k, v in errors.items()})
    return params


def filterset_errors(filterset: Any) -> InvalidInput:
    """A django-filter FilterSet's (or a plain form's: both have ``errors``) errors as the domain's
    field errors."""
    return InvalidInput(
        _("The filters are not valid."),
        errors={
            f"filters.{name}": [str(message) for message in messages] for name, messages in filterset.errors.items()
        },
    )


# --- writers ----------------------------------------------------------------------------------------


class _Echo:
    """A file-like object whose ``write`` returns what it was given (csv.writer → generator)."""

    def write(self, value: str) -> str:
        return value


def csv_stream(plan: ExportPlan, *, chunk_size: int | None = None) -> Iterator[bytes]:
    """The export as CSV bytes, produced as they are read: UTF-8 with a byte order mark, so that
    Excel opens the Chinese correctly. Rows are sent in batches to keep the response's chunks few."""
    writer = csv.writer(_Echo())
    yield (BOM + writer.writerow(plan.headers())).encode()
    if plan.on_write is not None:
        plan.on_write()
    batch: list[str] = []
    for row in plan.rows(chunk_size=chunk_size):
        batch.append(writer.writerow(row))
        if len(batch) >= 1000:
            yield "".join(batch).encode()
            batch = []
    if batch:
        yield "".join(batch).encode()


Progress = Callable[[int], None]


def write_csv(plan: ExportPlan, out: IO[str], *, progress: Progress | None = None, every: int | None = None) -> int:
    """Write the export to a text file opened with ``newline=""`` and UTF-8; returns the rows
    written. ``progress(rows)`` is called every ``every`` rows and at the end."""
    every = every or CHUNK_SIZE
    out.write(BOM)
    writer = csv.writer(out)
    writer.writerow(plan.headers())
    if plan.on_write is not None:
        plan.on_write()
    count = 0
    for row in plan.rows():
        writer.writerow(row)
        count += 1
        if progress is not None and count % every == 0:
            progress(count)
    if progress is not None:
        progress(count)
    return count


def write_xlsx(plan: ExportPlan, out: IO[bytes], *, progress: Progress | None = None, every: int | None = None) -> int:
    """Write the export as XLSX with openpyxl's write-only mode (rows go straight to a temporary
    file, strings inline, nothing kept per row); a sheet holds at most ``XLSX_SHEET_ROWS`` rows and
    the next sheet repeats the header, which stays in view (frozen) and carries the filter buttons;
    each column is as wide as its ``width`` or its header. Returns the rows written."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    every = every or CHUNK_SIZE
    workbook = Workbook(write_only=True)
    headers = plan.headers()
    last_column = get_column_letter(max(len(headers), 1))

    def new_sheet(number: int) -> Any:
        sheet = workbook.create_sheet(title=str(_("Sheet %(number)s") % {"number": number}))
        # A write-only sheet writes its view and column widths before its first row: set them now.
        sheet.freeze_panes = "A2"
        for index, (column, header) in enumerate(zip(plan.columns, headers, strict=True), start=1):
            sheet.column_dimensions[get_column_letter(index)].width = column.width or max(
                XLSX_MIN_WIDTH, _display_width(header) + 2
            )
        bold = []
        for header in headers:
            cell = WriteOnlyCell(sheet, value=header)
            cell.font = Font(bold=True)
            bold.append(cell)
        sheet.append(bold)
        return sheet

    def finish(sheet: Any, rows: int) -> None:
        # The filter buttons on the header, over the sheet's rows (written after them).
        sheet.auto_filter.ref = f"A1:{last_column}{rows + 1}"

    sheet = new_sheet(1)
    if plan.on_write is not None:
        plan.on_write()
    count = on_sheet = 0
    for row in plan.rows():
        if on_sheet == XLSX_SHEET_ROWS:
            finish(sheet, on_sheet)
            sheet = new_sheet(count // XLSX_SHEET_ROWS + 1)
            on_sheet = 0
        sheet.append(row)
        count += 1
        on_sheet += 1
        if progress is not None and count % every == 0:
            progress(count)
    finish(sheet, on_sheet)
    workbook.save(out)
    if progress is not None:
        progress(count)
    return count


def _display_width(text: str) -> int:
    """Columns a text takes in a spreadsheet: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def xlsx_bytes(plan: ExportPlan) -> bytes:
    """A small export as XLSX in memory (a zip cannot be streamed as it is written)."""
    buffer = io.BytesIO()
    write_xlsx(plan, buffer)
    return buffer.getvalue()
