from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from stats.services import stats_rebuild


class Command(BaseCommand):
    help = "Recompute the statistics' summary for every day a complaint was received."

    def handle(self, *args: Any, **options: Any) -> None:
        done = stats_rebuild(now=timezone.now())
        self.stdout.write(f"{done['days']} days, {done['rows']} summary rows")
