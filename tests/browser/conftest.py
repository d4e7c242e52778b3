"""Debian's chromium driven by Playwright, for the browser tests: the launch flags this
machine needs (no sandbox as root, no background networking on a closed network) and the
``browser`` and ``page`` fixtures, written once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connections

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield launched
        finally:
            launched.close()
            # The test's ORM calls under Playwright's loop get connections of their own;
            # close them, or they outlive the test and block dropping its database.
            connections.close_all()


@pytest.fixture
def page(browser: Any) -> Any:
    return browser.new_context().new_page()
