"""Joint projects and third parties: every rule, refusal and the history users see."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator

import pytest

from liaison.ledger.models import Event
from liaison.lib.errors import Conflict, NotAllowed, NotFound, Refused
from liaison.projects import blockers, drafts, plans, third_parties
from liaison.projects.commands import (
    AddActor,
    AddCondition,
    AddDependency,
    OpenBlocker,
    ProposeDraft,
    RecordExternalEvent,
    RecordPosition,
    RecordThirdParty,
    Replan,
    ResolveBlocker,
    SaveDraft,
    StateStatus,
)
from liaison.projects.models import Project, ProjectDraft
from liaison.projects.overview import board, counts_by_status, projects_of
from liaison.testing import T0, World

NOW = T0 + dt.timedelta(days=30)  # 31 Jan 2024
TODAY = dt.date(2024, 1, 31)


@contextlib.contextmanager
def refused(match: str, kind: type[Exception] = Refused) -> Iterator[pytest.ExceptionInfo]:
    """Refused with ``match`` in the message; no event appended."""
    before = Event.objects.count()
    with pytest.raises(kind, match=match) as info:
        yield info
    assert Event.objects.count() == before


def propose(world: World, key: str = "rail-study", member: str = "south_head", **kw) -> Project:
    values = {
        "kind": "study",
        "title": "Joint rail study",
        "leads": ["south", "north"],
        "start": dt.date(2024, 3, 1),
        "end": dt.date(2024, 3, 31),
    }
    values.update(kw)
    drafts.save_project_draft(
        member=world.members[member], command=SaveDraft(key=key, base_revision=0, **values), now=NOW
    )
    return drafts.propose_project(
        member=world.members[member], command=ProposeDraft(key=key), now=NOW
    )


def state(
    world: World, status: str, member: str = "south_head", key: str = "rail-study", **kw
) -> Project:
    return plans.state_status(
        member=world.members[member], command=StateStatus(key=key, status=status, **kw), now=NOW
    )


def test_a_draft_is_private_until_proposed(world):
    before = Event.objects.count()
    drafts.save_project_draft(
        member=world.south_staff,
        command=SaveDraft(
            key="concert",
            base_revision=0,
            kind="event",
            title="Art troupe performance in Seoul",
            leads=["north"],
        ),
        now=NOW,
    )
    assert Event.objects.count() == before
    # The other side's draft reads as one that does not exist.
    with refused("Your side has no such draft project", NotFound):
        drafts.propose_project(
            member=world.north_head, command=ProposeDraft(key="concert"), now=NOW
        )
    project = drafts.propose_project(
        member=world.south_deputy, command=ProposeDraft(key="concert"), now=NOW
    )
    assert (project.status, project.original_start) == ("proposed", None)
    assert not ProjectDraft.objects.exists()


def test_two_saves_of_a_draft_from_one_revision_conflict(world):
    args = {"key": "visit", "kind": "visit", "title": "Visit", "leads": ["south"]}
    drafts.save_project_draft(
        member=world.south_staff, command=SaveDraft(base_revision=0, **args), now=NOW
    )
    drafts.save_project_draft(
        member=world.south_head, command=SaveDraft(base_revision=1, **args), now=NOW
    )
    with pytest.raises(Conflict, match="saved revision 2"):
        drafts.save_project_draft(
            member=world.south_deputy, command=SaveDraft(base_revision=1, **args), now=NOW
        )


def test_the_original_plan_is_kept_and_the_slip_is_shown(world):
    propose(world)
    moved = plans.replan_project(
        member=world.north_head,
        command=Replan(
            key="rail-study",
            start=dt.date(2024, 5, 1),
            end=dt.date(2024, 6, 30),
            reason="Sanctions review",
        ),
        now=NOW,
    )
    assert (moved.original_start, moved.original_end) == (dt.date(2024, 3, 1), dt.date(2024, 3, 31))
    assert (moved.current_start, moved.current_end) == (dt.date(2024, 5, 1), dt.date(2024, 6, 30))
    assert (moved.slip_days, moved.end_slip_days) == (61, 91)
    (view,) = projects_of(world.office, TODAY)
    assert [(p.number, p.reason) for p in view.plans] == [(1, ""), (2, "Sanctions review")]


def test_a_plan_that_ends_before_it_starts_is_refused(world):
    propose(world)
    with refused("the plan ends .2024-04-01. before it starts .2024-04-30."):
        plans.replan_project(
            member=world.north_head,
            command=Replan(
                key="rail-study", start=dt.date(2024, 4, 30), end=dt.date(2024, 4, 1), reason="x"
            ),
            now=NOW,
        )
    with refused("say why the plan changes"):
        plans.replan_project(
            member=world.north_head,
            command=Replan(key="rail-study", start=dt.date(2024, 4, 1), end=dt.date(2024, 4, 30)),
            now=NOW,
        )


def test_status_follows_the_machine_and_keeps_who_when_why_which_blockers(world):
    propose(world)
    blockers.open_blocker(
        member=world.south_head,
        command=OpenBlocker(
            project="rail-study",
            key="sanctions",
            kind="sanctions",
            description="UN sanctions on rail equipment",
            opened_on=TODAY,
        ),
        now=NOW,
    )
    state(world, "agreed")
    state(world, "pending", member="north_deputy", reason="Equipment", blockers=["sanctions"])
    (view,) = projects_of(world.office, TODAY)
    assert [(c.status, c.side.key, c.blockers) for c in view.changes] == [
        ("proposed", "south", []),
        ("agreed", "south", []),
        ("pending", "north", ["sanctions"]),
    ]
    assert [b.key for b in view.open_blockers] == ["sanctions"]


def test_skipping_the_machine_needs_a_reason(world):
    propose(world)
    state(world, "agreed")
    state(world, "scheduled")
    state(world, "completed")
    with refused("completed → proposed is not the usual order; give the reason"):
        state(world, "proposed")
    assert state(world, "proposed", reason="Reopened after the review").status == "proposed"


def test_the_sides_disagreeing_are_both_shown(world):
    propose(world)
    state(world, "agreed")
    state(world, "postponed", member="north_head", reason="Not ready")
    (view,) = projects_of(world.office, TODAY)
    assert view.disagreement
    assert {k: c.status for k, c in view.views.items()} == {"south": "agreed", "north": "postponed"}


def test_a_dependency_cycle_is_refused_naming_it(world):
    propose(world, "rail-study")
    propose(world, "groundbreaking", kind="ceremony", title="Groundbreaking")
    propose(world, "survey", title="Survey")
    blockers.add_dependency(
        member=world.south_head,
        command=AddDependency(project="groundbreaking", depends_on="rail-study"),
        now=NOW,
    )
    blockers.add_dependency(
        member=world.south_head,
        command=AddDependency(project="rail-study", depends_on="survey"),
        now=NOW,
    )
    with refused("that would make a cycle: survey → groundbreaking → rail-study → survey"):
        blockers.add_dependency(
            member=world.north_head,
            command=AddDependency(project="survey", depends_on="groundbreaking"),
            now=NOW,
        )
    with refused("that would make a cycle: survey → survey"):
        blockers.add_dependency(
            member=world.north_head,
            command=AddDependency(project="survey", depends_on="survey"),
            now=NOW,
        )
    views = {v.project.key: v for v in projects_of(world.office, TODAY)}
    assert [p.key for p in views["groundbreaking"].waiting_on] == ["rail-study"]


def test_a_blocker_resolved_before_it_opened_is_refused(world):
    propose(world)
    blockers.open_blocker(
        member=world.south_head,
        command=OpenBlocker(
            project="rail-study",
            key="funding",
            kind="funding",
            description="No budget",
            opened_on=dt.date(2024, 1, 20),
        ),
        now=NOW,
    )
    with refused("cannot be resolved .2024-01-10. before it opened .2024-01-20."):
        blockers.resolve_blocker(
            member=world.north_head,
            command=ResolveBlocker(
                project="rail-study", key="funding", resolved_on=dt.date(2024, 1, 10)
            ),
            now=NOW,
        )
    blockers.resolve_blocker(
        member=world.north_head,
        command=ResolveBlocker(
            project="rail-study",
            key="funding",
            resolved_on=dt.date(2024, 1, 25),
            resolution="Budget passed",
        ),
        now=NOW,
    )
    (view,) = projects_of(world.office, TODAY)
    assert view.open_blockers == []


def test_third_parties_with_actors_positions_and_events(world):
    third_parties.record_third_party(
        member=world.south_head, command=RecordThirdParty(key="us", name="United States"), now=NOW
    )
    third_parties.add_actor(
        member=world.south_head,
        command=AddActor(party="us", key="envoy", name="Envoy", title="Special Representative"),
        now=NOW,
    )
    position = third_parties.record_position(
        member=world.north_deputy,
        command=RecordPosition(
            party="us",
            key="pace",
            actor="envoy",
            stated_on=TODAY,
            summary="Inter-Korean steps should go with denuclearization",
            source="Press",
        ),
        now=NOW,
    )
    propose(world)
    blockers.open_blocker(
        member=world.south_head,
        command=OpenBlocker(
            project="rail-study",
            key="us-pace",
            kind="third_party",
            description="Washington's concern",
            opened_on=TODAY,
            position="us/pace",
        ),
        now=NOW,
    )
    assert position.blockers.get().project.key == "rail-study"
    event = third_parties.record_external_event(
        member=world.south_head,
        command=RecordExternalEvent(
            party="us",
            key="summit",
            title="Second summit",
            on=dt.date(2024, 3, 1),
            status="expected",
            source="Press",
        ),
        now=NOW,
    )
    assert event.status == "expected"
    with refused("cannot be dated after today"):
        third_parties.record_external_event(
            member=world.south_head,
            command=RecordExternalEvent(
                party="us",
                key="summit",
                title="Second summit",
                on=dt.date(2024, 3, 1),
                status="happened",
                source="Press",
            ),
            now=NOW,
        )
    with refused("there is no position 'us/nothing'"):
        blockers.add_condition(
            member=world.south_head,
            command=AddCondition(project="rail-study", position="us/nothing"),
            now=NOW,
        )


def test_staff_and_observers_do_not_change_projects(world):
    propose(world)
    with refused("only your side's head or deputy", NotAllowed):
        state(world, "agreed", member="south_staff")
    with refused("observers", NotAllowed):
        state(world, "agreed", member="observer")


def test_the_board_and_the_counts_by_status(world):
    propose(world, "rail-study")
    propose(world, "concert", kind="event", title="Concert")
    state(world, "agreed", key="concert")
    columns = {
        status: [v.project.key for v in views]
        for status, _, views in board(projects_of(world.office, TODAY))
    }
    assert columns["proposed"] == ["rail-study"]
    assert columns["agreed"] == ["concert"]
    assert counts_by_status(world.office)["agreed"] == 1
    assert counts_by_status(world.office)["cancelled"] == 0


def test_the_record_verifies_after_every_kind_of_change(world, scratch_allowed):
    from liaison.bundle.audit import verify

    test_third_parties_with_actors_positions_and_events(world)
    state(world, "pending", reason="Waiting", blockers=["us-pace"])
    blockers.add_condition(
        member=world.north_head,
        command=AddCondition(project="rail-study", position="us/pace"),
        now=NOW,
    )
    assert verify("testoffice") == []


def test_reserved_keys_and_long_texts_are_refused_before_anything_is_written(world):
    with refused("“drafts” names a page of its own"):
        drafts.save_project_draft(
            member=world.south_head,
            command=SaveDraft(
                key="drafts", base_revision=0, kind="study", title="T", leads=["south"]
            ),
            now=NOW,
        )
    with refused("the title is longer than 200 characters"):
        drafts.save_project_draft(
            member=world.south_head,
            command=SaveDraft(
                key="long", base_revision=0, kind="study", title="T" * 201, leads=["south"]
            ),
            now=NOW,
        )
    assert not ProjectDraft.objects.exists()
    propose(world)
    with refused("the reason is longer than 2,000 characters"):
        state(world, "agreed", reason="x" * 2001)


def test_a_status_cites_open_blockers_only(world):
    propose(world)
    blockers.open_blocker(
        member=world.south_head,
        command=OpenBlocker(
            project="rail-study",
            key="funding",
            kind="funding",
            description="No budget",
            opened_on=dt.date(2024, 1, 20),
        ),
        now=NOW,
    )
    blockers.resolve_blocker(
        member=world.north_head,
        command=ResolveBlocker(
            project="rail-study", key="funding", resolved_on=dt.date(2024, 1, 25)
        ),
        now=NOW,
    )
    with refused("blocker 'funding' was resolved on 2024-01-25; cite open ones"):
        state(world, "pending", blockers=["funding"])
