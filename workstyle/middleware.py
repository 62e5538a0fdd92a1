"""Middleware of the portal's own: JSON errors under /api/."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from rest_framework.response import Response

API_PREFIX = "/api/"

Handler = Callable[[HttpRequest], HttpResponse]


# What an error answer says when Django, not the API, produced it (an unknown URL, a crash).
def _error_messages() -> dict[int, str]:
    return {
        400: _("The request could not be understood."),
        403: _("You do not have permission to perform this action."),
        404: _("Not found."),
        405: _("This method is not allowed here."),
        500: _("A server error occurred. Please try again later."),
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
