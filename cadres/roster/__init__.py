"""The roster import: units, departments and cadres from a CSV file or an XLSX workbook.

``headers`` names the columns (Chinese or English), ``read`` turns a file into rows with no database
access, ``values`` knows the words offices write in the cells, ``plan`` checks the whole file against
the database and plans the upserts, and ``services`` runs it all or nothing. Callers need only the
names below."""

from cadres.roster.headers import RosterKind
from cadres.roster.read import Readable, Roster, RowError, roster_read
from cadres.roster.services import ImportResult, roster_import

__all__ = ["ImportResult", "Readable", "Roster", "RosterKind", "RowError", "roster_import", "roster_read"]
