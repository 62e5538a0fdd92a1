"""Request helpers shared by the apps."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def client_ip(request: HttpRequest) -> str:
    """The client's address. With no trusted proxy (WORKSTYLE_NUM_PROXIES=0) only REMOTE_ADDR
    counts: a forwarded-for header is whatever the client wants it to be, and trusting it would let
    anyone reset his own rate limit. Behind N trusted proxies, the address the outermost of them
    saw is the N-th entry from the right of X-Forwarded-For (the ones further left are the
    client's own claims)."""
    proxies = settings.WORKSTYLE_NUM_PROXIES
    if proxies:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def axes_client_ip(request: HttpRequest) -> str | None:
    """``client_ip`` for django-axes, which stores it in an inet column on PostgreSQL: None (stored
    as NULL) when there is no valid address, e.g. a login without a request address
    (``Client.force_login``) or a forwarded-for hop that is no address at all."""
    address = client_ip(request)
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def safe_next(request: HttpRequest, fallback: str) -> str:
    """The ``next`` page a form posted, if it is a page of this portal; else ``fallback``. A
    browser reads "/\\evil.example" like "//evil.example", hence the host check on top of the "/"."""
    target = request.POST.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback
