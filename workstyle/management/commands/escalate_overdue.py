"""``manage.py escalate_overdue``: one escalation sweep now over every kind on the deadline ladder
(the beat runs the same every few minutes)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from workstyle.ladder import ladder_kinds, ladder_sweep


class Command(BaseCommand):
    help = (
        "Run one escalation sweep now over every kind on the deadline ladder: reminders, level 0 → 1, "
        "level 1 → 2 with accountability cases. Prints, under each kind, one line per step."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=1000, help="rows per transaction (default 1000)")
        parser.add_argument(
            "--kind",
            action="append",
            dest="kinds",
            metavar="NAME",
            help="sweep only this kind (repeatable; default: every kind)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch_size"] < 1:
            self.stderr.write("--batch-size must be at least 1")
            raise SystemExit(2)
        labels = {kind.name: kind.label for kind in ladder_kinds()}
        if unknown := [name for name in options["kinds"] or () if name not in labels]:
            raise CommandError(f"unknown kind: {', '.join(unknown)} (known: {', '.join(labels) or 'none'})")
        counts = ladder_sweep(now=timezone.now(), batch_size=options["batch_size"], kinds=options["kinds"])
        for name, steps in counts.items():
            self.stdout.write(f"{name} ({labels[name]})")
            for step, count in steps.items():
                self.stdout.write(f"{step}: {count}")
