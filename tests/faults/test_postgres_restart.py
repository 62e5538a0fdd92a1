"""PostgreSQL restarted under load: while it is down every request gets a clean 503 (JSON in the
API's error format under /api/, a short page elsewhere, with Retry-After), none a 500 or a hang;
once it is back every request succeeds again, on every gunicorn worker.

The portal runs under gunicorn (two workers) on a PostgreSQL cluster of the test's own
(tests/faults/servers.py), which the test stops and starts."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from tests.faults.servers import PostgresCluster, free_port, wait_for

pytestmark = pytest.mark.slow

SUBMIT = "/api/v1/public/complaints/"
BODY = json.dumps(
    {"category": "inaction", "title": "窗口无人", "description": "工作日窗口无人办公。", "complainant_name": "王五"}
)


@dataclass
class Answer:
    method: str
    path: str
    status: int
    content_type: str
    retry_after: str | None
    body: bytes


def ask(port: int, method: str, path: str) -> Answer:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        headers = {"Content-Type": "application/json", "Accept-Language": "en"}
        conn.request(method, path, body=BODY if method == "POST" else None, headers=headers)
        response = conn.getresponse()
        return Answer(
            method,
            path,
            response.status,
            response.getheader("Content-Type", ""),
            response.getheader("Retry-After"),
            response.read(),
        )
    finally:
        conn.close()


@pytest.fixture
def portal(own_postgres: PostgresCluster, tmp_path: Path) -> Iterator[int]:
    """gunicorn with two workers on the test's own PostgreSQL; yields its port."""
    port = free_port()
    log = tmp_path / "gunicorn.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "workstyle.settings",
        "WORKSTYLE_TESTING": "1",
        "DJANGO_DEBUG": "0",
        "DATABASE_URL": own_postgres.url,
        # Many submissions from one address in a few seconds: not what this test is about.
        "WORKSTYLE_PUBLIC_SUBMIT_RATE": "100000/hour",
        "WORKSTYLE_PUBLIC_API_RATE": "100000/hour",
    }
    with log.open("w") as out:
        command = [sys.executable, "-m", "gunicorn", "workstyle.wsgi", "--workers", "2", "--preload"]
        process = subprocess.Popen(
            [*command, "--bind", f"127.0.0.1:{port}", "--timeout", "30", "--graceful-timeout", "2"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:

        def up() -> bool:
            assert process.poll() is None, log.read_text()
            try:
                return ask(port, "GET", "/healthz").status == 200
            except OSError:
                return False

        wait_for(up, timeout=60, what="gunicorn to serve", every=0.2)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


REQUESTS = [("POST", SUBMIT), ("GET", "/api/v1/public/units/"), ("GET", "/complaints/new/"), ("GET", "/healthz")]


class Load:
    """Two clients asking the portal in a loop, each answer kept with the phase it came in."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.phase = "before"
        self.answers: list[tuple[str, Answer]] = []
        self.failures: list[tuple[str, str]] = []
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self.run, args=(n,)) for n in range(2)]

    def run(self, n: int) -> None:
        i = n
        while not self.stop.is_set():
            method, path = REQUESTS[i % len(REQUESTS)]
            i += 1
            phase = self.phase
            try:
                answer = ask(self.port, method, path)
                # A request that spans a change of phase belongs to neither.
                self.answers.append((phase if phase == self.phase else "between", answer))
            except OSError as exc:  # no answer at all: the server hung or dropped the request
                self.failures.append((phase, f"{method} {path}: {exc!r}"))

    def __enter__(self) -> Load:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=30)


def test_a_postgres_restart_under_load_is_a_clean_503_then_all_is_well(
    portal: int, own_postgres: PostgresCluster
) -> None:
    with Load(portal) as load:
        wait_for(lambda: len(load.answers) >= 8, timeout=30, what="answers before the outage")
        load.phase = "stopping"
        own_postgres.stop()
        load.phase = "down"
        count = len(load.answers)
        wait_for(lambda: len(load.answers) >= count + 12, timeout=60, what="answers during the outage")
        load.phase = "restarting"
        own_postgres.start()
        load.phase = "after"
        wait_for(
            lambda: sum(1 for phase, _ in load.answers if phase == "after") >= 24,
            timeout=60,
            what="answers after the outage",
        )

    assert not load.failures
    # Nothing but success and a clean 503, ever.
    for _phase, answer in load.answers:
        assert answer.status in (200, 201, 503), answer
        if answer.status == 503:
            if answer.path.startswith("/api/"):
                assert answer.content_type.startswith("application/json"), answer
                assert json.loads(answer.body) == {
                    "message": "The service is unavailable for the moment. Please try again shortly.",
                    "errors": {},
                }
                assert answer.retry_after == "5", answer
            elif answer.path == "/healthz":
                assert json.loads(answer.body)["status"] == "down"
            else:
                assert answer.content_type.startswith("text/html"), answer
                assert b"Service unavailable" in answer.body
                assert b"Traceback" not in answer.body
                assert answer.retry_after == "5", answer

    before = [answer for phase, answer in load.answers if phase == "before"]
    down = [answer for phase, answer in load.answers if phase == "down"]
    after = [answer for phase, answer in load.answers if phase == "after"]
    assert all(answer.status in (200, 201) for answer in before)
    assert down
    assert all(answer.status == 503 for answer in down), [(a.path, a.status) for a in down]
    assert {answer.path for answer in down} == {path for _method, path in REQUESTS}
    # Once the database is back no worker stays broken: the last answers, spread over both
    # workers by gunicorn, all succeed (the first may still meet a connection being replaced).
    assert all(answer.status in (200, 201) for answer in after[-16:]), [(a.path, a.status) for a in after[-16:]]
    assert any(answer.path == SUBMIT and answer.status == 201 for answer in after[-16:])
