"""The Celery app. One beat process runs the static schedule (settings.CELERY_BEAT_SCHEDULE); any
number of workers consume."""

import contextlib
import os
import threading

from celery import Celery
from kombu import Connection

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workstyle.settings")

app = Celery("workstyle")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_configure.connect
def _make_broker_folders(sender: Celery, **_: object) -> None:
    from django.conf import settings

    # kombu's filesystem transport expects its folders to exist.
    if str(settings.CELERY_BROKER_URL).startswith("filesystem://"):
        for key in ("data_folder_in", "processed_folder", "control_folder"):
            os.makedirs(str(settings.CELERY_BROKER_TRANSPORT_OPTIONS[key]), exist_ok=True)


# Seconds a web request may spend on the broker. redis-py waits forever by default, so a broker that
# accepts connections but does not answer would hang the request that publishes or probes.
QUICK_TIMEOUT = 2


def quick_connection() -> Connection:
    """A broker connection of its own for a web request: one try, short timeouts, no retries."""
    return app.connection_for_write(
        connect_timeout=QUICK_TIMEOUT,
        transport_options={
            "max_retries": 0,
            "socket_connect_timeout": QUICK_TIMEOUT,
            "socket_timeout": QUICK_TIMEOUT,
        },
    )


# The broker connection each thread of a web worker keeps for ``quick_send``. Opening one (TCP,
# PING, redis-py reading its own version from the package metadata) costs ~100 ms, more than the
# rest of a public submission together.
_kept = threading.local()


def _forget_kept() -> None:
    _kept.connection = None


# A child process must not share its parent's socket.
os.register_at_fork(after_in_child=_forget_kept)


def quick_send(task: str) -> None:
    """Send ``task`` (no arguments) on a connection this thread keeps, with the quick connection's
    short timeouts and no retries. When a kept connection fails (the broker restarted), it is
    dropped and the send tried once more on a new one; any other failure raises, for the caller to
    log: the schedule catches up."""
    connection = getattr(_kept, "connection", None)
    if connection is not None and getattr(_kept, "url", None) != app.conf.broker_url:
        # Configured elsewhere since (tests point the app at another broker): not this one.
        _forget_kept()
        with contextlib.suppress(Exception):
            connection.release()
        connection = None
    if connection is not None:
        try:
            app.send_task(task, retry=False, connection=connection)
            return
        except Exception:
            _forget_kept()
            with contextlib.suppress(Exception):
                connection.release()
    connection = quick_connection()
    try:
        app.send_task(task, retry=False, connection=connection)
    except Exception:
        with contextlib.suppress(Exception):
            connection.release()
        raise
    _kept.connection, _kept.url = connection, app.conf.broker_url
