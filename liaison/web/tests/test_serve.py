"""``liaison serve``: the uvicorn it runs never takes a client's address from a header.

Left to its defaults uvicorn trusts ``X-Forwarded-For`` from any client on loopback and
rewrites the peer before Django sees it, so a forged header per attempt dodged the
sign-in lockout. The config is checked, and a real ``liaison serve`` is tried: five wrong
passwords, each with a new forged address, lock the account.
"""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import connection

from liaison.web.management.commands.serve import server_config

ROOT = Path(settings.BASE_DIR)


@pytest.mark.parametrize("proxies", [0, 2])
def test_uvicorn_trusts_no_proxy_header_whatever_the_proxy_count(settings, proxies: int) -> None:
    settings.LIAISON_PROXY_COUNT = proxies
    config = server_config("127.0.0.1", 8000)
    assert config.proxy_headers is False
    assert config.forwarded_allow_ips == ""
    assert config.access_log is False  # the request log names the counted address


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[int]:
    if connection.vendor != "sqlite":
        pytest.skip("the server is pointed at the SQLite test database")
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{connection.settings_dict['NAME']}",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "LIAISON_ENV": "development",
        "DEBUG": "false",
        "LIAISON_PROXY_COUNT": "0",
    }
    env.pop("LIAISON_CLOCK", None)
    log_path = tmp_path / "server.log"
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "liaison.cli", "serve", f"--port={port}"],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start: {log_path.read_text()[-2000:]}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/login/")
                conn.getresponse().read()
                conn.close()
                break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def _sign_in(port: int, username: str, forged: str) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/login/")
    page = conn.getresponse()
    cookie = SimpleCookie(page.headers["Set-Cookie"])
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.read().decode())
    assert token is not None
    body = urlencode(
        {"username": username, "password": "wrong", "csrfmiddlewaretoken": token.group(1)}
    )
    conn.request(
        "POST",
        "/login/",
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookie['csrftoken'].value}",
            "X-Forwarded-For": forged,
        },
    )
    answer = conn.getresponse()
    text = answer.read().decode()
    conn.close()
    assert answer.status == 200, text[-500:]
    return text


@pytest.mark.django_db(transaction=True)
def test_forged_forwarded_addresses_do_not_dodge_the_lockout_of_a_real_server(world, server):
    username = world.south_head.username
    answers = [_sign_in(server, username, f"198.51.100.{i}") for i in range(5)]
    assert all("Too many failed sign-ins" not in a for a in answers[:4])
    assert "Too many failed sign-ins for this account from your address" in answers[4]
