"""In a real browser: the South's head checks in to a session; the South proposes an ad
hoc session, the North's head accepts it from his dashboard, and both check in.

Runs Debian's chromium through Playwright against pytest-django's live server. The
server's clock is frozen (ticking) a few minutes before the session's start, so check-in
is open.
"""

from __future__ import annotations

import datetime as dt
import os

import pytest
import time_machine

from liaison.ledger.models import Event
from liaison.testing import PASSWORD, make_world, weekly
from tests.browser.conftest import CHROMIUM

if not CHROMIUM.exists():
    pytest.skip(
        "Debian's chromium is not installed at /usr/bin/chromium (make chromium installs it)",
        allow_module_level=True,
    )

from playwright.sync_api import Page, expect

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
# still synchronous, so let Django allow them.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

KEY = "weekly-20240105T1000"
OPEN = dt.datetime(2024, 1, 5, 0, 55, tzinfo=dt.UTC)  # 09:55 in Seoul, five minutes early


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


def signed_in(browser, base: str, username: str) -> Page:
    """A page of a browser context of its own (its own cookies), signed in."""
    page = browser.new_context().new_page()
    page.goto(f"{base}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    return page


@pytest.mark.browser
def test_the_south_proposes_a_session_the_north_accepts_and_both_check_in(
    frozen_server, browser, transactional_db
):
    world = make_world()
    weekly(world)
    base, office = frozen_server.url, world.office

    # The South's head proposes a consultation at 10:30 (Seoul), 35 minutes away.
    south = signed_in(browser, base, world.south_head.username)
    south.get_by_role("link", name=office.name).click()
    south.get_by_role("link", name="Schedule").click()
    form = south.locator("#adhoc-form")
    form.get_by_label("Title").fill("Urgent consultation")
    form.get_by_label("Date (Asia/Seoul)").fill("2024-01-05")
    form.get_by_label("Time (Asia/Seoul)").fill("10:30")
    form.get_by_label("Grace period in minutes").fill("10")
    form.get_by_role("button", name="Propose session").click()
    expect(south.get_by_role("status").first).to_contain_text("Session proposed")
    expect(south.get_by_role("heading", name="Urgent consultation")).to_be_visible()
    expect(south.get_by_text("It binds nobody until it is accepted.")).to_be_visible()
    expect(south.get_by_role("button", name="Check in")).to_have_count(0)
    proposed = Event.objects.select_related("log").latest("pk")
    assert (proposed.type, proposed.log.side) == ("session.proposed", "south")

    # The North's head finds it on his dashboard and accepts it.
    north = signed_in(browser, base, world.north_head.username)
    north.get_by_role("link", name=office.name).click()
    proposals = north.get_by_role("region", name="Proposals awaiting an answer")
    expect(proposals).to_contain_text("Urgent consultation")
    expect(proposals).to_contain_text("awaiting The North")
    proposals.get_by_role("link").filter(has_text="Urgent consultation").click()
    north.get_by_label("I accept this for my side").check()
    north.get_by_role("button", name="Accept for The North").click()
    expect(north.get_by_role("status").first).to_contain_text("it now binds both sides")
    accepted = Event.objects.select_related("log").latest("pk")
    assert (accepted.type, accepted.log.side) == ("proposal.accepted", "north")

    # Both check in: the session is held.
    north.get_by_role("link", name="The session").click()
    north.get_by_role("button", name="Check in").click()
    expect(north.get_by_role("status").first).to_contain_text("The North checked in")
    south.reload()
    south.get_by_role("button", name="Check in").click()
    expect(south.get_by_role("status").first).to_contain_text("The South checked in")
    expect(south.locator(".lede .status-held")).to_have_text("held")
