"""In a real browser: minutes drafted and proposed, then the heads of both sides sign
them, each from the page that shows what is signed, and the page shows them agreed.

Runs Debian's chromium through Playwright against pytest-django's live server, with the
server's clock frozen (ticking) two hours after the held session of 5 Jan 2024.
"""

from __future__ import annotations

import datetime as dt
import os

import pytest
import time_machine

from liaison.ledger.models import Event
from liaison.records import minutes
from liaison.records.commands import ProposeMinutes, SaveMinutes
from liaison.records.models import Minutes, MinutesStatus
from liaison.testing import FIRST_SESSION, FIRST_START, PASSWORD, hold, make_world, weekly
from tests.browser.conftest import CHROMIUM

if not CHROMIUM.exists():
    pytest.skip(
        "Debian's chromium is not installed at /usr/bin/chromium (make chromium installs it)",
        allow_module_level=True,
    )

from playwright.sync_api import Page, expect

# Playwright's sync API runs an event loop in this thread; let Django's ORM run in it.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

AFTER = FIRST_START + dt.timedelta(hours=2)
TEXT = "1. Both sides reaffirmed the declaration.\n2. The rail study starts in December."


@pytest.fixture
def frozen_server(live_server, settings):
    # The browser keeps real time: make cookies last for the browser session rather
    # than expire a year after the frozen instant.
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    settings.CSRF_COOKIE_AGE = None
    with time_machine.travel(AFTER, tick=True):
        yield live_server


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.browser
def test_both_heads_sign_the_minutes_and_the_page_shows_them_agreed(
    frozen_server, page: Page, transactional_db
):
    world = make_world()
    weekly(world)
    hold(world)
    minutes.save_minutes(
        member=world.south_staff,
        command=SaveMinutes(session=FIRST_SESSION, base_version=0, text=TEXT),
        now=AFTER,
    )
    minutes.propose_minutes(
        member=world.north_deputy,
        command=ProposeMinutes(session=FIRST_SESSION, version=1),
        now=AFTER,
    )
    base = frozen_server.url
    before = Event.objects.count()

    # The South's head goes from the session page to the minutes and signs.
    sign_in(page, base, world.south_head.username)
    page.goto(f"{base}/offices/{world.office.slug}/sessions/{FIRST_SESSION}/")
    page.get_by_role("navigation", name="This session").get_by_role("link", name="Minutes").click()
    expect(page.get_by_role("heading", name="Minutes", exact=True)).to_be_visible()
    expect(page.get_by_text("Proposed for signature")).to_be_visible()
    page.get_by_role("link", name="Sign version 1 for The South…").click()
    # The confirmation page shows what is signed; nothing is signed without the tick.
    expect(page.get_by_role("heading", name="Sign the minutes for The South")).to_be_visible()
    expect(page.locator("#sign-hash")).to_have_text(minutes.content_hash(TEXT))
    expect(page.get_by_text("First version: nothing agreed yet.")).to_be_visible()
    page.get_by_label("I have read version 1").check()
    page.get_by_role("button", name="Sign version 1 for The South").click()
    expect(page.get_by_role("status")).to_contain_text("The South signed version 1")
    expect(page.get_by_text("Signed for The South by South Head")).to_be_visible()
    expect(page.get_by_role("link", name="Sign version 1 for The South…")).to_have_count(0)
    page.get_by_role("button", name="Sign out").click()

    # The North's head signs: both have signed the same version.
    sign_in(page, base, world.north_head.username)
    page.goto(f"{base}/offices/{world.office.slug}/sessions/{FIRST_SESSION}/minutes/")
    page.get_by_role("link", name="Sign version 1 for The North…").click()
    page.get_by_label("I have read version 1").check()
    page.get_by_role("button", name="Sign version 1 for The North").click()
    expect(page.get_by_role("status")).to_contain_text("the minutes are agreed")
    expect(page.get_by_text("Agreed — binding")).to_be_visible()
    expect(page.get_by_text("Signed for The North by North Head")).to_be_visible()
    expect(page.get_by_role("heading", name="Save a correction")).to_be_visible()

    # Two signatures; each side's first key named in the charter, and each signature's
    # checkpoint cosigned by the other side.
    assert Event.objects.count() == before + 2 + 2 + 2
    assert Minutes.objects.get().status == MinutesStatus.AGREED
    signers = list(
        Event.objects.filter(type="minutes.signed").order_by("pk").values_list("log__side", "actor")
    )
    assert signers == [
        ("south", world.south_head.username),
        ("north", world.north_head.username),
    ]
