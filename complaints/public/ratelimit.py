"""A per-client rate limit for the public pages, counted in the shared cache (Redis).

Fixed windows keyed by the client's address: simple, and atomic across any number of web
processes because the counter lives in Redis (``add`` creates it once, ``incr`` counts atomically).
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from workstyle.http import client_ip

HOUR = 3600

__all__ = ["client_ip", "ratelimit_hit"]


def _key(scope: str, ident: str, window: int) -> str:
    digest = hashlib.sha256(ident.encode()).hexdigest()[:32]
    return f"ws:ratelimit:{scope}:{digest}:{window}"


def ratelimit_hit(request: HttpRequest, *, scope: str, limit: int | None = None, period: int = HOUR) -> bool:
    """Count one attempt of this client in this scope; True while the client is within the limit
    (settings.WORKSTYLE_PUBLIC_FORM_LIMIT per hour unless given)."""
    limit = settings.WORKSTYLE_PUBLIC_FORM_LIMIT if limit is None else limit
    window = int(time.time()) // period
    key = _key(scope, client_ip(request), window)
    # The counter outlives its window a little so that a slow request still finds it.
    cache.add(key, 0, timeout=period + 60)
    try:
        count = cache.incr(key)
    except ValueError:
        # Expired between add and incr: this attempt opens a new counter.
        cache.add(key, 1, timeout=period + 60)
        count = 1
    return count <= limit
