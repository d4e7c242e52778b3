"""In a real browser: the South's head checks in to a session; the North's deputy ends
the weekly cadence on the schedule page.

Runs Debian's chromium through Playwright against pytest-django's live server. The
server's clock is frozen (ticking) a few minutes before the session's start, so check-in
is open.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
import time_machine
from django.db import connections

from liaison.ledger.models import Event
from liaison.testing import PASSWORD, make_world, weekly

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(
        "Debian's chromium is not installed at /usr/bin/chromium (make chromium installs it)",
        allow_module_level=True,
    )

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
# still synchronous, so let Django allow them.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

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
KEY = "weekly-20240105T1000"
OPEN = dt.datetime(2024, 1, 5, 0, 55, tzinfo=dt.UTC)  # 09:55 in Seoul, five minutes early


@pytest.fixture
def page():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            context = browser.new_context()
            yield context.new_page()
        finally:
            browser.close()
            # Under Playwright's event loop the test's ORM calls get connections of their
            # own; close them here, or they outlive the test and block dropping its database.
            connections.close_all()


@pytest.fixture
def frozen_server(live_server, settings):
    # The browser keeps real time: cookies that would expire a year after the frozen
    # instant would already be stale for it, so make them last for the browser session.
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    settings.CSRF_COOKIE_AGE = None
    with time_machine.travel(OPEN, tick=True):
        yield live_server


@pytest.mark.browser
def test_the_south_head_checks_in_and_sees_present(frozen_server, page: Page, transactional_db):
    world = make_world()
    weekly(world)
    base = frozen_server.url

    page.goto(f"{base}/offices/{world.office.slug}/sessions/{KEY}/")
    expect(page).to_have_url(f"{base}/login/?next=/offices/{world.office.slug}/sessions/{KEY}/")
    page.get_by_label("Username").fill(world.south_head.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="Weekly meeting")).to_be_visible()
    expect(page.get_by_label("Attendee")).to_have_value(world.south_head.username)
    before = Event.objects.count()
    page.get_by_role("button", name="Check in").click()

    expect(page.get_by_role("status")).to_contain_text("The South checked in")
    south = page.get_by_role("row", name="The South (your side)")
    expect(south.get_by_text("present", exact=True)).to_be_visible()
    expect(south).to_contain_text("South Head attended; checked in by South Head")
    expect(page.get_by_role("button", name="Check in")).to_have_count(0)

    assert Event.objects.count() == before + 1
    event = Event.objects.select_related("log").latest("pk")
    assert (event.type, event.actor, event.log.side) == (
        "session.checked_in",
        world.south_head.username,
        "south",
    )


@pytest.mark.browser
def test_the_norths_deputy_ends_the_cadence_from_the_schedule(
    frozen_server, page: Page, transactional_db
):
    world = make_world()
    weekly(world)
    base = frozen_server.url

    page.goto(f"{base}/login/")
    page.get_by_label("Username").fill(world.north_deputy.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name=world.office.name).click()
    page.get_by_role("link", name="Schedule").click()
    expect(page.get_by_role("heading", name="Schedule", exact=True)).to_be_visible()

    form = page.locator("#end-cadence-form")
    form.get_by_label("Cadence").select_option("weekly")
    form.get_by_label("Ends from: date (Asia/Seoul)").fill("2024-01-20")
    form.get_by_label("Ends from: time (Asia/Seoul)").fill("09:00")
    form.get_by_label("Reason").fill("Talks suspended")
    form.get_by_role("button", name="End cadence").click()

    expect(page.get_by_role("status")).to_contain_text("Cadence weekly ends Sat 20 Jan 2024")
    card = page.get_by_role("article", name="Weekly meeting")
    expect(card).to_contain_text("Talks suspended")
    expect(page.locator("#end-cadence-form")).to_have_count(1)  # until it has ended
    sessions = page.get_by_role("table").filter(has_text="Starts")
    expect(sessions.get_by_role("row")).to_have_count(3 + 1)  # 5, 12, 19 Jan and the header
    event = Event.objects.select_related("log").latest("pk")
    assert (event.type, event.log.side) == ("cadence.ended", "north")
