"""The login lockout's bookkeeping (django-axes' ``AXES_HANDLER``)."""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.http import HttpRequest


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler, counting failures per user name and per address
    (``AXES_LOCKOUT_PARAMETERS``), with a narrower reset after a successful log-in.

    Axes resets every counter the log-in matches: with the address as a counter of its own, that
    is every failure from the address, whoever they were for. Anyone with an account could then
    guess a few passwords of others, log in as himself to clear the address, and guess again. Only
    the failures of the user who logged in, from the address he logged in from, are forgiven here:
    his own typing errors; the guesses at his name from elsewhere still count.
    """

    def reset_user_attempts(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        username = get_client_username(request, credentials)
        ip_address = getattr(request, "axes_ip_address", None)
        count, _ = AccessAttempt.objects.filter(username=username, ip_address=ip_address).delete()
        return count
