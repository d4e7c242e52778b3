"""The project board, the plan chart and a project's page: columns in the machine's
order, slips, blockers, waiting and disagreement on the cards, the status form and its
refusals writing nothing, the cycle named, and a side's drafts seen by that side only."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from liaison.ledger.models import Event
from liaison.projects import blockers, drafts, plans
from liaison.projects.commands import Replan, ResolveBlocker, SaveDraft
from liaison.projects.models import Project, ProjectDraft, Status
from liaison.testing import World

from .project_helpers import (
    NOW,
    blocker,
    depend,
    get,
    post,
    propose,
    state,
    third_party,
    url,
)

pytestmark = pytest.mark.django_db

SECRET = "Secret reunion concert"


@pytest.fixture
def projects(office: World) -> World:
    """A rail study three weeks late and postponed over sanctions; a groundbreaking that
    waits on it; a concert the sides disagree on; and the South's private draft."""
    third_party(office)
    propose(office, "rail-study", "Joint rail study")
    plans.replan_project(
        member=office.north_head,
        command=Replan(
            key="rail-study",
            start=dt.date(2024, 3, 22),
            end=dt.date(2024, 4, 21),
            reason="Survey trains need clearance",
        ),
        now=NOW,
    )
    blocker(office, "rail-study")
    state(office, "rail-study", "postponed", reason="Sanctions", blockers=["sanctions"])
    propose(office, "groundbreaking", "Groundbreaking ceremony", kind="ceremony")
    depend(office, "groundbreaking", "rail-study")
    propose(office, "concert", "Art troupe performance", kind="event", start=None, end=None)
    state(office, "concert", "agreed", member="south_head")
    state(office, "concert", "pending", member="north_head", reason="Waiting for a venue")
    drafts.save_project_draft(
        member=office.south_staff,
        command=SaveDraft(
            key="secret", base_revision=0, kind="event", title=SECRET, leads=["south"]
        ),
        now=NOW,
    )
    return office


def _column(html: str, status: str) -> str:
    match = re.search(
        rf'<section class="board-column column-{status}".*?</section>', html, flags=re.S
    )
    assert match, status
    return match.group(0)


def test_the_board_has_a_column_per_status_in_the_machines_order(projects, as_user):
    html = get(as_user(projects.observer), url(projects, "office-projects")).text
    positions = [html.index(f'class="board-column column-{s}"') for s in Status.values]
    assert positions == sorted(positions)
    postponed = _column(html, "postponed")
    assert "Joint rail study" in postponed
    assert "3 weeks late" in postponed
    assert "1 open blocker" in postponed
    proposed = _column(html, "proposed")
    assert "Groundbreaking ceremony" in proposed and "on time" in proposed
    assert "Waiting on" in proposed and "Joint rail study" in proposed
    assert "None." in _column(html, "completed")


def test_a_card_shows_both_sides_statements_when_they_disagree(projects, as_user):
    html = get(as_user(projects.south_staff), url(projects, "office-projects")).text
    card = _column(html, "pending")
    assert "sides disagree" in card
    assert re.search(r"The South:.*?Agreed", card, flags=re.S)
    assert re.search(r"The North:.*?Pending", card, flags=re.S)
    page = get(as_user(projects.observer), url(projects, "office-project", "concert")).text
    assert "The sides disagree" in page and "Waiting for a venue" in page


def test_the_chart_draws_a_row_per_project_with_both_bars(projects, as_user):
    html = get(as_user(projects.observer), url(projects, "office-project-chart")).text
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert svg.count('class="chart-row') == Project.objects.count() == 3
    assert svg.count('class="bar-original"') == 2  # the concert has no plan
    assert svg.count('class="bar-current"') == 2
    assert "no plan yet" in svg
    assert "original plan 1 Mar \u2013 31 Mar 2024; current plan 22 Mar \u2013 21 Apr 2024" in svg
    assert "3 weeks late" in svg
    assert 'class="today"' in svg and "Jan 2024" in svg
    assert "original plan" in svg and "current plan" in svg  # the legend
    # The table says the same numbers.
    table = html[html.index("The plans in numbers") :]
    assert '<td class="num">21</td>' in table


def test_the_project_page_shows_history_plans_blockers_and_dependents(projects, as_user):
    html = get(as_user(projects.north_staff), url(projects, "office-project", "rail-study")).text
    assert "Survey trains need clearance" in html
    assert "Sanctions" in html and 'href="#blocker-sanctions"' in html
    assert "UN sanctions bar shipping" in html
    assert "Groundbreaking ceremony" in html  # waits for this one
    assert "State the status" not in html  # staff read


def test_a_head_states_postponed_with_a_blocker(office, as_user):
    propose(office, "visit", "Business visit", kind="visit")
    blocker(office, "visit", key="logistics")
    before = Event.objects.count()
    response = post(
        as_user(office.north_deputy),
        url(office, "office-project-status", "visit"),
        {"status": "postponed", "reason": "No transport", "blockers": ["logistics"]},
    )
    assert "The North states that Business visit is postponed." in response.text
    assert Event.objects.count() == before + 1
    assert Project.objects.get(key="visit").status == "postponed"
    board = get(as_user(office.south_head), url(office, "office-projects")).text
    assert "Business visit" in _column(board, "postponed")


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "office-project-status",
            {"status": "completed", "reason": ""},
            "proposed → completed is not the usual order; give the reason",
        ),
        (
            "office-project-plan",
            {"start": "2024-05-10", "end": "2024-05-01", "reason": "Moved"},
            "the plan ends (2024-05-01) before it starts (2024-05-10)",
        ),
        (
            "office-project-blocker-resolve",
            {"key": "sanctions", "resolved_on": "2024-01-20", "resolution": ""},
            "a blocker cannot be resolved (2024-01-20) before it opened (2024-01-25)",
        ),
        (
            "office-project-dependency-add",
            {"depends_on": "groundbreaking"},
            "that would make a cycle: rail-study → groundbreaking → rail-study",
        ),
    ],
)
def test_a_refusal_is_a_form_error_and_writes_nothing(projects, as_user, name, data, message):
    # The groundbreaking is still proposed; the rail study has the blocker and the plan.
    key = "groundbreaking" if name == "office-project-status" else "rail-study"
    before = Event.objects.count()
    response = post(as_user(projects.south_head), url(projects, name, key), data)
    assert response.status_code == 400
    assert message in response.text
    assert Event.objects.count() == before


def test_the_status_form_offers_only_open_blockers(projects, as_user):
    blockers.resolve_blocker(
        member=projects.south_head,
        command=ResolveBlocker(
            project="rail-study", key="sanctions", resolved_on=dt.date(2024, 1, 30)
        ),
        now=NOW,
    )
    html = get(as_user(projects.south_head), url(projects, "office-project", "rail-study")).text
    assert 'name="blockers"' not in html
    assert "resolved 30 Jan 2024" in html


def test_a_blocker_links_a_third_partys_position(projects, as_user):
    response = post(
        as_user(projects.north_head),
        url(projects, "office-project-blocker-open", "concert"),
        {
            "key": "us-concerns",
            "kind": "third_party",
            "description": "Washington asks to wait.",
            "opened_on": "2024-01-28",
            "position": "us/sanctions-first",
        },
    )
    assert "Blocker us-concerns opened." in response.text
    assert "The United States's position of 20 Jan 2024" in response.text
    party = get(as_user(projects.observer), url(projects, "office-third-party", "us")).text
    assert "Blocks" in party and "Art troupe performance" in party


# Drafts -------------------------------------------------------------------------------

PAGES = [
    ("office-projects",),
    ("office-project-chart",),
    ("office-project", "rail-study"),
    ("office-third-parties",),
    ("office-third-party", "us"),
]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p[0])
@pytest.mark.parametrize("reader", ["north_head", "north_staff", "observer"])
def test_no_page_shows_a_sides_draft_to_anyone_else(projects, as_user, page, reader):
    response = get(as_user(projects.members[reader]), url(projects, *page))
    assert response.status_code == 200
    assert SECRET not in response.text
    assert "secret" not in re.findall(r"draft-([a-z-]+)", response.text)


def test_the_side_sees_its_draft_marked_private(projects, as_user):
    html = get(as_user(projects.south_staff), url(projects, "office-projects")).text
    assert SECRET in html
    assert "Visible only to The South." in html
    assert "Propose Secret reunion concert" not in html  # staff draft; heads propose
    head = get(as_user(projects.south_deputy), url(projects, "office-projects")).text
    assert "Propose Secret reunion concert" in head


def test_a_draft_saved_from_an_old_revision_is_a_conflict(projects, as_user):
    data = {
        "base_revision": 1,
        "key": "secret",
        "kind": "event",
        "title": "Reunion concert in Seoul",
        "leads": ["south"],
    }
    first = post(as_user(projects.south_head), url(projects, "office-project-draft-save"), data)
    assert "Draft secret saved (revision 2)" in first.text
    second = post(
        as_user(projects.south_staff),
        url(projects, "office-project-draft-save"),
        {**data, "title": "Another title"},
    )
    assert second.status_code == 400
    assert "The draft changed while you were editing" in second.text
    assert 'value="2"' in second.text  # saving again replaces revision 2
    assert ProjectDraft.objects.get().title == "Reunion concert in Seoul"


def test_a_head_proposes_the_draft_and_both_sides_see_it(projects, as_user):
    response = post(
        as_user(projects.south_head),
        url(projects, "office-project-draft-propose", "secret"),
        {"draft_revision": 1},
    )
    assert "The South proposed Secret reunion concert" in response.text
    assert response.redirect_chain[-1][0] == url(projects, "office-project", "secret")
    board = get(as_user(projects.north_staff), url(projects, "office-projects")).text
    assert SECRET in _column(board, "proposed")


def test_the_other_side_cannot_reach_a_draft(projects, as_user):
    for name, who in [
        ("office-project-draft-propose", "north_head"),
        ("office-project-draft-discard", "north_staff"),
    ]:
        response = post(
            as_user(projects.members[who]),
            url(projects, name, "secret"),
            {"draft_revision": 1},
            follow=False,
        )
        assert response.status_code == 404
    assert ProjectDraft.objects.filter(key="secret").exists()
    assert (
        get(as_user(projects.south_head), url(projects, "office-project", "secret")).status_code
        == 404
    )


def test_discarding_a_draft_changed_since_keeps_it(projects, as_user):
    # The staff member read revision 1; the head saved revision 2 in the meantime.
    saved = post(
        as_user(projects.south_head),
        url(projects, "office-project-draft-save"),
        {
            "base_revision": 1,
            "key": "secret",
            "kind": "event",
            "title": "Reunion concert in Seoul",
            "leads": ["south"],
        },
    )
    assert "Draft secret saved (revision 2)" in saved.text
    response = post(
        as_user(projects.south_staff),
        url(projects, "office-project-draft-discard", "secret"),
        {"draft_revision": 1},
    )
    assert response.status_code == 400
    assert "Nothing was discarded" in response.text
    assert ProjectDraft.objects.get(key="secret").title == "Reunion concert in Seoul"
    post(
        as_user(projects.south_staff),
        url(projects, "office-project-draft-discard", "secret"),
        {"draft_revision": 2},
    )
    assert not ProjectDraft.objects.exists()


def test_discarding_with_a_revision_that_is_none_says_so(projects, as_user):
    response = post(
        as_user(projects.south_staff),
        url(projects, "office-project-draft-discard", "secret"),
        {"draft_revision": 0},
    )
    assert response.status_code == 400
    assert "at least 1" in response.text
    assert ProjectDraft.objects.filter(key="secret").exists()
