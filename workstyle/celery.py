"""The Celery app. One beat process runs the static schedule (settings.CELERY_BEAT_SCHEDULE); any
number of workers consume."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workstyle.settings")

app = Celery("workstyle")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_configure.connect
def _make_broker_folders(sender: Celery, **_: object) -> None:
    from django.conf import settings

    # kombu's filesystem transport expects its folders to exist.
    if str(settings.CELERY_BROKER_URL).startswith("filesystem://"):
        for key in ("data_folder_in", "processed_folder"):
            os.makedirs(str(settings.CELERY_BROKER_TRANSPORT_OPTIONS[key]), exist_ok=True)
