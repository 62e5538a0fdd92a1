from __future__ import annotations

from typing import Any

import pytest

from tests.security.city import City, build_city


@pytest.fixture
def city(org: Any, discipline_user: Any, settings: Any, tmp_path: Any) -> City:
    # The city's export files go to a folder of the test's own.
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return build_city(org, discipline_user)


@pytest.fixture
def private_media(settings: Any, tmp_path: Any) -> Any:
    """Attachments go to a folder of the test's own, to see what a request stored."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    return tmp_path
