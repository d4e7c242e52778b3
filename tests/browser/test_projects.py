"""In a real browser: the South's head states a project postponed because of an open
blocker on the project's page, and the board shows it under Postponed.

Runs Debian's chromium through Playwright against pytest-django's live server, with the
server's clock frozen (ticking) on 31 Jan 2024.
"""

from __future__ import annotations

import datetime as dt
import os

import pytest
import time_machine

from liaison.ledger.models import Event
from liaison.projects import blockers, drafts
from liaison.projects.commands import OpenBlocker, ProposeDraft, SaveDraft
from liaison.projects.models import Project, StatusChange
from liaison.testing import PASSWORD, T0, make_world
from tests.browser.conftest import CHROMIUM

if not CHROMIUM.exists():
    pytest.skip(
        "Debian's chromium is not installed at /usr/bin/chromium (make chromium installs it)",
        allow_module_level=True,
    )

from playwright.sync_api import Page, expect

# Playwright's sync API runs an event loop in this thread; let Django's ORM run in it.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

NOW = T0 + dt.timedelta(days=30)


@pytest.fixture
def frozen_server(live_server, settings):
    # The browser keeps real time: make cookies last for the browser session rather
    # than expire a year after the frozen instant.
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    settings.CSRF_COOKIE_AGE = None
    with time_machine.travel(NOW, tick=True):
        yield live_server


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.browser
def test_a_head_states_a_project_postponed_and_the_board_shows_it(
    frozen_server, page: Page, transactional_db
):
    world = make_world()
    head = world.south_head
    drafts.save_project_draft(
        member=head,
        command=SaveDraft(
            key="business-visit",
            base_revision=0,
            kind="visit",
            title="Business visit to Pyongyang",
            leads=["south", "north"],
            start=dt.date(2024, 3, 1),
            end=dt.date(2024, 3, 3),
        ),
        now=NOW,
    )
    drafts.propose_project(member=head, command=ProposeDraft(key="business-visit"), now=NOW)
    blockers.open_blocker(
        member=world.north_head,
        command=OpenBlocker(
            project="business-visit",
            key="sanctions",
            kind="sanctions",
            description="Sanctions bar the delegation's chartered flight.",
            opened_on=dt.date(2024, 1, 29),
        ),
        now=NOW,
    )
    base = frozen_server.url
    before = Event.objects.count()

    # From the board to the project's page, where the head states the status.
    sign_in(page, base, head.username)
    page.goto(f"{base}/offices/{world.office.slug}/")
    page.get_by_role("navigation", name="Office").get_by_role("link", name="Projects").click()
    expect(page.get_by_role("heading", name="Joint projects")).to_be_visible()
    page.get_by_role("link", name="Business visit to Pyongyang").click()
    form = page.locator("#status-form")
    form.get_by_label("Status", exact=True).select_option("postponed")
    form.get_by_label("Reason").fill("The flight is not cleared.")
    form.get_by_label("sanctions: Sanctions bar the delegation's chartered flight.").check()
    form.get_by_role("button", name="State status").click()
    expect(page.get_by_role("status")).to_contain_text(
        "The South states that Business visit to Pyongyang is postponed."
    )
    expect(page.get_by_role("cell", name="The flight is not cleared.")).to_be_visible()

    # The board shows it under Postponed, with its open blocker.
    page.get_by_role("link", name="← Projects").click()
    column = page.get_by_role("region", name="Postponed")
    expect(column.get_by_role("link", name="Business visit to Pyongyang")).to_be_visible()
    expect(column.get_by_text("1 open blocker")).to_be_visible()
    expect(
        page.get_by_role("region", name="Proposed").get_by_role(
            "link", name="Business visit to Pyongyang"
        )
    ).to_have_count(0)

    assert Event.objects.count() == before + 1
    assert Project.objects.get().status == "postponed"
    change = StatusChange.objects.get(status="postponed")
    assert (change.side_id, change.blockers) == (head.side_id, ["sanctions"])
