from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from cadres.roster import RosterKind, roster_import


class Command(BaseCommand):
    help = (
        "Import units, departments and cadres from a CSV file or an XLSX workbook (upsert by code and "
        "staff number). A file with any bad row changes nothing; the bad rows are listed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="path of a .csv or .xlsx file")
        parser.add_argument(
            "--kind",
            choices=[kind.value for kind in RosterKind],
            help="what the file lists; by default told from the column headers or sheet names",
        )
        parser.add_argument("--dry-run", action="store_true", help="only check the file; change nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        with path.open("rb") as file:
            result = roster_import(
                actor=None,
                file=file,
                filename=path.name,
                kind=RosterKind(options["kind"]) if options["kind"] else None,
                dry_run=options["dry_run"],
                now=timezone.now(),
            )
        for warning in result.warnings:
            self.stdout.write(self.style.WARNING(warning))
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(result.errors)} problem(s) found; nothing was changed.")
        if result.dry_run:
            self.stdout.write(f"Dry run, nothing changed. {result.summary()}")
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported. {result.summary()}"))
