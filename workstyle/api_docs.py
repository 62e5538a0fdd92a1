"""The API's documentation pages, served under the portal's own Content-Security-Policy.

Swagger UI gets its start-up script from its own URL (drf-spectacular's split view, see
``workstyle/urls.py``). ReDoc writes its styles into ``<style>`` elements as it renders: this one
page lets styles carrying the request's nonce apply, and ReDoc puts that nonce on each of them
(its ``nonce`` option, set by ``static/api-docs/redoc-init.js``, and ``redoc-nonce.js`` for the
elements it creates before reading that option). Its search runs in a worker it
builds from a ``blob:`` of its own code, which the page allows too. Scripts stay the portal's own.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.csp import CSP  # type: ignore[import-not-found,unused-ignore]
from drf_spectacular.views import SpectacularRedocView
from rest_framework.request import Request
from rest_framework.response import Response


class RedocView(SpectacularRedocView):
    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        policy: dict[str, Any] = dict(settings.SECURE_CSP)
        policy["style-src"] = [*policy.get("style-src", [CSP.SELF]), CSP.NONCE]
        policy["worker-src"] = [CSP.SELF, "blob:"]
        response._csp_config = policy  # type: ignore[attr-defined]
        return response
