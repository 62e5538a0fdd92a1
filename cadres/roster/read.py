"""Reading roster files (CSV or XLSX) into rows keyed by field name; no database access here.

Offices keep their rosters in Excel, with Chinese or English column headers, and save CSV from
Excel in GB18030 as often as in UTF-8: both are accepted. Row numbers are the spreadsheet's own
(the header is row 1 when it is the first line), so that an error points at the row the clerk sees."""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.utils.translation import gettext as _

from cadres.roster.headers import (
    HEADER_SEARCH_ROWS,
    HEADERS,
    KIND_ORDER,
    REQUIRED,
    SHEET_NAMES,
    RosterKind,
    column_label,
    header_key,
    normalize,
)


@dataclass(frozen=True)
class RowError:
    """A problem in the file. ``row`` is None for one that concerns the whole file or sheet."""

    sheet: str
    row: int | None
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return _("%(sheet)s: %(message)s") % {"sheet": self.sheet, "message": self.message}
        return _("%(sheet)s, row %(row)d: %(message)s") % {
            "sheet": self.sheet,
            "row": self.row,
            "message": self.message,
        }


@dataclass(frozen=True)
class RosterRow:
    number: int
    values: dict[str, str]


@dataclass
class RosterSheet:
    kind: RosterKind
    label: str
    columns: frozenset[str]
    rows: list[RosterRow]


@dataclass
class Roster:
    sheets: list[RosterSheet] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        # Excel stores a staff number typed as 1001 as the float 1001.0.
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value).strip()


def _fits(headers: Iterable[str], kind: RosterKind) -> bool:
    keys = {header_key(header) for header in headers if header}
    present = {name for name, aliases in HEADERS[kind].items() if keys & set(aliases)}
    return all(any(name in present for name in group) for group in REQUIRED[kind])


def _detect(headers: Sequence[str]) -> RosterKind | None:
    for kind in (RosterKind.CADRES, RosterKind.DEPARTMENTS, RosterKind.UNITS):
        if _fits(headers, kind):
            return kind
    return None


def _kind_from_sheet_name(name: str) -> RosterKind | None:
    key = normalize(name)
    for kind, words in SHEET_NAMES:
        if any(word in key for word in words):
            return kind
    return None


def _read_table(
    rows: Iterable[Sequence[Any]], *, label: str, kind: RosterKind | None, sheet_name: str | None, roster: Roster
) -> None:
    """Turn one table into a sheet of the roster, or errors."""
    lines = []
    for number, raw in enumerate(rows, start=1):
        cells = [_cell(value) for value in raw]
        if any(cells):  # blank lines between blocks are common in hand-kept rosters
            lines.append((number, cells))
    if not lines:
        return  # an empty sheet: nothing to import
    # A title row ("2026年干部花名册") often sits above the header: the header is the first of the
    # top rows whose columns make a roster, else simply the first row.
    start = 0
    for index, (_number, cells) in enumerate(lines[:HEADER_SEARCH_ROWS]):
        fits = _fits(cells, kind) if kind is not None else _detect(cells) is not None
        if fits:
            start = index
            break
    header_number, header = lines[start]
    body = [
        RosterRow(number=number, values={str(index): value for index, value in enumerate(cells)})
        for number, cells in lines[start + 1 :]
    ]
    if kind is None:
        kind = _detect(header) or (_kind_from_sheet_name(sheet_name) if sheet_name else None)
    if kind is None:
        roster.errors.append(
            RowError(
                label,
                header_number,
                _("Cannot tell whether this table lists units, departments or cadres; check the column headers."),
            )
        )
        return
    aliases = {alias: name for name, names in HEADERS[kind].items() for alias in names}
    columns: dict[int, str] = {}
    seen: dict[str, str] = {}
    for index, text in enumerate(header):
        if not text:
            continue
        name = aliases.get(header_key(text))
        if name is None:
            roster.warnings.append(
                _("%(sheet)s: column “%(column)s” is not known and was ignored.") % {"sheet": label, "column": text}
            )
            continue
        if name in seen:
            roster.errors.append(
                RowError(
                    label,
                    header_number,
                    _("Columns “%(first)s” and “%(second)s” give the same field.")
                    % {"first": seen[name], "second": text},
                )
            )
            continue
        seen[name] = text
        columns[index] = name
    present = set(columns.values())
    for group in REQUIRED[kind]:
        if not present & set(group):
            if len(group) == 1:
                message = _("A column “%(column)s” is required.") % {"column": column_label(kind, group[0])}
            else:
                message = _("A column “%(first)s” or “%(second)s” is required.") % {
                    "first": column_label(kind, group[0]),
                    "second": column_label(kind, group[1]),
                }
            roster.errors.append(RowError(label, header_number, message))
    rows_out = [
        RosterRow(
            number=row.number,
            values={name: row.values.get(str(index), "") for index, name in columns.items()},
        )
        for row in body
    ]
    roster.sheets.append(RosterSheet(kind=kind, label=label, columns=frozenset(present), rows=rows_out))


def _decode(data: bytes) -> str | None:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _read_csv(data: bytes, *, label: str, kind: RosterKind | None, roster: Roster) -> None:
    text = _decode(data)
    if text is None:
        roster.errors.append(RowError(label, None, _("The file is not text in UTF-8 or GB18030.")))
        return
    first_line = text.split("\n", 1)[0]
    try:
        dialect: Any = csv.Sniffer().sniff(first_line, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), dialect))
    except csv.Error as exc:
        roster.errors.append(RowError(label, None, _("The file is not valid CSV: %(error)s") % {"error": exc}))
        return
    _read_table(rows, label=label, kind=kind, sheet_name=None, roster=roster)


def _read_xlsx(data: bytes, *, label: str, kind: RosterKind | None, roster: Roster) -> None:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        roster.errors.append(
            RowError(label, None, _("The file is not a valid XLSX workbook: %(error)s") % {"error": exc})
        )
        return
    try:
        several = len(workbook.sheetnames) > 1
        for worksheet in workbook.worksheets:
            sheet_label = f"{label} [{worksheet.title}]" if several else label
            _read_table(
                worksheet.iter_rows(values_only=True),
                label=sheet_label,
                kind=kind,
                sheet_name=worksheet.title,
                roster=roster,
            )
    finally:
        workbook.close()


class Readable(Protocol):
    """An open file: a path's ``open(..., "rb")``, an upload, a ``BytesIO``."""

    def read(self) -> Any: ...


def roster_read(file: Readable, *, filename: str, kind: RosterKind | None = None) -> Roster:
    """Read a CSV file or an XLSX workbook. With ``kind`` every table is read as that kind;
    without, each table's kind is told from its headers, else from its sheet name."""
    data = file.read()
    if isinstance(data, str):
        data = data.encode("utf-8")
    roster = Roster()
    label = filename.rsplit("/", 1)[-1] or "roster"
    lower = filename.lower()
    if lower.endswith(".xls"):
        roster.errors.append(RowError(label, None, _("Old .xls workbooks are not read; save the file as .xlsx.")))
    elif lower.endswith((".xlsx", ".xlsm")) or data[:4] == b"PK\x03\x04":
        _read_xlsx(data, label=label, kind=kind, roster=roster)
    else:
        _read_csv(data, label=label, kind=kind, roster=roster)
    if not roster.errors and not any(sheet.rows for sheet in roster.sheets):
        roster.errors.append(RowError(label, None, _("The file holds no rows to import.")))
    order = {kind: index for index, kind in enumerate(KIND_ORDER)}
    roster.sheets.sort(key=lambda sheet: order[sheet.kind])
    return roster
