"""``liaison demo`` serves as production does: DEBUG off, so an unknown address is the
plain 404 page (not Django's list of every URL pattern), static files still served, and
Ctrl-C stops the server and its workers.

A real ``liaison demo`` in a scratch ``LIAISON_VAR_DIR`` (its own SQLite database): it
builds the office, serves it on a free port, and is stopped with SIGINT as a terminal's
Ctrl-C would.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings

from liaison.demo.management.commands.demo import serve_argv, served_env

ROOT = Path(settings.BASE_DIR)


def test_the_demo_serves_in_a_process_of_its_own_with_debug_off():
    env = served_env("2018-11-02T19:00:00+09:00")
    assert env["DEBUG"] == "false"
    assert env["LIAISON_CLOCK"] == "2018-11-02T19:00:00+09:00"
    assert serve_argv("0.0.0.0", 8080)[-5:] == ["serve", "--host", "0.0.0.0", "--port", "8080"]  # noqa: S104


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(port: int, path: str) -> tuple[int, str, dict[str, str]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path)
    response = conn.getresponse()
    text = response.read().decode(errors="replace")
    conn.close()
    return response.status, text, dict(response.getheaders())


def test_a_real_demo_answers_unknown_addresses_with_the_plain_404_and_stops_on_ctrl_c(
    tmp_path: Path,
):
    port = _free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DEBUG", "LIAISON_CLOCK", "DJANGO_SETTINGS_MODULE"}
    }
    env |= {
        "LIAISON_VAR_DIR": str(tmp_path),
        "LIAISON_ATTACHMENTS_DIR": str(tmp_path / "attachments"),
        "LIAISON_DEMO_PASSWORD": "demo-password-for-the-test",
    }
    log_path = tmp_path / "demo.log"
    with log_path.open("wb") as log_file:
        demo = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "liaison.cli", "demo", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a process group of its own, as a terminal gives
        )
    try:
        deadline = time.monotonic() + 180
        while True:
            assert demo.poll() is None, log_path.read_text()[-3000:]
            assert time.monotonic() < deadline, log_path.read_text()[-3000:]
            try:
                status, _text, _headers = _get(port, "/login/")
                if status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        status, text, _headers = _get(port, "/no/such/page/")
        assert status == 404
        assert "<h1>Not found</h1>" in text
        assert "URLconf" not in text and "Django tried these URL patterns" not in text
        status, css, headers = _get(port, "/static/liaison/site.css")
        assert status == 200 and "body" in css
        assert "no-store" not in headers.get("cache-control", "")
        # Ctrl-C: SIGINT to the whole foreground group.
        os.killpg(demo.pid, signal.SIGINT)
        assert demo.wait(timeout=60) is not None
        # The server and the workers went with it: nothing answers, nothing is left.
        time.sleep(0.5)
        try:
            _get(port, "/login/")
            raise AssertionError("the server still answers after Ctrl-C")
        except OSError:
            pass
    finally:
        if demo.poll() is None:
            os.killpg(demo.pid, signal.SIGKILL)
            demo.wait(timeout=30)
    log = log_path.read_text()
    assert "Built the demo office 'kaesong'." in log
    assert "Traceback" not in log, log[-3000:]
