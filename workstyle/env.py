"""Read settings from the environment, failing fast with the variable's name on a bad value."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}
RATE = re.compile(r"[1-9][0-9]*/(s|sec|second|m|min|minute|h|hour|d|day)")
# What the settings fall back on when testing: the machine's real PostgreSQL and Redis (and no mail).
TESTING_DEFAULTS = {
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/workstyle",
    "REDIS_URL": "redis://127.0.0.1:6379/15",
    "EMAIL_URL": "locmem://",
}


class ConfigError(Exception):
    """A setting in the environment cannot be used; the message names the variable."""


def secret_key_file(path: Path) -> str:
    """The embedded default's secret key: made once, random, kept beside the SQLite file (mode 600),
    so that a first run needs no configuration and sessions survive restarts."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process of the same start made it first
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


class Env:
    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self.environ = os.environ if environ is None else environ

    def raw(self, name: str) -> str | None:
        value = self.environ.get(name)
        return None if value is None else value.strip()

    def text(self, name: str, default: str = "") -> str:
        value = self.raw(name)
        return default if value is None or value == "" else value

    def flag(self, name: str, default: bool = False) -> bool:
        value = self.raw(name)
        if value is None:
            return default
        lowered = value.lower()
        if lowered in TRUE:
            return True
        if lowered in FALSE:
            return False
        raise ConfigError(f"{name}={value!r} is not a boolean; use one of 1/0, true/false, yes/no, on/off.")

    def number(self, name: str, default: int, *, minimum: int | None = None) -> int:
        value = self.raw(name)
        if value is None or value == "":
            return default
        try:
            number = int(value)
        except ValueError:
            raise ConfigError(f"{name}={value!r} is not an integer.") from None
        if minimum is not None and number < minimum:
            raise ConfigError(f"{name}={number} must be at least {minimum}.")
        return number

    def choice(self, name: str, default: str, choices: Iterable[str]) -> str:
        value = self.text(name, default)
        allowed = list(choices)
        if value.upper() in allowed:
            return value.upper()
        raise ConfigError(f"{name}={value!r} is not one of {', '.join(allowed)}.")

    def rate(self, name: str, default: str) -> str:
        """A throttle rate as DRF reads it ("10/hour"); checked here, or the first throttled
        request would fail instead of the start."""
        value = self.text(name, default)
        if not RATE.fullmatch(value):
            raise ConfigError(f"{name}={value!r} is not a rate: write requests/period, e.g. 60/minute or 10/hour.")
        return value

    def names(self, name: str, default: list[str] | None = None) -> list[str]:
        value = self.raw(name)
        if value is None or value == "":
            return list(default or [])
        return [item.strip() for item in value.split(",") if item.strip()]

    def url(self, name: str, schemes: set[str], default: str = "") -> str:
        value = self.text(name, default)
        if not value:
            return ""
        parts = urlsplit(value)
        if parts.scheme not in schemes:
            raise ConfigError(
                f"{name}={value!r} is not a valid URL: the scheme must be one of {', '.join(sorted(schemes))}."
            )
        if parts.scheme not in {"sqlite", "filesystem", "memory", "locmem", "console", "dummy"} and not (
            parts.hostname or parts.path.strip("/")
        ):
            raise ConfigError(f"{name}={value!r} is not a valid URL: it names no host.")
        try:
            parts.port  # noqa: B018 - raises ValueError on a malformed port
        except ValueError:
            raise ConfigError(f"{name}={value!r} is not a valid URL: the port is malformed.") from None
        return value

    def database(self, name: str, default: str) -> dict[str, Any]:
        import dj_database_url

        value = self.url(name, {"postgres", "postgresql", "pgsql", "sqlite"}, default)
        try:
            config = dict(dj_database_url.parse(value, conn_max_age=60, conn_health_checks=True))
        except Exception as exc:  # dj-database-url raises several types
            raise ConfigError(f"{name}={value!r} is not a valid database URL: {exc}") from None
        return config

    def email(self, name: str) -> dict[str, Any]:
        """EMAIL_URL: smtp://user:pass@host:port, smtp+tls://…, smtp+ssl://…, console://, locmem://, dummy://"""
        value = self.url(name, {"smtp", "smtp+tls", "smtp+ssl", "console", "locmem", "dummy", "file"}, "console://")
        parts = urlsplit(value)
        backends = {
            "smtp": "django.core.mail.backends.smtp.EmailBackend",
            "smtp+tls": "django.core.mail.backends.smtp.EmailBackend",
            "smtp+ssl": "django.core.mail.backends.smtp.EmailBackend",
            "console": "django.core.mail.backends.console.EmailBackend",
            "locmem": "django.core.mail.backends.locmem.EmailBackend",
            "dummy": "django.core.mail.backends.dummy.EmailBackend",
            "file": "django.core.mail.backends.filebased.EmailBackend",
        }
        config: dict[str, Any] = {"EMAIL_BACKEND": backends[parts.scheme]}
        if parts.scheme.startswith("smtp"):
            config.update(
                EMAIL_HOST=parts.hostname or "localhost",
                EMAIL_PORT=parts.port
                or (465 if parts.scheme == "smtp+ssl" else 587 if parts.scheme == "smtp+tls" else 25),
                EMAIL_HOST_USER=parts.username or "",
                EMAIL_HOST_PASSWORD=parts.password or "",
                EMAIL_USE_TLS=parts.scheme == "smtp+tls",
                EMAIL_USE_SSL=parts.scheme == "smtp+ssl",
            )
        elif parts.scheme == "file":
            config["EMAIL_FILE_PATH"] = parts.path
        return config
