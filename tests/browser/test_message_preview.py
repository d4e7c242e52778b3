"""In a real browser: the South's head writes a message with a file, sees it as it will be
sent, goes back to edit it (the file stays chosen), previews again and sends it; the
North then reads it with its file.

Runs Debian's chromium through Playwright against pytest-django's live server, with the
server's clock frozen (ticking) on 1 Feb 2024.
"""

from __future__ import annotations

import datetime as dt
import os

import pytest
import time_machine

from liaison.channel.models import Message
from liaison.ledger.models import Event
from liaison.testing import PASSWORD, make_world
from tests.browser.conftest import CHROMIUM

if not CHROMIUM.exists():
    pytest.skip(
        "Debian's chromium is not installed at /usr/bin/chromium (make chromium installs it)",
        allow_module_level=True,
    )

from playwright.sync_api import Page, expect

# Playwright's sync API runs an event loop in this thread; let Django's ORM run in it.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

AT = dt.datetime(2024, 2, 1, 1, 0, tzinfo=dt.UTC)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def frozen_server(live_server, settings):
    # The browser keeps real time: cookies last for the browser session rather than
    # expiring a year after the frozen instant.
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    settings.CSRF_COOKIE_AGE = None
    with time_machine.travel(AT, tick=True):
        yield live_server


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.browser
def test_a_message_is_previewed_edited_and_sent_with_its_file(
    frozen_server, page: Page, transactional_db, tmp_path
):
    world = make_world()
    base = frozen_server.url
    agenda = tmp_path / "agenda.pdf"
    agenda.write_bytes(PDF)
    before = Event.objects.count()

    sign_in(page, base, world.south_head.username)
    page.goto(f"{base}/offices/{world.office.slug}/messages/new/")
    page.get_by_label("Subject").fill("Weekly meetings")
    page.get_by_label("Text").fill("We propose to resume the weekly meetings on Fridays.")
    page.get_by_label("Attachments").set_input_files(str(agenda))
    page.get_by_role("button", name="Preview the message").click()

    # The preview: what goes, to whom, with which file; nothing is sent yet.
    expect(page.get_by_role("heading", name="Before you send")).to_be_visible()
    expect(page.locator("#preview-to")).to_contain_text("The North")
    expect(page.locator("#preview-files")).to_contain_text(
        f"agenda.pdf (application/pdf, {len(PDF)} bytes)"
    )
    assert Event.objects.count() == before

    # Edit: the text is there, the file is still chosen; change the subject.
    page.get_by_role("button", name="Edit").click()
    expect(page.get_by_label("Subject")).to_have_value("Weekly meetings")
    expect(page.get_by_label("agenda.pdf (application/pdf")).to_be_checked()
    page.get_by_label("Subject").fill("Weekly meetings from 9 February")
    page.get_by_role("button", name="Preview the message").click()
    expect(
        page.get_by_role("heading", name="Notice Weekly meetings from 9 February")
    ).to_be_visible()
    expect(page.locator("#preview-files")).to_contain_text("agenda.pdf")

    page.get_by_role("button", name="Send to The North").click()
    expect(page.get_by_role("status")).to_contain_text("sent to the other side")
    message = Message.objects.get()
    assert message.subject == "Weekly meetings from 9 February"
    assert [a.name for a in message.attachments.all()] == ["agenda.pdf"]
    page.get_by_role("button", name="Sign out").click()

    # The North reads it, with its file.
    sign_in(page, base, world.north_head.username)
    page.goto(f"{base}/offices/{world.office.slug}/messages/{message.key}/")
    expect(page.get_by_role("link", name="agenda.pdf")).to_be_visible()
