"""The demo's joint projects: the report's four, proposed at the launch, agreed on 28 Sep,
and held up by the sanctions and the United States' position."""

from __future__ import annotations

import datetime as dt

from liaison.demo.when import at
from liaison.offices.models import Member
from liaison.projects import blockers as blockers_actions
from liaison.projects import drafts, plans, third_parties
from liaison.projects.commands import (
    AddActor,
    AddDependency,
    OpenBlocker,
    ProposeDraft,
    RecordExternalEvent,
    RecordPosition,
    RecordThirdParty,
    Replan,
    SaveDraft,
    StateStatus,
)
from liaison.projects.events import KindName, StatusName

# Joint projects: the report's four, all originally expected in October 2018.
# ILLUSTRATIVE: the dates they were proposed (the launch) and agreed (28 Sep), and which
# side leads each.
PROJECTS: list[tuple[str, KindName, str, list[str]]] = [
    (
        "art-troupe-performance",
        "event",
        "Performance in Seoul by a North Korean art troupe",
        ["north"],
    ),
    (
        "kaesong-business-visit",
        "visit",
        "Visit to the shuttered Kaesong industrial park by the South Korean businesspeople "
        "who ran factories there",
        ["south"],
    ),
    (
        "rail-link-study",
        "study",
        "Joint study on reconnecting the cross-border rail links",
        ["south", "north"],
    ),
    (
        "rail-groundbreaking",
        "ceremony",
        "Groundbreaking ceremony for the rail project",
        ["south", "north"],
    ),
]
OCTOBER_2018 = (dt.date(2018, 10, 1), dt.date(2018, 10, 31))


def propose_projects(chun: Member, now: dt.datetime) -> None:
    for key, kind, title, leads in PROJECTS:
        drafts.save_project_draft(
            member=chun,
            command=SaveDraft(
                key=key,
                base_revision=0,
                kind=kind,
                title=title,
                leads=leads,
                start=OCTOBER_2018[0],
                end=OCTOBER_2018[1],
            ),
            now=now,
        )
        drafts.propose_project(member=chun, command=ProposeDraft(key=key), now=now)
    blockers_actions.add_dependency(
        member=chun,
        command=AddDependency(project="rail-groundbreaking", depends_on="rail-link-study"),
        now=now,
    )


def agree_projects(jon: Member, now: dt.datetime) -> None:
    for key, *_ in PROJECTS:
        plans.state_status(member=jon, command=StateStatus(key=key, status="agreed"), now=now)


def record_third_party(chun: Member) -> None:
    """The United States: its envoys, Washington's position, the talks ahead."""
    now = at("2018-11-02", "17:30")  # ILLUSTRATIVE: when the South recorded them
    third_parties.record_third_party(
        member=chun,
        command=RecordThirdParty(
            key="united-states",
            name="United States",
            description="Negotiating denuclearization with the North; allied with the South.",
        ),
        now=now,
    )
    third_parties.add_actor(
        member=chun,
        command=AddActor(
            party="united-states", key="pompeo", name="Mike Pompeo", title="Secretary of State"
        ),
        now=now,
    )
    third_parties.add_actor(
        member=chun,
        command=AddActor(
            party="united-states",
            key="biegun",
            name="Stephen Biegun",
            title="Special Representative for North Korea",
        ),
        now=now,
    )
    third_parties.record_position(
        member=chun,
        command=RecordPosition(
            party="united-states",
            key="hand-in-hand",
            stated_on=dt.date(2018, 11, 2),
            summary="Improving inter-Korean relations should go hand in hand with progress on "
            "the North's denuclearization; concern at the pace of inter-Korean steps without "
            "comparable progress.",
            source="News report of 2 Nov 2018",
        ),
        now=now,
    )
    third_parties.record_position(
        member=chun,
        command=RecordPosition(
            party="united-states",
            key="close-coordination",
            actor="biegun",
            stated_on=dt.date(2018, 10, 30),
            summary="Called for close coordination between the US and the South, and for the "
            "North's final, fully verified denuclearization.",
            source="News report of 2 Nov 2018",
        ),
        now=now,
    )
    third_parties.record_external_event(
        member=chun,
        command=RecordExternalEvent(
            party="united-states",
            key="biegun-in-seoul",
            actor="biegun",
            title="Meets officials of the presidential office and the foreign and unification "
            "ministries in Seoul",
            on=dt.date(2018, 10, 30),
            status="happened",
            source="News report of 2 Nov 2018",
        ),
        now=now,
    )
    third_parties.record_external_event(
        member=chun,
        command=RecordExternalEvent(
            party="united-states",
            key="high-level-meeting",
            actor="pompeo",
            title="High-level meeting with his North Korean counterpart on denuclearization and "
            "a second US-North Korea summit",
            on=dt.date(2018, 11, 8),
            status="expected",
            source="News report of 2 Nov 2018",
        ),
        now=now,
    )


def hold_up_projects(chun: Member) -> None:
    """Where the projects stood on 2 Nov: two postponed, the rail work pending."""
    now = at("2018-11-02", "18:00")  # ILLUSTRATIVE: when the South recorded it
    opened = dt.date(2018, 10, 1)  # ILLUSTRATIVE: from the month they were due
    for key in ("rail-link-study", "rail-groundbreaking"):
        blockers_actions.open_blocker(
            member=chun,
            command=OpenBlocker(
                project=key,
                key="sanctions",
                kind="sanctions",
                description="International sanctions against the North",
                opened_on=opened,
            ),
            now=now,
        )
    for key, *_ in PROJECTS:
        blockers_actions.open_blocker(
            member=chun,
            command=OpenBlocker(
                project=key,
                key="washington-pace",
                kind="third_party",
                description="Washington's concern at the pace of inter-Korean steps without "
                "comparable progress on denuclearization",
                opened_on=opened,
                position="united-states/hand-in-hand",
            ),
            now=now,
        )
    statuses: dict[str, tuple[StatusName, list[str]]] = {
        "art-troupe-performance": ("postponed", ["washington-pace"]),
        "kaesong-business-visit": ("postponed", ["washington-pace"]),
        "rail-link-study": ("pending", ["sanctions", "washington-pace"]),
        "rail-groundbreaking": ("pending", ["sanctions", "washington-pace"]),
    }
    for key, (status, blockers) in statuses.items():
        plans.state_status(
            member=chun,
            command=StateStatus(
                key=key, status=status, reason="Delayed from October", blockers=blockers
            ),
            now=now,
        )
    # ILLUSTRATIVE: a provisional new window for the performance, to show the slip.
    plans.replan_project(
        member=chun,
        command=Replan(
            key="art-troupe-performance",
            start=dt.date(2018, 12, 1),
            end=dt.date(2018, 12, 31),
            reason="Provisional window (illustrative)",
        ),
        now=now,
    )
