"""The project and third-party pages read a fixed number of queries: the same bound with
one project and with thirty, each with blockers, plans, statements by both sides and a
dependency on the one before it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from liaison.projects import blockers, drafts, plans, third_parties
from liaison.projects.commands import AddCondition, RecordExternalEvent, Replan, SaveDraft
from liaison.testing import World

from .conftest import NEEDS_QUERIES
from .project_helpers import NOW, blocker, depend, get, propose, state, third_party

pytestmark = pytest.mark.django_db

# Each bound: session and user (2), office and membership (2), then the page's own reads,
# the same for one project and for thirty.
QUERIES = {
    # projects with their statements, plans, blockers, dependencies and conditions (6),
    # sides, members (2); for a side's member, its drafts (1)
    "office-projects": 13,
    # the same projects (6), sides, members (2)
    "office-project-chart": 12,
    # the project (6), its dependents, sides, members (3); for a head or deputy, the
    # positions and the projects the forms offer (2); for a side's member, its side's
    # private notes on the project (1)
    "office-project": 16,
    # parties with actors, positions (and their actors, blockers and those blockers'
    # projects) and events (and their actors) (8), members (1)
    "office-third-parties": 13,
    # the party, actors, positions, their blockers and conditions, events (6), members (1)
    "office-third-party": 11,
}


def _office(world: World, count: int) -> World:
    third_party(world)
    third_parties.record_external_event(
        member=world.south_head,
        command=RecordExternalEvent(
            party="us",
            key="summit",
            title="Summit",
            on=dt.date(2024, 2, 27),
            status="expected",
            source="White House",
            actor="envoy",
        ),
        now=NOW,
    )
    for n in range(count):
        key = f"p{n:02d}"
        propose(world, key, f"Project {n}", start=dt.date(2024, 3, 1) + dt.timedelta(days=n))
        plans.replan_project(
            member=world.north_head,
            command=Replan(
                key=key, start=dt.date(2024, 4, 1), end=dt.date(2024, 4, 30), reason="Later"
            ),
            now=NOW,
        )
        blocker(world, key)
        blocker(world, key, key="us", position="us/sanctions-first")
        blockers.add_condition(
            member=world.south_head,
            command=AddCondition(project=key, position="us/sanctions-first"),
            now=NOW,
        )
        state(world, key, "postponed", blockers=["sanctions"])
        state(world, key, "pending", member="north_head", reason="Waiting")
        if n:
            depend(world, key, f"p{n - 1:02d}")
    drafts.save_project_draft(
        member=world.south_staff,
        command=SaveDraft(
            key="draft", base_revision=0, kind="event", title="Draft", leads=["south"]
        ),
        now=NOW,
    )
    return world


@pytest.fixture(params=[1, 30], ids=["one", "thirty"])
def many(request, office: World) -> World:
    return _office(office, request.param)


def _url(world: World, name: str) -> str:
    args = {"office-project": ["p00"], "office-third-party": ["us"]}.get(name, [])
    return reverse(name, args=[world.office.slug, *args])


@pytest.mark.parametrize("name", sorted(QUERIES))
@pytest.mark.parametrize("reader", ["south_head", "observer"])
def test_each_project_page_reads_a_fixed_number_of_queries(
    many, as_user, django_assert_max_num_queries, name, reader
):
    client = as_user(getattr(many, reader))
    with django_assert_max_num_queries(QUERIES[name] + NEEDS_QUERIES[getattr(many, reader).role]):
        response = get(client, _url(many, name))
    assert response.status_code == 200
