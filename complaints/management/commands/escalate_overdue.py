"""``manage.py escalate_overdue``: one escalation sweep now (the beat runs the same every few minutes)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from complaints.escalation import escalate_overdue


class Command(BaseCommand):
    help = "Run one escalation sweep now: reminders, level 0 → 1, level 1 → 2 with accountability cases."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=1000, help="rows per transaction (default 1000)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch_size"] < 1:
            self.stderr.write("--batch-size must be at least 1")
            raise SystemExit(2)
        counts = escalate_overdue(now=timezone.now(), batch_size=options["batch_size"])
        for step, count in counts.items():
            self.stdout.write(f"{step}: {count}")
