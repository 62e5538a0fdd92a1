"""Domain errors raised by services. Views and the API turn them into a clear answer (never a 500)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


class DomainError(Exception):
    """A request the domain refuses. ``message`` is shown to the user (it is translatable)."""

    status_code = 400

    def __init__(self, message: object, *, errors: Mapping[str, Sequence[object]] | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.errors = {key: [str(item) for item in value] for key, value in (errors or {}).items()}


class InvalidInput(DomainError):
    """The input breaks a rule; ``errors`` names the fields."""


class TransitionError(DomainError):
    """The object is not in a state from which this change is allowed."""

    status_code = 409


class NotAllowed(DomainError):
    """The actor may not do this to this object."""

    status_code = 403
