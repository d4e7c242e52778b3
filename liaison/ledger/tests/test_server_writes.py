"""A real server under real clients: many writers into one log, and kill -9 mid-burst.

The server is ``uvicorn`` serving ``config.asgi`` in a subprocess (its own process group,
so a kill takes every worker), pointed at the test database. Under ASGI each request
runs in a thread of its own, so even one process has writers racing for the log; the
concurrency test runs several worker processes (one per CPU, 2 to 4), as stateless
servers behind a load balancer would. Clients are threads speaking HTTP to it with API
tokens, sending messages from the south side (each one an event in the south log, whose
key ``south-<seq>`` the 201 answers).

Transactional tests only: the server must see what the test committed, and the test
what the server committed.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from liaison.api.commands import IssueToken
from liaison.api.models import issue_token
from liaison.bundle.audit import verify
from liaison.channel.models import Message
from liaison.ledger.models import Event, Log
from liaison.lib import clock
from liaison.testing import make_world

pytestmark = pytest.mark.django_db(transaction=True)

OFFICE = "testoffice"
WRITERS = 8
PER_WRITER = 500
ROOT = Path(settings.BASE_DIR)


def _database_url() -> str:
    """The test database, as the server process's settings read it."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    host = db["HOST"] or "localhost"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{user}{password}@{host}{port}/{quote(db['NAME'], safe='')}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """``uvicorn config.asgi:application`` on a free port, started and killed at will."""

    def __init__(self, log_path: Path, workers: int) -> None:
        self.log_path = log_path
        self.workers = workers
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60) -> None:
        self.port = _free_port()
        env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "LIAISON_ENV": "development",
            "DEBUG": "false",  # as served: no query log kept per request
        }
        env.pop("LIAISON_CLOCK", None)
        with self.log_path.open("ab") as log_file:
            self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
                [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    "config.asgi:application",
                    "--host=127.0.0.1",
                    f"--port={self.port}",
                    "--log-level=warning",
                    "--no-access-log",
                    *([f"--workers={self.workers}"] if self.workers > 1 else []),
                ],
                cwd=ROOT,
                env=env,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: kill() takes the workers too
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited: {self.tail()}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/")
                ready = conn.getresponse().status < 500
                conn.close()
            except OSError:
                ready = False
            if ready:
                return
            time.sleep(0.1)
        self.kill()
        raise RuntimeError(f"the server did not answer: {self.tail()}")

    def tail(self) -> str:
        return self.log_path.read_text(errors="replace")[-3000:]

    def kill(self) -> None:
        """SIGKILL to the whole process group: no shutdown, no flush, no cleanup."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self.process = None


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[Any]:
    """Start a server with so many worker processes; all are killed at the end."""
    started: list[Server] = []

    def start(workers: int) -> Server:
        server = Server(tmp_path / f"server-{len(started)}.log", workers=workers)
        started.append(server)
        server.start()
        return server

    try:
        yield start
    finally:
        for server in started:
            server.kill()


@dataclass
class Writer:
    """One HTTP client sending messages with its own token and connection."""

    port: int
    key: str
    name: str
    acknowledged: dict[str, str] = field(default_factory=dict)  # message key -> subject
    statuses: list[int] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    _conn: http.client.HTTPConnection | None = None

    def send(self, subject: str) -> int:
        """Post one message; on 201 record its key. The status, or 0 when the server
        never answered."""
        if self._conn is None:
            self._conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        body = json.dumps({"kind": "notice", "subject": subject, "body": f"{subject}."})
        try:
            self._conn.request(
                "POST",
                f"/api/offices/{OFFICE}/messages",
                body=body,
                headers={"Authorization": f"Bearer {self.key}", "Content-Type": "application/json"},
            )
            response = self._conn.getresponse()
            payload = response.read()
        except (OSError, http.client.HTTPException) as exc:
            self._conn.close()
            self._conn = None
            self.failures.append(f"{subject}: {exc!r}")
            return 0
        self.statuses.append(response.status)
        if response.status == 201:
            self.acknowledged[json.loads(payload)["key"]] = subject
        else:
            self.failures.append(f"{subject}: {response.status} {payload[:300]!r}")
        return response.status

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()


def _writers(port: int, count: int) -> list[Writer]:
    """``count`` clients, each with its own API token of the south head or deputy."""
    world = make_world(OFFICE)
    speakers = [world.south_head, world.south_deputy]
    writers = []
    for index in range(count):
        _token, key = issue_token(
            speakers[index % 2], command=IssueToken(name=f"writer {index}"), now=clock.now()
        )
        writers.append(Writer(port=port, key=key, name=f"w{index}"))
    return writers


def _south_seqs() -> list[int]:
    return list(
        Event.objects.filter(log__office=OFFICE, log__side="south")
        .order_by("seq")
        .values_list("seq", flat=True)
    )


def _assert_acknowledged_writes_present(writers: list[Writer]) -> int:
    acknowledged = {k: s for w in writers for k, s in w.acknowledged.items()}
    found = dict(
        Message.objects.filter(office_id=OFFICE, key__in=list(acknowledged)).values_list(
            "key", "subject"
        )
    )
    assert found == acknowledged
    return len(found)


def test_eight_writers_append_500_messages_each_to_one_log(servers, scratch_allowed):
    server = servers(max(2, min(4, os.cpu_count() or 1)))
    writers = _writers(server.port, WRITERS)
    before = len(_south_seqs())
    barrier = threading.Barrier(WRITERS)
    started = time.monotonic()

    def run(writer: Writer) -> None:
        barrier.wait(timeout=30)
        for n in range(PER_WRITER):
            writer.send(f"{writer.name} message {n}")
        writer.close()

    threads = [threading.Thread(target=run, args=(w,)) for w in writers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    elapsed = time.monotonic() - started
    server.kill()
    assert not any(t.is_alive() for t in threads), "a writer never finished"
    print(f"\n{WRITERS}x{PER_WRITER} appends on {connection.vendor}: {elapsed:.1f} s")

    # Every request answered 201: no 5xx, no refusal, no dropped connection.
    for writer in writers:
        assert writer.failures == [], (writer.failures[:3], server.tail())
        assert writer.statuses == [201] * PER_WRITER
    total = WRITERS * PER_WRITER
    assert _south_seqs() == list(range(1, before + total + 1))
    south = Log.objects.get(office=OFFICE, side="south")
    assert south.size == before + total
    assert _assert_acknowledged_writes_present(writers) == total
    assert verify(OFFICE) == []


def test_a_server_killed_mid_burst_loses_no_acknowledged_write(servers, scratch_allowed):
    kills = 6
    server = servers(1)  # one process restarts fastest; kill -9 is the same to it
    (writer,) = _writers(server.port, 1)
    rng = random.Random(6)  # when to kill: a fixed seed, so a failure can be replayed
    stop = threading.Event()
    sent = 0

    def burst() -> None:
        nonlocal sent
        while not stop.is_set():
            writer.port = server.port
            if writer.send(f"burst {sent}") == 0:
                time.sleep(0.02)  # the server is down or restarting
            sent += 1

    client = threading.Thread(target=burst)
    client.start()
    try:
        for _ in range(kills):
            time.sleep(rng.uniform(0.3, 1.2))
            server.kill()
            server.start()
        time.sleep(0.5)
    finally:
        stop.set()
        client.join(timeout=120)
        writer.close()
    server.kill()

    assert writer.statuses, "no write was acknowledged"
    # Only dropped connections while the server was down, never a 5xx or a refusal.
    assert set(writer.statuses) == {201}, (writer.failures[-3:], server.tail())
    acknowledged = len(writer.acknowledged)
    found = _assert_acknowledged_writes_present([writer])
    seqs = _south_seqs()
    assert seqs == list(range(1, len(seqs) + 1))
    assert verify(OFFICE) == []
    print(
        f"\n{kills} kills on {connection.vendor}: {sent} attempts, {acknowledged} "
        f"acknowledged, {len(writer.failures)} unanswered (server down or killed "
        f"mid-request), {found} acknowledged found, "
        f"{Message.objects.filter(office_id=OFFICE).count()} messages in the log"
    )
