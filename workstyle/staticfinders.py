"""Static files taken from installed npm packages (``node_modules``), never copied into the
repository: ``settings.VENDOR_STATIC`` maps a static prefix to a package and the few files of it
the pages load, its licence among them. Nothing else of the package is served or collected."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import CheckMessage
from django.core.files.storage import FileSystemStorage


class VendorFinder(BaseFinder):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.packages: dict[str, tuple[Path, list[str]]] = {
            prefix: (Path(settings.NODE_MODULES_DIR) / package, files)
            for prefix, (package, files) in getattr(settings, "VENDOR_STATIC", {}).items()
        }

    def check(self, **kwargs: Any) -> list[CheckMessage]:
        return []

    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> Any:
        found = []
        for prefix, (root, files) in self.packages.items():
            if not path.startswith(prefix + "/"):
                continue
            relative = path[len(prefix) + 1 :]
            if relative in files and (root / relative).is_file():
                match = str(root / relative)
                if not find_all:
                    return match
                found.append(match)
        return found

    def list(self, ignore_patterns: Any) -> Iterator[tuple[str, FileSystemStorage]]:
        for prefix, (root, files) in self.packages.items():
            if not root.is_dir():
                continue
            storage = FileSystemStorage(location=root)
            storage.prefix = prefix  # type: ignore[attr-defined]
            for relative in files:
                if (root / relative).is_file():
                    yield relative, storage
