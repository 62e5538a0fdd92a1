"""The workbench dashboard: each app contributes panels for the user (counts and links)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

PanelProvider = Callable[[Any], list[dict[str, Any]]]
PROVIDERS: list[PanelProvider] = []


def register_panels(provider: PanelProvider) -> PanelProvider:
    PROVIDERS.append(provider)
    return provider


def dashboard_panels(user: Any) -> list[dict[str, Any]]:
    panels: list[dict[str, Any]] = []
    for provider in PROVIDERS:
        panels.extend(provider(user))
    return panels
