"""The office's chronology: one item per session outcome, record, readout, minutes
signature, commitment change, project status statement, replanning, blocker, third-party
position and event, message and acknowledgement, in date order.

Each source (in ``meeting_items``, ``record_items``, ``project_items`` and
``message_items``; what they make, in ``items``) reads one kind of record in a fixed
number of queries and returns items;
``timeline`` merges them. Only what both sides may see is read here (drafts never),
so every member of the office, the observer and the operator see the same timeline.
Items on one instant keep a stable order: by kind, then by key.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from liaison.offices.models import Office
from liaison.timeline import meeting_items, message_items, project_items, record_items
from liaison.timeline.items import KINDS, Item, Source, Window

# Each source and the kinds it yields: a filtered timeline reads only what it shows.
SOURCES: list[tuple[frozenset[str], Source]] = [
    (
        frozenset({"session_held", "session_postponed", "session_cancelled", "no_show", "excused"}),
        meeting_items.sessions,
    ),
    (
        frozenset(
            {
                "proposal",
                "proposal_accepted",
                "proposal_declined",
                "proposal_withdrawn",
                "proposal_lapsed",
            }
        ),
        meeting_items.proposals,
    ),
    (frozenset({"record"}), record_items.records),
    (frozenset({"readout"}), record_items.readouts),
    (frozenset({"minutes_signed", "minutes_agreed"}), record_items.signatures),
    (frozenset({"commitment_made", "commitment_status"}), record_items.commitments),
    (frozenset({"project_status"}), project_items.statuses),
    (frozenset({"project_replanned"}), project_items.plans),
    (frozenset({"blocker_opened", "blocker_resolved"}), project_items.blockers),
    (frozenset({"third_party_position", "third_party_event"}), project_items.third_parties),
    (frozenset({"message", "message_acknowledged"}), message_items.messages),
]


def timeline(
    office: Office,
    start: dt.datetime,
    end: dt.datetime,
    now: dt.datetime,
    kinds: Iterable[str] | None = None,
) -> list[Item]:
    """The items between ``start`` and ``end`` (instants), as known at ``now``."""
    window = Window(
        office=office,
        start=start,
        end=min(end, now),
        now=now,
        sides=list(office.sides.all()),
        horizon=end,
    )
    wanted = set(kinds) if kinds else set(KINDS)
    items = [
        item
        for yields, source in SOURCES
        if yields & wanted
        for item in source(window)
        if item.kind in wanted
    ]
    rank = {kind: n for n, kind in enumerate(KINDS)}
    return sorted(items, key=lambda i: (i.at, rank.get(i.kind, len(KINDS)), i.key))
