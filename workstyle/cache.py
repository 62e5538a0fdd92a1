"""The cache in Redis, with a local stand-in while Redis is down.

The cache holds nothing that must survive: rate-limit counters (the public form, the API's
throttles) and short-lived lookups. A Redis that is down must therefore cost a citizen nothing — a
complaint is stored in PostgreSQL whether or not a counter could be kept. While Redis does not
answer, every operation goes to a cache in this process's memory instead: limits still hold, per
process rather than across them, until Redis answers again. Sessions, the captcha store and the
login lockout are in the database and never depend on it.

After a failure Redis is left alone for ``RETRY_SECONDS`` (each request would otherwise wait out
a connection attempt), then tried again. The first failure of an outage is logged as a warning,
and so is the return.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

T = TypeVar("T")

# Seconds without trying Redis after it failed.
RETRY_SECONDS = 5.0
# Seconds a web request may wait for Redis: a server that accepts connections but does not answer
# must not hold the request (redis-py waits forever by default).
SOCKET_TIMEOUT = 1.0


class ResilientRedisCache(RedisCache):
    """Django's Redis cache that falls back to a process-local cache while Redis fails."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS") or {})
        options.setdefault("socket_connect_timeout", SOCKET_TIMEOUT)
        options.setdefault("socket_timeout", SOCKET_TIMEOUT)
        super().__init__(server, {**params, "OPTIONS": options})
        self._local = LocMemCache(f"workstyle-fallback-{id(self)}", {**params, "OPTIONS": {"MAX_ENTRIES": 10000}})
        self._lock = threading.Lock()
        self._down_until = 0.0
        self._down = False

    @property
    def redis_is_down(self) -> bool:
        return self._down

    def _run(self, name: str, call: Callable[[], T], fallback: Callable[[], T]) -> T:
        if self._down and time.monotonic() < self._down_until:
            return fallback()
        try:
            result = call()
        except RedisError as exc:
            with self._lock:
                first = not self._down
                self._down = True
                self._down_until = time.monotonic() + RETRY_SECONDS
            if first:
                log.warning("Redis unreachable (%s: %s); the cache runs in this process until it returns", name, exc)
            return fallback()
        if self._down:
            with self._lock:
                was_down, self._down = self._down, False
            if was_down:
                log.warning("Redis answers again; the cache is shared again")
        return result

    # Each public operation of the cache, in Redis or else locally.
    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._run(
            "add",
            lambda: super(ResilientRedisCache, self).add(key, value, timeout, version),
            lambda: self._local.add(key, value, timeout, version),
        )

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._run(
            "get",
            lambda: super(ResilientRedisCache, self).get(key, default, version),
            lambda: self._local.get(key, default, version),
        )

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        self._run(
            "set",
            lambda: super(ResilientRedisCache, self).set(key, value, timeout, version),
            lambda: self._local.set(key, value, timeout, version),
        )

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._run(
            "touch",
            lambda: super(ResilientRedisCache, self).touch(key, timeout, version),
            lambda: self._local.touch(key, timeout, version),
        )

    def delete(self, key: Any, version: int | None = None) -> bool:
        return self._run(
            "delete",
            lambda: super(ResilientRedisCache, self).delete(key, version),
            lambda: self._local.delete(key, version),
        )

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        return self._run(
            "get_many",
            lambda: super(ResilientRedisCache, self).get_many(keys, version),
            lambda: self._local.get_many(keys, version),
        )

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._run(
            "has_key",
            lambda: super(ResilientRedisCache, self).has_key(key, version),
            lambda: self._local.has_key(key, version),
        )

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        return self._run(
            "incr",
            lambda: super(ResilientRedisCache, self).incr(key, delta, version),
            lambda: self._local.incr(key, delta, version),
        )

    def set_many(self, data: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> list[Any]:
        return self._run(
            "set_many",
            lambda: super(ResilientRedisCache, self).set_many(data, timeout, version),
            lambda: self._local.set_many(data, timeout, version),
        )

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        self._run(
            "delete_many",
            lambda: super(ResilientRedisCache, self).delete_many(keys, version),
            lambda: self._local.delete_many(keys, version),
        )

    def clear(self) -> None:
        self._local.clear()
        self._run("clear", lambda: super(ResilientRedisCache, self).clear(), lambda: None)

    def redis_ping(self) -> bool:
        """True when Redis answers now (for the health check: one try, never the fallback)."""
        try:
            client = self._cache.get_client(write=True)
            return bool(client.ping())
        except RedisError:
            return False
