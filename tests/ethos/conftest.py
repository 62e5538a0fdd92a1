from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

CODES = ["study", "people", "pragmatism", "frugality", "discipline", "democracy", "integrity", "decency"]
NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


def pledges(prefix: str = "") -> list[dict[str, str]]:
    return [{"ethos": code, "text": f"{prefix}我承诺在{code}方面做到具体可查的三件事"} for code in CODES]


@pytest.fixture
def year(orgdept_user: Any) -> Any:
    from ethos import services

    return services.commitment_year_open(actor=orgdept_user, year=2026, deadline=dt.date(2026, 3, 31), now=NOW)


def grades(**overrides: str) -> dict[str, str]:
    return {code: overrides.get(code, "good") for code in CODES}


@pytest.fixture
def english(client: Any) -> Any:
    """The messages these tests read, in English: the services' and the API's (Chinese is the
    default, and its wording is the catalogue's business)."""
    from django.utils import translation

    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield
