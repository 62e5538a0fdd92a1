from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

import pytest
from django.apps import apps

from cadres.models import Ethos

CODES = ["study", "people", "pragmatism", "frugality", "discipline", "democracy", "integrity", "decency"]
NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _eight_ethos(db: Any) -> None:
    """The eight come from a data migration; a transactional test elsewhere in the worker may have
    flushed them, so put them back the way the migration does."""
    if Ethos.objects.count() != 8:
        migration = importlib.import_module("cadres.migrations.0003_the_eight_ethos")
        migration.add_the_eight(apps, None)


def pledges(prefix: str = "") -> list[dict[str, str]]:
    return [{"ethos": code, "text": f"{prefix}我承诺在{code}方面做到具体可查的三件事"} for code in CODES]


@pytest.fixture
def year(orgdept_user: Any) -> Any:
    from ethos import services

    return services.commitment_year_open(actor=orgdept_user, year=2026, deadline=dt.date(2026, 3, 31), now=NOW)


def grades(**overrides: str) -> dict[str, str]:
    return {code: overrides.get(code, "good") for code in CODES}
