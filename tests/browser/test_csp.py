"""In a real browser: the main pages break no rule of the Content Security Policy (no
`securitypolicyviolation` event, no CSP message in the console), the second factor's
QR code included, and the live-updates script still runs under it."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
import time_machine
from django.db import connections

from liaison.testing import FIRST_SESSION, FIRST_START, PASSWORD, hold, make_world, weekly

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(
        "Debian's chromium is not installed at /usr/bin/chromium (make chromium installs it)",
        allow_module_level=True,
    )

from playwright.sync_api import Page, sync_playwright  # noqa: E402

# Playwright's sync API runs an event loop in this thread; let Django's ORM run in it.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
AFTER = FIRST_START + dt.timedelta(hours=2)
# Collects every violation the page reports, from the first script on.
LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI);
});
"""


@pytest.fixture
def page():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            context = browser.new_context()
            context.add_init_script(LISTEN)
            yield context.new_page()
        finally:
            browser.close()
            connections.close_all()


@pytest.fixture
def frozen_server(live_server, settings):
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    settings.CSRF_COOKIE_AGE = None
    with time_machine.travel(AFTER, tick=True):
        yield live_server


@pytest.mark.browser
def test_the_main_pages_report_no_csp_violation(frozen_server, page: Page, transactional_db):
    world = make_world()
    weekly(world)
    hold(world)
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    base = frozen_server.url
    office = f"{base}/offices/{world.office.slug}"

    page.goto(f"{base}/login/")
    page.get_by_label("Username").fill(world.south_head.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Your offices").wait_for()
    visited = [
        f"{office}/",
        f"{office}/sessions/{FIRST_SESSION}/",
        f"{office}/sessions/{FIRST_SESSION}/minutes/",
        f"{office}/projects/chart/",
        f"{office}/messages/",
        f"{base}/account/",
    ]
    for url in visited:
        page.goto(url)
        assert page.evaluate("window.__csp") == [], url
    # The live-updates script ran (it opens the stream): it is allowed by the policy.
    with page.expect_request(lambda request: "/live/" in request.url):
        page.goto(f"{office}/")
    # The second factor's set-up page with its inline SVG QR code.
    page.goto(f"{base}/account/2fa/")
    page.get_by_role("button", name="Set up a second factor").click()
    page.locator("svg.segno").wait_for()
    assert page.evaluate("window.__csp") == []
    assert not [text for text in console if "Content Security Policy" in text], console
