"""The Celery app. One beat process runs the static schedule (settings.CELERY_BEAT_SCHEDULE); any
number of workers consume."""

import os

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
