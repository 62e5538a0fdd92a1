"""The users of the load bench (``bench/load.py`` runs them; not meant to be run by hand).

Citizens file complaints through the public API (the public form has a captcha) and track them;
staff open the queue page, list complaints through the API, open a complaint's page and accept
one. ``SubmitOnly`` and ``BareInsert`` hammer one endpoint each, without pauses, for the
throughput comparison. Everything it needs — sessions, tokens, ids — comes from the JSON file named
by ``WORKSTYLE_LOAD_CONFIG``; the target must be a loopback address, and the run stops itself after
``max_requests`` requests whatever its time limit."""

from __future__ import annotations

import itertools
import json
import os
import random
from collections import deque
from typing import Any
from urllib.parse import urlsplit

from locust import HttpUser, between, constant, events, task
from locust.env import Environment

CONFIG: dict[str, Any] = json.loads(open(os.environ["WORKSTYLE_LOAD_CONFIG"], encoding="utf-8").read())  # noqa: SIM115
MAX_REQUESTS: int = int(CONFIG["max_requests"])

# Receipts of the complaints filed in this run, for the citizens' tracking.
RECEIPTS: deque[tuple[str, str]] = deque(maxlen=2000)
# Submitted complaints the discipline office may accept, each once.
TO_ACCEPT = iter(CONFIG["to_accept"])
SESSIONS = itertools.cycle(CONFIG["staff"])
_count = {"requests": 0}


@events.init.add_listener
def _loopback_only(environment: Environment, **_kwargs: Any) -> None:
    host = urlsplit(environment.host or "").hostname or ""
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit(f"the load bench sends requests to this machine's loopback only, not to {host!r}")


@events.request.add_listener
def _bounded(**_kwargs: Any) -> None:
    _count["requests"] += 1
    if _count["requests"] == MAX_REQUESTS:
        runner = _environment.runner if _environment is not None else None
        if runner is not None:
            runner.quit()


_environment: Environment | None = None


@events.init.add_listener
def _keep(environment: Environment, **_kwargs: Any) -> None:
    global _environment
    _environment = environment


def _complaint() -> dict[str, Any]:
    return {
        "category": random.choice(CONFIG["categories"]),
        "title": "道路维修一拖再拖",
        "description": "负责人多次推诿，至今没有答复。" * random.randint(1, 5),
        "unit": random.choice(CONFIG["units"]),
    }


class PortalUser(HttpUser):
    """A client of the portal as gunicorn sees it behind the office's reverse proxy, which ends TLS."""

    abstract = True

    def on_start(self) -> None:
        self.client.headers["X-Forwarded-Proto"] = "https"


class Citizen(PortalUser):
    weight = 3
    wait_time = between(1, 2)

    def _file(self) -> None:
        with self.client.post(
            "/api/v1/public/complaints/", json=_complaint(), name="citizen: submit (API)", catch_response=True
        ) as response:
            if response.status_code == 201:
                body = response.json()
                RECEIPTS.append((body["tracking_code"], body["access_key"]))
            else:
                response.failure(f"{response.status_code}")

    @task(1)
    def submit(self) -> None:
        self._file()

    @task(3)
    def track(self) -> None:
        if not RECEIPTS:
            self._file()
            return
        code, key = random.choice(RECEIPTS)
        self.client.get(
            f"/api/v1/public/complaints/{code}/", headers={"X-Access-Key": key}, name="citizen: track (API)"
        )


class Staff(PortalUser):
    weight = 2
    wait_time = between(1, 2)

    def on_start(self) -> None:
        super().on_start()
        self.me = next(SESSIONS)
        self.client.cookies.set("sessionid", self.me["session"])
        self.token = {"Authorization": f"Token {self.me['token']}"}

    @task(3)
    def queue_page(self) -> None:
        self.client.get("/workbench/complaints/", name=f"staff: queue page ({self.me['role']})")

    @task(3)
    def api_list(self) -> None:
        self.client.get("/api/v1/complaints/", headers=self.token, name=f"staff: API list ({self.me['role']})")

    @task(3)
    def open_one(self) -> None:
        pk = random.choice(self.me["visible"])
        self.client.get(f"/workbench/complaints/{pk}/", name=f"staff: complaint page ({self.me['role']})")

    @task(1)
    def accept(self) -> None:
        if self.me["role"] != "inspector":
            return self.open_one()
        pk = next(TO_ACCEPT, None)
        if pk is None:
            return self.open_one()
        self.client.post(
            f"/api/v1/complaints/{pk}/accept/",
            json={"department": random.choice(CONFIG["departments"])},
            headers=self.token,
            name="staff: accept (API action)",
        )
        return None


class SubmitOnly(PortalUser):
    wait_time = constant(0)

    @task
    def submit(self) -> None:
        self.client.post("/api/v1/public/complaints/", json=_complaint(), name="throughput: submit (API)")


class BareInsert(PortalUser):
    wait_time = constant(0)

    @task
    def insert(self) -> None:
        self.client.post("/bench/bare-insert/", data="ping", name="throughput: bare insert (baseline)")
