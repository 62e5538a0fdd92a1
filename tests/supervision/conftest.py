from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

from supervision import services
from supervision.models import AccountabilityCase

NOW = datetime(2026, 5, 11, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def clock() -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def cadre_case(org: Any, discipline_user: Any, clock: Any) -> AccountabilityCase:
    return services.case_open(
        actor=discipline_user,
        source=AccountabilityCase.Source.LETTER,
        allegation="来信反映：办公室对群众诉求推诿拖延。",
        subject_cadre=org.head,
        now=NOW,
    )


@pytest.fixture
def unit_case(org: Any, discipline_user: Any, clock: Any) -> AccountabilityCase:
    return services.case_open(
        actor=discipline_user,
        source=AccountabilityCase.Source.INSPECTION,
        allegation="巡察发现：镇党委整改不力。",
        subject_unit=org.township,
        now=NOW,
    )


@pytest.fixture(autouse=True)
def _english() -> Any:
    """Messages are asserted in English, whatever the translations say."""
    with translation.override("en"):
        yield
