"""The office's chronology: one item per session outcome, record, readout, minutes
signature, commitment change, project status statement, replanning, blocker, third-party
position and event, message and acknowledgement, in date order.

Each source reads one kind of record in a fixed number of queries and returns items;
``timeline`` merges them. Only what both sides may see is read here (drafts never),
so every member of the office, the observer and the operator see the same timeline.
Items on one instant keep a stable order: by kind, then by key.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.urls import reverse

from liaison.channel.models import Message, Receipt
from liaison.lib.timezones import format_utc, localize
from liaison.meetings.attendance import Attendance
from liaison.meetings.models import Proposal, ProposalKind, ProposalState, Status
from liaison.meetings.standing import outcomes_between
from liaison.offices.models import Office, Side
from liaison.projects.models import Blocker, ExternalEvent, PlanChange, Position, StatusChange
from liaison.records.models import (
    CommitmentChange,
    MinutesSignature,
    Readout,
    RecordRevision,
)

# The order of kinds on one instant (a session's outcome before what was written of it).
KINDS = [
    "proposal",
    "proposal_accepted",
    "proposal_declined",
    "proposal_withdrawn",
    "proposal_lapsed",
    "session_held",
    "session_postponed",
    "session_cancelled",
    "no_show",
    "excused",
    "record",
    "readout",
    "minutes_signed",
    "minutes_agreed",
    "commitment_made",
    "commitment_status",
    "project_status",
    "project_replanned",
    "blocker_opened",
    "blocker_resolved",
    "third_party_position",
    "third_party_event",
    "message",
    "message_acknowledged",
]


@dataclass(frozen=True)
class Item:
    at: dt.datetime
    date: dt.date  # in the office's zone
    kind: str
    title: str
    side: str | None
    link: str
    key: str  # stable within its kind: breaks ties and anchors the permalink

    @property
    def anchor(self) -> str:
        return f"{self.kind}-{self.key}".replace(":", "-").replace("/", "-")

    def as_json(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "at": format_utc(self.at),
            "kind": self.kind,
            "title": self.title,
            "side": self.side,
            "link": self.link,
            "id": self.anchor,
        }


@dataclass(frozen=True)
class Window:
    office: Office
    start: dt.datetime
    end: dt.datetime  # never after now: what happened
    now: dt.datetime
    sides: list[Side]
    horizon: dt.datetime  # the end asked for: a third party's expected events may lie ahead

    def days(self, end: dt.datetime | None = None) -> tuple[dt.date, dt.date]:
        zone = self.office.zone
        return self.start.astimezone(zone).date(), (end or self.end).astimezone(zone).date()

    def day_item(
        self, day: dt.date, kind: str, title: str, side: str | None, link: str, key: str
    ) -> Item:
        """An item known by its day only: it sorts at the day's start, office time."""
        return self.item(
            localize(dt.datetime.combine(day, dt.time()), self.office.zone),
            kind,
            title,
            side,
            link,
            key,
        )

    def item(
        self, at: dt.datetime, kind: str, title: str, side: str | None, link: str, key: str
    ) -> Item:
        return Item(
            at=at,
            date=at.astimezone(self.office.zone).date(),
            kind=kind,
            title=title,
            side=side,
            link=link,
            key=key,
        )

    def session_link(self, key: str, part: str = "") -> str:
        return reverse("session-detail", args=[self.office.id, key]) + part

    def project_link(self, key: str) -> str:
        return reverse("office-dashboard", args=[self.office.id]) + f"projects/{key}/"

    def third_party_link(self, key: str) -> str:
        return reverse("office-dashboard", args=[self.office.id]) + f"third-parties/{key}/"


Source = Callable[[Window], Iterable[Item]]

_STAMP = re.compile(r"(\d{8}T\d{4})")


def meeting(key: str) -> str:
    """“the meeting of 2 Nov 2018” from a session key (its local start)."""
    found = _STAMP.search(key)
    if found is None:
        return f"session {key}"
    day = dt.date.fromisoformat(found.group(1)[:8])
    return f"the meeting of {day.day} {day:%b %Y}"


def _sessions(w: Window) -> Iterable[Item]:
    names = {s.key: s.name for s in w.sides}
    for outcome in outcomes_between(w.office, w.sides, w.start, w.end, w.now):
        session = outcome.session
        if session.start > w.now:
            continue
        link = w.session_link(session.key)
        # Calling a session off is one side's act: the item names it.
        by = f" by {names[session.changed_by]}" if session.changed_by in names else ""
        if session.status == Status.POSTPONED:
            yield w.item(
                session.start,
                "session_postponed",
                f"{session.title} postponed{by}",
                session.changed_by,
                link,
                session.key,
            )
            continue
        if session.status == Status.CANCELLED:
            yield w.item(
                session.start,
                "session_cancelled",
                f"{session.title} cancelled{by}",
                session.changed_by,
                link,
                session.key,
            )
            continue
        if not session.is_scheduled:
            continue  # proposed, never agreed: the proposals say what became of it
        if outcome.held:
            yield w.item(
                session.start, "session_held", f"{session.title} held", None, link, session.key
            )
            continue
        for side, value in outcome.by_side.items():
            if value == Attendance.NO_SHOW:
                yield w.item(
                    session.start,
                    "no_show",
                    f"{names[side]} did not attend {session.title}",
                    side,
                    link,
                    f"{session.key}:{side}",
                )
            elif value == Attendance.EXCUSED:
                yield w.item(
                    session.start,
                    "excused",
                    f"{names[side]} excused from {session.title}",
                    side,
                    link,
                    f"{session.key}:{side}",
                )


_PROPOSED = {
    ProposalKind.CADENCE: "the cadence",
    ProposalKind.CADENCE_END: "to end the cadence",
    ProposalKind.SESSION: "a session:",
    ProposalKind.MOVE: "a new time for",
}


def _proposals(w: Window) -> Iterable[Item]:
    """Each proposal when it was made, and its answer, or its lapse, when that came."""
    names = {s.key: s.name for s in w.sides}
    rows = Proposal.objects.for_office(w.office).filter(
        Q(proposed_at__range=(w.start, w.end))
        | Q(answered_at__range=(w.start, w.end))
        | Q(state=ProposalState.OPEN, answer_by__range=(w.start, w.end))
    )
    link = reverse("office-dashboard", args=[w.office.id]) + "proposals/"
    for p in rows.order_by("proposed_at", "pk"):
        here = f"{link}{p.key}/"
        proposer = names.get(p.side_key, p.side_key)
        answerer = next((name for key, name in names.items() if key != p.side_key), "")
        what = f"{_PROPOSED[ProposalKind(p.kind)]} {p.title}"
        if w.start <= p.proposed_at <= w.end:
            yield w.item(
                p.proposed_at, "proposal", f"{proposer} proposed {what}", p.side_key, here, p.key
            )
        if p.answered_at is not None and w.start <= p.answered_at <= w.end:
            if p.state == ProposalState.WITHDRAWN:
                yield w.item(
                    p.answered_at,
                    "proposal_withdrawn",
                    f"{proposer} withdrew its proposal of {what}",
                    p.side_key,
                    here,
                    p.key,
                )
            else:
                answering = next((k for k in names if k != p.side_key), None)
                yield w.item(
                    p.answered_at,
                    f"proposal_{p.state}",
                    f"{answerer} {p.state} {proposer}'s proposal of {what}",
                    answering,
                    here,
                    p.key,
                )
        if p.state_at(w.now) == "lapsed" and w.start <= p.answer_by <= w.end:
            yield w.item(
                p.answer_by,
                "proposal_lapsed",
                f"{proposer}'s proposal of {what} lapsed unanswered",
                None,
                here,
                p.key,
            )


def _records(w: Window) -> Iterable[Item]:
    # A record enters the chronology when it is first written; revisions are its history.
    rows = RecordRevision.objects.filter(
        office=w.office, revision=1, at__range=(w.start, w.end)
    ).select_related("side", "record")
    for r in rows:
        key = r.record.session_key
        yield w.item(
            r.at,
            "record",
            f"Record of {meeting(key)} written",
            r.side.key,
            w.session_link(key, "record/"),
            key,
        )


def _readouts(w: Window) -> Iterable[Item]:
    rows = Readout.objects.filter(
        office=w.office, published_at__range=(w.start, w.end)
    ).select_related("side")
    for r in rows:
        version = f" (version {r.version})" if r.version > 1 else ""
        yield w.item(
            r.published_at,
            "readout",
            f"{r.side.name} published its readout of {meeting(r.session_key)}{version}: {r.title}",
            r.side.key,
            w.session_link(r.session_key, "readouts/"),
            f"{r.session_key}:{r.side.key}:{r.version}",
        )


def _signatures(w: Window) -> Iterable[Item]:
    rows = MinutesSignature.objects.filter(
        office=w.office, signed_at__range=(w.start, w.end)
    ).select_related("side", "version__minutes")
    agreed: set[str] = set()  # both signatures may fall on one instant
    for s in rows:
        version = s.version
        session_key = version.minutes.session_key
        link = w.session_link(session_key, "minutes/")
        key = f"{session_key}:{version.version}"
        yield w.item(
            s.signed_at,
            "minutes_signed",
            f"{s.side.name}'s head signed version {version.version} of the minutes of "
            f"{meeting(session_key)}",
            s.side.key,
            link,
            f"{key}:{s.side.key}",
        )
        if version.agreed_at == s.signed_at and key not in agreed:
            agreed.add(key)
            yield w.item(
                s.signed_at,
                "minutes_agreed",
                f"Minutes of {meeting(session_key)} agreed: version {version.version}, "
                "signed by both heads",
                None,
                link,
                key,
            )


def _commitments(w: Window) -> Iterable[Item]:
    rows = CommitmentChange.objects.filter(
        office=w.office, at__range=(w.start, w.end)
    ).select_related("side", "commitment")
    link = reverse("office-dashboard", args=[w.office.id]) + "commitments/"
    for c in rows:
        key = c.commitment.key
        if c.number == 1:
            title = f"Commitment made: {c.commitment.text}"
            kind = "commitment_made"
        else:
            title = f"{c.side.name} marks “{c.commitment.text}” {c.get_status_display().lower()}"
            if c.reason:
                title += f": {c.reason}"
            kind = "commitment_status"
        yield w.item(c.at, kind, title, c.side.key, f"{link}#commitment-{key}", f"{key}:{c.number}")


def _project_statuses(w: Window) -> Iterable[Item]:
    rows = StatusChange.objects.filter(office=w.office, at__range=(w.start, w.end)).select_related(
        "side", "project"
    )
    for c in rows:
        project = c.project
        if c.number == 1:
            title = f"{c.side.name} proposed the project “{project.title}”"
        else:
            title = f"{c.side.name} states “{project.title}” {c.get_status_display().lower()}"
            if c.reason:
                title += f": {c.reason}"
            if c.blockers:
                title += f" (blocked by {', '.join(c.blockers)})"
        yield w.item(
            c.at,
            "project_status",
            title,
            c.side.key,
            w.project_link(project.key),
            f"{project.key}:{c.number}",
        )


def _plans(w: Window) -> Iterable[Item]:
    rows = PlanChange.objects.filter(
        office=w.office, number__gt=1, at__range=(w.start, w.end)
    ).select_related("side", "project")
    for p in rows:
        title = f"“{p.project.title}” replanned for {p.start:%d %b %Y} to {p.end:%d %b %Y}"
        if p.reason:
            title += f": {p.reason}"
        yield w.item(
            p.at,
            "project_replanned",
            title,
            p.side.key,
            w.project_link(p.project.key),
            f"{p.project.key}:{p.number}",
        )


def _blockers(w: Window) -> Iterable[Item]:
    first, last = w.days()
    rows = (
        Blocker.objects.filter(office=w.office)
        .filter(Q(opened_on__range=(first, last)) | Q(resolved_on__range=(first, last)))
        .select_related("side", "project")
    )
    for b in rows:
        link = w.project_link(b.project.key) + f"#blocker-{b.key}"
        key = f"{b.project.key}:{b.key}"
        if first <= b.opened_on <= last:
            yield w.day_item(
                b.opened_on,
                "blocker_opened",
                f"“{b.project.title}” blocked: {b.description}",
                b.side.key,
                link,
                key,
            )
        if b.resolved_on is not None and first <= b.resolved_on <= last:
            yield w.day_item(
                b.resolved_on,
                "blocker_resolved",
                f"“{b.project.title}” no longer blocked: {b.resolution or b.description}",
                b.side.key,
                link,
                key,
            )


def _third_parties(w: Window) -> Iterable[Item]:
    first, last = w.days()
    positions = Position.objects.filter(
        office=w.office, stated_on__range=(first, last)
    ).select_related("party", "actor")
    for p in positions:
        who = f"{p.actor.name} ({p.party.name})" if p.actor else p.party.name
        yield w.day_item(
            p.stated_on,
            "third_party_position",
            f"{who}: {p.summary}",
            None,
            w.third_party_link(p.party.key) + f"#position-{p.key}",
            f"{p.party.key}:{p.key}",
        )
    # Expected events may lie after today, up to the end asked for.
    first, horizon = w.days(w.horizon)
    events = ExternalEvent.objects.filter(
        office=w.office, on__range=(first, horizon)
    ).select_related("party", "actor")
    for e in events:
        state = {"expected": " (expected)", "called_off": " (called off)"}.get(e.status, "")
        who = f"{e.actor.name} ({e.party.name})" if e.actor else e.party.name
        yield w.day_item(
            e.on,
            "third_party_event",
            f"{who}: {e.title}{state}",
            None,
            w.third_party_link(e.party.key) + f"#event-{e.key}",
            f"{e.party.key}:{e.key}",
        )


def _messages(w: Window) -> Iterable[Item]:
    link = reverse("office-dashboard", args=[w.office.id]) + "messages/"
    for m in Message.objects.filter(
        office=w.office, sent_at__range=(w.start, w.end)
    ).select_related("side"):
        yield w.item(
            m.sent_at,
            "message",
            f"{m.side.name} sent a {m.get_kind_display().lower()}: {m.subject}",
            m.side.key,
            f"{link}{m.key}/",
            m.key,
        )
    acks = Receipt.objects.filter(
        office=w.office, kind="acknowledged", at__range=(w.start, w.end)
    ).select_related("side", "message")
    for r in acks:
        yield w.item(
            r.at,
            "message_acknowledged",
            f"{r.side.name} acknowledged “{r.message.subject}”",
            r.side.key,
            f"{link}{r.message.key}/",
            r.message.key,
        )


# Each source and the kinds it yields: a filtered timeline reads only what it shows.
SOURCES: list[tuple[frozenset[str], Source]] = [
    (
        frozenset({"session_held", "session_postponed", "session_cancelled", "no_show", "excused"}),
        _sessions,
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
        _proposals,
    ),
    (frozenset({"record"}), _records),
    (frozenset({"readout"}), _readouts),
    (frozenset({"minutes_signed", "minutes_agreed"}), _signatures),
    (frozenset({"commitment_made", "commitment_status"}), _commitments),
    (frozenset({"project_status"}), _project_statuses),
    (frozenset({"project_replanned"}), _plans),
    (frozenset({"blocker_opened", "blocker_resolved"}), _blockers),
    (frozenset({"third_party_position", "third_party_event"}), _third_parties),
    (frozenset({"message", "message_acknowledged"}), _messages),
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
