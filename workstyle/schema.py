"""The API schema's generator (``REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]``)."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema


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
