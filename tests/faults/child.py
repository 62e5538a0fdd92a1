"""A worker's job run in a process of its own, which kills itself (SIGKILL: no cleanup, no
rollback of its own, as the OOM killer or a lost machine would) at a chosen point:

    python -m tests.faults.child outbox   # the e-mail relay; dies while sending e-mail number KILL_AT
    python -m tests.faults.child sweep    # the escalation sweep; dies while writing its batch number KILL_AT

Without ``WORKSTYLE_TEST_KILL_AT`` the job runs to its end. Sent e-mails are files in
``WORKSTYLE_TEST_MAIL_DIR``, written and flushed one by one, as a mail server would have them."""

from __future__ import annotations

import json
import os
import signal
import sys
import uuid
from pathlib import Path
from typing import Any

KILL_AT = int(os.environ.get("WORKSTYLE_TEST_KILL_AT", "0"))


def _die_at(count: int) -> None:
    if count == KILL_AT:
        os.kill(os.getpid(), signal.SIGKILL)


def _mail_to_files() -> None:
    from django.core.mail.backends.locmem import EmailBackend

    folder = Path(os.environ["WORKSTYLE_TEST_MAIL_DIR"])
    sent = 0

    def send_messages(self: Any, messages: Any) -> int:
        nonlocal sent
        for message in messages:
            sent += 1
            _die_at(sent)  # in the middle of the conversation with the mail server
            (folder / f"{uuid.uuid4().hex}.eml").write_bytes(message.message().as_bytes())
        return len(messages)

    EmailBackend.send_messages = send_messages  # type: ignore[method-assign]


def _die_in_a_batch() -> None:
    """Count the sweep's INSERTs of escalation events: the N-th is in the N-th batch's transaction."""
    from django.db.backends.utils import CursorWrapper

    original = CursorWrapper.execute
    inserts = 0

    def execute(self: Any, sql: str, params: Any = None) -> Any:
        nonlocal inserts
        if sql.startswith('INSERT INTO "complaints_complaintevent"'):
            inserts += 1
            _die_at(inserts)
        return original(self, sql, params)

    CursorWrapper.execute = execute  # type: ignore[method-assign,assignment]


def main(job: str) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workstyle.settings")
    django.setup()
    from django.utils import timezone

    from workstyle import ladder, services

    if job == "outbox":
        _mail_to_files()
        result: Any = services.outbox_relay(
            now=timezone.now(), batch=int(os.environ.get("WORKSTYLE_TEST_BATCH", "100"))
        )
    elif job == "sweep":
        _die_in_a_batch()
        result = ladder.ladder_sweep(now=timezone.now(), batch_size=int(os.environ.get("WORKSTYLE_TEST_BATCH", "1000")))
    else:
        raise SystemExit(f"unknown job {job!r}")
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1])
