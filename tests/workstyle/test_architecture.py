"""The layers run one way — workstyle at the bottom, cadres above it, the workflow apps above that —
and no two modules of a package import each other, not even from inside a function. The contracts
are in pyproject.toml (import-linter); this test fails on the first import that breaks one and
prints the chain that does."""

from __future__ import annotations

from pathlib import Path

import pytest
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[2]


def test_the_import_contracts_are_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True) == 0
