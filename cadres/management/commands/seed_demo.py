"""``manage.py seed_demo [--password P]``: the demo city, its people and accounts, then each app's
demo data; idempotent, so that scripts/run can call it on every start."""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse
from django.utils import timezone

from cadres import demo as org_demo

# Apps whose ``demo.seed(now=, stdout=)`` runs after the organisation, in this order (cases point at
# complaints). An app without it yet is skipped.
APP_DEMOS = ("complaints", "meetings", "supervision", "ethos", "stats")


class Command(BaseCommand):
    help = "Seed a demo city (units, departments, cadres, accounts for every role, the apps' demo data)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--password",
            default=settings.WORKSTYLE_DEMO_PASSWORD,
            help="password of every demo account (default: $DEMO_PASSWORD, else workstyle-demo)",
        )

    def handle(self, *args: Any, password: str, **options: Any) -> None:
        if not password or password.strip() != password:
            raise CommandError("--password must be non-empty and have no leading or trailing spaces.")
        now = timezone.now()
        result = org_demo.seed(password=password, stdout=self.stdout)
        org_demo.seed_records(now=now, stdout=self.stdout)
        for app in APP_DEMOS:
            if importlib.util.find_spec(f"{app}.demo") is None:
                continue
            seed = getattr(importlib.import_module(f"{app}.demo"), "seed", None)
            if callable(seed):
                seed(now=now, stdout=self.stdout)

        site = settings.WORKSTYLE_SITE_URL.rstrip("/")
        self.stdout.write("")
        self.stdout.write(f"Open {site}/ (staff log in at {site}{reverse('login')}). Demo logins:")
        width = max(len(account.username) for account in result.accounts)
        self.stdout.write(f"  {'username'.ljust(width)}  {'password'.ljust(len(password))}  role")
        for account in result.accounts:
            self.stdout.write(f"  {account.username.ljust(width)}  {password}  {account.role}")
