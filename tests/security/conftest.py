from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def private_media(settings: Any, tmp_path: Any) -> Any:
    """Attachments go to a folder of the test's own, to see what a request stored."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    return tmp_path
