"""Text messages: the backend ``SMS_URL`` names, so that a city plugs in its own provider.

- ``console://`` writes each message to the log (development, the embedded default);
- ``file:///folder`` writes each message to a file of its own in that folder (tests, a hand-off to
  another system);
- ``http://…`` / ``https://…`` is the URL template of an HTTP gateway: ``{to}`` and ``{text}`` are
  filled in URL-encoded and the URL is requested with GET; any 2xx answer is a message sent.

A backend raises on failure; the relay (``workstyle.services.sms_relay``) retries later.
"""

from __future__ import annotations

import json
import logging
import secrets
import urllib.request
from pathlib import Path
from typing import Protocol
from urllib.parse import quote, urlsplit

from django.conf import settings

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10


class SmsBackend(Protocol):
    def send(self, *, to: str, text: str) -> None: ...


class ConsoleBackend:
    def send(self, *, to: str, text: str) -> None:
        log.info("SMS to %s: %s", to, text)


class FileBackend:
    def __init__(self, folder: str) -> None:
        self.folder = Path(folder)

    def send(self, *, to: str, text: str) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"sms-{secrets.token_hex(8)}.json"
        (self.folder / name).write_text(json.dumps({"to": to, "text": text}, ensure_ascii=False), encoding="utf-8")


class HttpGatewayBackend:
    def __init__(self, template: str) -> None:
        self.template = template

    def url(self, *, to: str, text: str) -> str:
        return self.template.replace("{to}", quote(to, safe="")).replace("{text}", quote(text, safe=""))

    def send(self, *, to: str, text: str) -> None:
        request = urllib.request.Request(self.url(to=to, text=text), method="GET")  # noqa: S310 - http(s) only
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 - scheme checked
            if not 200 <= response.status < 300:
                raise OSError(f"SMS gateway answered {response.status}")


def sms_backend(url: str | None = None) -> SmsBackend:
    """The backend of ``url`` (default: ``settings.SMS_URL``)."""
    url = url if url is not None else settings.SMS_URL
    parts = urlsplit(url)
    if parts.scheme == "file":
        return FileBackend(parts.path)
    if parts.scheme in ("http", "https"):
        return HttpGatewayBackend(url)
    return ConsoleBackend()
