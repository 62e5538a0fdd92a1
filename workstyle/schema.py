"""The API schema's generator (``REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]``)."""

from __future__ import annotations

import inspect

from django.utils import translation
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import get_view_model


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's schema, with each operation tagged by the resource it serves — the first
    segment of its path under ``/api/v1/`` (complaints, meetings, cadres, public, …) — so that the
    documentation groups them, instead of putting every operation under one "api" tag. The
    operation ids stay as they were: clients generated from the schema keep their names. Tags given
    with ``@extend_schema(tags=…)`` still win (drf-spectacular wraps this class for them)."""

    def get_tags(self) -> list[str]:
        parts = [part for part in self.path.split("/") if part]
        if len(parts) >= 3 and parts[0] == "api" and parts[1].startswith("v"):
            return [parts[2]]
        return list(super().get_tags())

    def get_summary(self) -> str | None:
        """An operation's one-line title in the documentation. Given ones win; otherwise a standard
        action is named after its model ("List accountability cases", "Retrieve a meeting"), and a
        custom action by the first sentence of its own docstring. Titles are in English, as the rest
        of the schema; verbose names are read in English whatever the request's language."""
        given = super().get_summary()
        if given:
            return str(given)
        action = getattr(self.view, "action", None)
        if action in _STANDARD:
            model = get_view_model(self.view)
            if model is None:
                return None
            with translation.override("en"):
                name, plural = str(model._meta.verbose_name), str(model._meta.verbose_name_plural)
            return _STANDARD[action].format(name=name, plural=plural, article=_article(name))
        # A custom action by its own docstring; a plain API view (one operation per class) by its
        # class docstring.
        owner = getattr(self.view, action, None) if action else self.view.__class__
        doc = inspect.getdoc(owner) if owner is not None else None
        return _first_sentence(doc) if doc else None


# Standard viewset actions and their titles.
_STANDARD = {
    "list": "List {plural}",
    "create": "Create {article} {name}",
    "retrieve": "Retrieve {article} {name}",
    "update": "Update {article} {name}",
    "partial_update": "Update part of {article} {name}",
    "destroy": "Delete {article} {name}",
}


def _article(name: str) -> str:
    # "a unit", "a user": a u sounded as "you" takes "a".
    lowered = name.lower()
    return "an" if lowered[:1] in "aeiou" and not lowered.startswith(("uni", "use", "usu")) else "a"


def _first_sentence(text: str) -> str:
    """The docstring's first sentence, on one line, without its closing full stop."""
    flat = " ".join(text.split())
    for end in (". ", "; "):
        if end in flat:
            flat = flat.split(end, 1)[0]
    return flat.rstrip(".")
