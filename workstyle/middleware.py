"""Middleware of the portal's own: security headers, JSON errors under /api/, and the limits of a
staff session."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from rest_framework.response import Response

API_PREFIX = "/api/"

Handler = Callable[[HttpRequest], HttpResponse]


class SecurityHeadersMiddleware:
    """``Permissions-Policy`` on every response; ``Cache-Control: no-store`` (and ``Pragma:
    no-cache`` for HTTP/1.0 proxies) on every response but a static file.

    No-store is the rule rather than a list of pages that need it: staff pages and API answers may
    show a revealed identity, the tracking page and the public API show a complaint and its reply
    to whoever holds the key, and even a public form carries its visitor's CSRF token — none of it
    belongs in a shared proxy or on the next user's disk. A page added later is covered without
    anyone remembering to. Static files keep WhiteNoise's caching: they are the same for everyone.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        if not request.path_info.startswith(settings.STATIC_URL):
            patch_cache_control(response, no_store=True)
            response["Pragma"] = "no-cache"
        return response


# What an error answer says when Django, not the API, produced it (an unknown URL, a crash).
def _error_messages() -> dict[int, str]:
    return {
        400: _("The request could not be understood."),
        403: _("You do not have permission to perform this action."),
        404: _("Not found."),
        405: _("This method is not allowed here."),
        413: _("The request is too large."),
        415: _("This content type is not supported here."),
        429: _("Too many requests. Please try again later."),
        500: _("A server error occurred. Please try again later."),
        503: _("The service is unavailable for the moment. Please try again shortly."),
    }


class ApiErrorMiddleware:
    """Under /api/, an error answer is JSON in the API's format, never an HTML page or a traceback.

    The API's own views answer JSON already (``workstyle.api.exception_handler``). This catches
    what happens outside them: a URL that matches no view, a host that is not allowed, a crash —
    Django's error page, or with DEBUG its technical page, which shows settings and source to
    whoever caused it. The error itself is still logged by Django as usual.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path_info.startswith(API_PREFIX)
            and not isinstance(response, Response)  # rendered by the API itself, as asked for
            and response.status_code >= 400
            # An HTML page, or with DEBUG a plain-text traceback for a caller who does not accept HTML.
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            status = response.status_code
            default = _error_messages()[500 if status >= 500 else 400]
            message = _error_messages().get(status, default)
            replacement = JsonResponse({"message": message, "errors": {}}, status=status)
            for header in ("Allow", "Retry-After", "WWW-Authenticate"):
                if header in response:
                    replacement[header] = response[header]
            return replacement
        return response


STARTED_KEY = "workstyle:session_started"
SEEN_KEY = "workstyle:session_seen"
# The last activity is written back at most this often, not on every request: each write is a
# session save (a database write), and the idle limit is counted in minutes.
SEEN_RESOLUTION_SECONDS = 60


class SessionLimitMiddleware:
    """Ends a logged-in session after ``WORKSTYLE_SESSION_IDLE_MINUTES`` without a request, and
    ``WORKSTYLE_SESSION_MAX_HOURS`` after the log-in, however active. The user is logged out and the
    request goes on anonymous: a page that needs a login sends him to the login page (where the
    message says why), the API answers 401.

    Only sessions that hold a log-in are looked at: an API call with a token has no session (and
    gets none from here), a visitor without an account keeps what his session holds."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if SESSION_KEY in request.session:
            reason = self._ended(request.session, time.time())
            if reason is not None:
                logout(request)
                if not request.path_info.startswith(API_PREFIX):
                    messages.warning(request, reason)
        response = self.get_response(request)
        # After the view, so that the log-in itself starts the clocks.
        if SESSION_KEY in request.session:
            self._touch(request.session, time.time())
        return response

    @staticmethod
    def _ended(session: SessionBase, now: float) -> str | None:
        """Why this session is over, or None while it is not."""
        started, seen = session.get(STARTED_KEY), session.get(SEEN_KEY)
        if not isinstance(started, int | float) or not isinstance(seen, int | float):
            return None  # stamped after this request
        idle = settings.WORKSTYLE_SESSION_IDLE_MINUTES
        hours = settings.WORKSTYLE_SESSION_MAX_HOURS
        if now - seen > idle * 60:
            return _("You were logged out after %(minutes)s minutes without activity. Please log in again.") % {
                "minutes": idle
            }
        if now - started > hours * 3600:
            return _("You were logged out: a session lasts at most %(hours)s hours. Please log in again.") % {
                "hours": hours
            }
        return None

    @staticmethod
    def _touch(session: SessionBase, now: float) -> None:
        started, seen = session.get(STARTED_KEY), session.get(SEEN_KEY)
        if not isinstance(started, int | float) or not isinstance(seen, int | float):
            # The first request of this log-in: logging out, or in as someone else, empties the
            # session, so a stamp found here is always this log-in's.
            session[STARTED_KEY] = session[SEEN_KEY] = now
        elif now - seen >= SEEN_RESOLUTION_SECONDS:
            session[SEEN_KEY] = now
