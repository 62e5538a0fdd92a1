"""Links between the apps' pages without imports between the apps: an app that keeps records about
another app's objects (accountability cases about a complaint) registers a provider, and the
object's page lists what the providers return for the user who reads it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models


@dataclass(frozen=True)
class RelatedLink:
    """One link on an object's page: its text and target, and what it points at (``kind``, ``pk``),
    for the page's markup."""

    text: str
    url: str
    kind: str
    pk: int


# A provider answers, for a user and an object, a section title and the links he may follow.
LinkProvider = Callable[[Any, models.Model], tuple[Any, list[RelatedLink]]]
_PROVIDERS: dict[str, list[LinkProvider]] = {}


def register_related(model_label: str, provider: LinkProvider) -> LinkProvider:
    """Register ``provider`` for the pages of ``model_label`` (``app_label.model_name``)."""
    _PROVIDERS.setdefault(model_label.lower(), []).append(provider)
    return provider


def related_links(user: Any, obj: models.Model) -> list[tuple[Any, list[RelatedLink]]]:
    """The non-empty sections of links to ``obj``'s related records that ``user`` may see."""
    sections = []
    for provider in _PROVIDERS.get(obj._meta.label_lower, []):
        title, links = provider(user, obj)
        if links:
            sections.append((title, links))
    return sections
