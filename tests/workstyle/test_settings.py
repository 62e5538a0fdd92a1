"""Settings come from the environment and a bad value stops start-up naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from workstyle.env import ConfigError, Env

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "value",
    [
        "mysql://user@db/workstyle",  # an engine we do not run on
        "not a url",
        "postgres://user@db:5x32/workstyle",  # malformed port
        "postgres://user@db:99999/workstyle",  # port out of range
        "postgres://",  # no host, no name
    ],
)
def test_malformed_database_url_names_the_variable(value):
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        Env({"DATABASE_URL": value}).database("DATABASE_URL", "sqlite:///x.sqlite3")


def test_database_url_parses_postgres_and_embedded_sqlite_default():
    config = Env({"DATABASE_URL": "postgres://ws:secret@db.internal:5433/workstyle"}).database("DATABASE_URL", "")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"], config["USER"]) == (
        "db.internal",
        5433,
        "workstyle",
        "ws",
    )
    default = Env({}).database("DATABASE_URL", "sqlite:////tmp/ws.sqlite3")
    assert default["ENGINE"] == "django.db.backends.sqlite3"
    assert default["NAME"] == "/tmp/ws.sqlite3"


@pytest.mark.parametrize("value", ["10", "10/fortnight", "0/hour", "ten/hour", "10 / hour"])
def test_bad_rate_names_the_variable(value):
    with pytest.raises(ConfigError, match="WORKSTYLE_PUBLIC_API_RATE"):
        Env({"WORKSTYLE_PUBLIC_API_RATE": value}).rate("WORKSTYLE_PUBLIC_API_RATE", "60/minute")


def test_rates_and_choices():
    assert Env({"R": "5/day"}).rate("R", "60/minute") == "5/day"
    assert Env({}).rate("R", "60/minute") == "60/minute"
    assert Env({"L": "warning"}).choice("L", "INFO", ["INFO", "WARNING"]) == "WARNING"
    with pytest.raises(ConfigError, match="L="):
        Env({"L": "LOUD"}).choice("L", "INFO", ["INFO", "WARNING"])


def test_site_url_must_be_a_web_address():
    with pytest.raises(ConfigError, match="WORKSTYLE_SITE_URL"):
        Env({"WORKSTYLE_SITE_URL": "portal.example"}).url("WORKSTYLE_SITE_URL", {"http", "https"})


@pytest.mark.parametrize("value", ["maybe", "2", "yess", "enabled"])
def test_non_boolean_flag_names_the_variable(value):
    with pytest.raises(ConfigError, match="DJANGO_DEBUG"):
        Env({"DJANGO_DEBUG": value}).flag("DJANGO_DEBUG")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", True), ("TRUE", True), (" yes ", True), ("on", True), ("0", False), ("false", False), ("off", False)],
)
def test_boolean_flag_values(value, expected):
    assert Env({"DJANGO_DEBUG": value}).flag("DJANGO_DEBUG") is expected
    assert Env({}).flag("DJANGO_DEBUG", default=True) is True


@pytest.mark.parametrize("value", ["three", "1.5", "7d"])
def test_bad_integer_names_the_variable(value):
    with pytest.raises(ConfigError, match="WORKSTYLE_REMINDER_DAYS"):
        Env({"WORKSTYLE_REMINDER_DAYS": value}).number("WORKSTYLE_REMINDER_DAYS", 3)


def test_integer_below_its_minimum_names_the_variable():
    with pytest.raises(ConfigError, match="WORKSTYLE_ESCALATION_DAYS"):
        Env({"WORKSTYLE_ESCALATION_DAYS": "0"}).number("WORKSTYLE_ESCALATION_DAYS", 7, minimum=1)
    assert Env({"WORKSTYLE_ESCALATION_DAYS": "9"}).number("WORKSTYLE_ESCALATION_DAYS", 7, minimum=1) == 9
    assert Env({}).number("WORKSTYLE_ESCALATION_DAYS", 7, minimum=1) == 7


@pytest.mark.parametrize(
    "value", ["http://127.0.0.1:6379/0", "redis://", "redis://127.0.0.1:port/0", "127.0.0.1:6379", "redis:/"]
)
def test_bad_redis_url_names_the_variable(value):
    with pytest.raises(ConfigError, match="REDIS_URL"):
        Env({"REDIS_URL": value}).url("REDIS_URL", {"redis", "rediss", "unix"})


def test_good_redis_url_and_absent_one():
    assert Env({"REDIS_URL": "redis://cache:6379/1"}).url("REDIS_URL", {"redis"}) == "redis://cache:6379/1"
    assert Env({}).url("REDIS_URL", {"redis"}) == ""


@pytest.mark.parametrize("value", ["smtp://", "pop3://mail.example", "smtp://mail:25x"])
def test_bad_email_url_names_the_variable(value):
    with pytest.raises(ConfigError, match="EMAIL_URL"):
        Env({"EMAIL_URL": value}).email("EMAIL_URL")


def test_email_url_configures_smtp_with_tls():
    config = Env({"EMAIL_URL": "smtp+tls://notices:pw@mail.example:2525"}).email("EMAIL_URL")
    assert config["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (config["EMAIL_HOST"], config["EMAIL_PORT"], config["EMAIL_USE_TLS"], config["EMAIL_USE_SSL"]) == (
        "mail.example",
        2525,
        True,
        False,
    )
    assert (config["EMAIL_HOST_USER"], config["EMAIL_HOST_PASSWORD"]) == ("notices", "pw")


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    # Not what the test session set for itself (the browser tests allow async-unsafe calls).
    environ = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("PYTEST") and key != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    environ.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DJANGO_DEBUG", "maybe"),
        ("DATABASE_URL", "postgres://postgres@127.0.0.1:notaport/x"),
        ("REDIS_URL", "http://127.0.0.1:6379/0"),
        ("WORKSTYLE_OUTBOX_SECONDS", "soon"),
        # Read by DRF at the first throttled request, and by logging: both must fail at start.
        ("WORKSTYLE_PUBLIC_SUBMIT_RATE", "ten per hour"),
        ("DJANGO_LOG_LEVEL", "LOUD"),
        ("WORKSTYLE_MAX_JSON_BYTES", "1MB"),
        ("WORKSTYLE_SESSION_IDLE_MINUTES", "0"),
    ],
)
def test_manage_py_refuses_to_start_with_a_bad_value(variable, value):
    result = _manage("check", **{variable: value})
    assert result.returncode != 0
    assert variable in result.stderr
    # A message, not a traceback.
    assert "Traceback" not in result.stderr


def test_deploy_settings_with_debug_off_and_a_real_secret_pass_the_deploy_check():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="k" * 20 + "-production-secret-that-is-long-enough-0123456789",
        DJANGO_ALLOWED_HOSTS="workstyle.example.gov.cn",
    )
    assert result.returncode == 0, result.stderr
