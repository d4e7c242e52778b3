"""Read models for pages, the API and the timeline: each a fixed number of queries.

Private drafts are read only through ``draft_for``, which takes the reader's side: no
other function here returns them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch

from liaison.offices.models import Member, Office, Side
from liaison.records.compare import Row, compare
from liaison.records.models import (
    Commitment,
    CommitmentChange,
    CommitmentStatus,
    Framework,
    MeetingRecord,
    Minutes,
    MinutesSignature,
    MinutesVersion,
    Readout,
    ReadoutDraft,
)


def record_of(office: Office, session_key: str) -> MeetingRecord | None:
    return (
        MeetingRecord.objects.filter(office=office, session_key=session_key)
        .select_related("side")
        .prefetch_related(
            "participants__side", "participants__member", "outcomes", "revisions__side"
        )
        .first()
    )


def readouts_of(office: Office, session_key: str) -> list[Readout]:
    """Every published version of both sides' readouts, oldest first."""
    return list(
        Readout.objects.filter(office=office, session_key=session_key)
        .select_related("side")
        .order_by("side__position", "version")
    )


def latest_readouts(readouts: list[Readout]) -> dict[str, Readout]:
    """Each side's latest version, by side key."""
    latest: dict[str, Readout] = {}
    for readout in sorted(readouts, key=lambda r: r.version):
        latest[readout.side.key] = readout
    return latest


def draft_for(member: Member, session_key: str) -> ReadoutDraft | None:
    """The member's own side's draft readout; nobody else's."""
    if member.side_id is None:
        return None
    return ReadoutDraft.objects.filter(
        office_id=member.office_id, session_key=session_key, side_id=member.side_id
    ).first()


@dataclass(frozen=True)
class Comparison:
    left: Side
    right: Side
    readouts: dict[str, Readout]
    rows: list[Row]

    @property
    def only_left(self) -> int:
        return sum(1 for r in self.rows if r.only == "left")

    @property
    def only_right(self) -> int:
        return sum(1 for r in self.rows if r.only == "right")

    @property
    def shared(self) -> int:
        return sum(1 for r in self.rows if r.shared)


def comparison(sides: list[Side], readouts: list[Readout]) -> Comparison:
    """Both sides' latest published readouts, statement by statement."""
    latest = latest_readouts(readouts)
    left, right = sides[0], sides[1]
    rows = compare(
        latest[left.key].body if left.key in latest else None,
        latest[right.key].body if right.key in latest else None,
    )
    return Comparison(left=left, right=right, readouts=latest, rows=rows)


@dataclass(frozen=True)
class MinutesView:
    minutes: Minutes
    versions: list[MinutesVersion]  # newest first, each with its signatures prefetched

    @property
    def latest(self) -> MinutesVersion:
        return self.versions[0]

    @property
    def agreed(self) -> MinutesVersion | None:
        return next((v for v in self.versions if v.version == self.minutes.agreed_version), None)


def minutes_of(office: Office, session_key: str) -> MinutesView | None:
    minutes = Minutes.objects.filter(office=office, session_key=session_key).first()
    if minutes is None:
        return None
    versions = list(
        MinutesVersion.objects.filter(minutes=minutes)
        .select_related("side")
        .prefetch_related(
            Prefetch(
                "signatures",
                queryset=MinutesSignature.objects.select_related("side").order_by(
                    "signed_at", "side__position"
                ),
            )
        )
        .order_by("-version")
    )
    return MinutesView(minutes=minutes, versions=versions)


def frameworks_of(office: Office) -> list[Framework]:
    return list(
        Framework.objects.for_office(office)
        .prefetch_related("clauses")
        .order_by("adopted_on", "key")
    )


@dataclass(frozen=True)
class CommitmentView:
    commitment: Commitment
    changes: list[CommitmentChange]
    # Each side's latest statement of the status: both views stay visible in a dispute.
    views: dict[str, CommitmentChange]
    overdue: bool

    @property
    def disputed(self) -> bool:
        return self.commitment.status == CommitmentStatus.DISPUTED


def commitments_of(office: Office, today: dt.date, key: str | None = None) -> list[CommitmentView]:
    """The office's commitments (or the one keyed ``key``) with their histories."""
    rows = Commitment.objects.for_office(office)
    if key is not None:
        rows = rows.filter(key=key)
    rows = (
        rows.select_related("source_outcome__record", "source_clause__framework", "side")
        .prefetch_related(
            Prefetch("changes", queryset=CommitmentChange.objects.select_related("side"))
        )
        .order_by("made_at", "key")
    )
    result = []
    for commitment in rows:
        changes = list(commitment.changes.all())
        views: dict[str, CommitmentChange] = {}
        for change in changes:
            views[change.side.key] = change
        overdue = (
            commitment.due_on is not None
            and commitment.due_on < today
            and commitment.status in (CommitmentStatus.OPEN, CommitmentStatus.IN_PROGRESS)
        )
        result.append(
            CommitmentView(commitment=commitment, changes=changes, views=views, overdue=overdue)
        )
    return result
