from __future__ import annotations

from typing import Any

import pytest

from tests.complaints.workflow_cast import World
from tests.factories.org import CadreFactory, UserFactory


@pytest.fixture
def world(org: Any, discipline_user: Any, orgdept_user: Any) -> World:
    superuser = UserFactory(username="root-t", is_superuser=True, is_staff=True)
    spare = CadreFactory(department=org.office, name="周科员", user=UserFactory(username="spare-t"))
    return World(org, discipline_user, orgdept_user, superuser, spare)
