from __future__ import annotations

from typing import Any

import pytest

from tests.security.city import City, build_city


@pytest.fixture
def city(org: Any, discipline_user: Any) -> City:
    return build_city(org, discipline_user)
