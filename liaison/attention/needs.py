"""What waits on a member of an office, oldest first: ``needs_for(member, now)``.

Each source is a function ``(member, now) -> items`` that reads one kind of thing in a
fixed number of queries, whatever the office's size, and returns nothing to a member who
cannot answer it (observers and staff answer none of these). Adding a source is one line
in ``SOURCES``. An item has the common shape ``Need``: its kind (a key of ``KINDS``), a
title saying what it is, since when it waits, the web page where it is answered, and a
due day (or instant) when it has one. Sources whose read model lives in a domain app
(the channel's messages awaiting an answer, the meetings app's proposals) adapt it here.

Only records the member's side may see are read: the shared logs' projections, never a
draft or a private note.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse

from liaison.channel import overview as channel_overview
from liaison.channel.models import Message
from liaison.meetings import proposals
from liaison.offices.models import Member, Role, Side
from liaison.records.models import Commitment, CommitmentStatus, MinutesSignature, MinutesVersion
from liaison.signing.models import Refusal
from liaison.timeline.items import meeting

# Every kind, in the order the panel lists them, with the panel's heading.
KINDS: dict[str, str] = {
    "proposal": "Proposals to accept or decline",
    "minutes": "Minutes to sign",
    "message": "Messages to acknowledge or answer",
    "commitment": "Commitments due",
    "checkpoint": "Refused checkpoints",
}

# A refusal is evidence to look into for a while, not forever: after this it is on the
# Checkpoints page only.
REFUSALS_SHOWN_DAYS = 30


class Need(Protocol):
    """The common shape of an item, whichever source gives it."""

    @property
    def kind(self) -> str: ...

    @property
    def title(self) -> str: ...

    @property
    def since(self) -> dt.datetime: ...

    @property
    def link(self) -> str: ...

    @property
    def due(self) -> dt.date | None: ...


@dataclass(frozen=True)
class Item:
    kind: str
    title: str
    since: dt.datetime
    link: str
    due: dt.date | None = None
    # The record shown, for a caller that must record the showing (a message shown to
    # the receiving side is delivered).
    about: object = field(default=None, compare=False, repr=False)


Source = Callable[[Member, dt.datetime], Sequence[Need]]


@dataclass(frozen=True)
class Row:
    """An item as shown: whether it is overdue, the days left to its due day (negative
    once past; None without a due), and whether the due is an instant rather than a day."""

    need: Need
    overdue: bool
    days_left: int | None
    timed: bool = False


@dataclass(frozen=True)
class Group:
    kind: str
    label: str
    rows: list[Row]


@dataclass(frozen=True)
class Needs:
    items: list[Need]  # oldest first
    now: dt.datetime
    zone: zoneinfo.ZoneInfo  # the office's: due days are office days

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def today(self) -> dt.date:
        return self.now.astimezone(self.zone).date()

    @cached_property
    def by_kind(self) -> dict[str, list[Need]]:
        """The kinds that have items, in ``KINDS`` order, each oldest first."""
        result: dict[str, list[Need]] = {}
        for item in sorted(self.items, key=lambda i: _kind_rank(i.kind)):
            result.setdefault(item.kind, []).append(item)
        return result

    def of_kind(self, kind: str) -> list[Need]:
        return self.by_kind.get(kind, [])

    @property
    def counts(self) -> dict[str, int]:
        """Every kind's count, none left out (a kind with nothing waiting counts 0)."""
        counts = dict.fromkeys(KINDS, 0)
        for kind, items in self.by_kind.items():
            counts[kind] = len(items)
        return counts

    def row(self, need: Need) -> Row:
        due = need.due
        if due is None:
            return Row(need=need, overdue=False, days_left=None)
        if isinstance(due, dt.datetime):
            return Row(
                need=need,
                overdue=due < self.now,
                days_left=(due.astimezone(self.zone).date() - self.today).days,
                timed=True,
            )
        return Row(need=need, overdue=due < self.today, days_left=(due - self.today).days)

    @cached_property
    def rows(self) -> list[Row]:
        return [self.row(item) for item in self.items]

    @cached_property
    def groups(self) -> list[Group]:
        return [
            Group(kind=kind, label=KINDS.get(kind, kind), rows=[self.row(i) for i in items])
            for kind, items in self.by_kind.items()
        ]

    @property
    def messages(self) -> list[Message]:
        """The messages among the items (shown to their receiving side, so delivered)."""
        return [
            item.about
            for item in self.items
            if isinstance(item, Item) and isinstance(item.about, Message)
        ]


def _kind_rank(kind: str) -> int:
    ranks = list(KINDS)
    return ranks.index(kind) if kind in ranks else len(ranks)


def _order(item: Need) -> tuple[dt.datetime, int, str, str]:
    return (item.since, _kind_rank(item.kind), item.title, item.link)


# The sources -------------------------------------------------------------------------


def proposals_to_answer(member: Member, now: dt.datetime) -> list[Item]:
    """For a head or deputy: the other side's open proposals (a cadence, its end, an ad
    hoc session, a new time), to accept or decline before they lapse; the meetings app's
    read model (one query, two when some are open)."""
    return [
        Item(
            kind="proposal",
            title=(
                f"{view.proposal.get_kind_display()} proposed by {view.proposer.name}: "
                f"{view.proposal.title}"
            ),
            since=view.proposal.proposed_at,
            link=reverse("proposal-detail", args=[member.office_id, view.key]),
            due=view.proposal.answer_by,
            about=view,
        )
        for view in proposals.awaiting(member, now)
    ]


def minutes_to_sign(member: Member, now: dt.datetime) -> list[Item]:
    """For a head: each session's latest version of the minutes, proposed for signature,
    that their side has not signed (one query)."""
    if member.side_id is None or member.role != Role.HEAD:
        return []
    signed = MinutesSignature.objects.filter(version=OuterRef("pk"), side_id=member.side_id)
    rows = (
        MinutesVersion.objects.filter(
            office_id=member.office_id,
            minutes__proposed_version=F("version"),
            minutes__latest_version=F("version"),
        )
        .annotate(signed=Exists(signed))
        .filter(signed=False)
        .select_related("minutes")
        .defer("text")
        .order_by("proposed_at", "pk")
    )
    return [
        Item(
            kind="minutes",
            title=f"Version {v.version} of the minutes of {meeting(v.minutes.session_key)}",
            since=v.proposed_at or v.saved_at,
            link=reverse("session-minutes", args=[member.office_id, v.minutes.session_key]),
            about=v,
        )
        for v in rows
    ]


def messages_to_answer(member: Member, now: dt.datetime) -> list[Item]:
    """For a head or deputy: the other side's notices, proposals and protests their side
    has neither acknowledged nor answered: the channel's "awaiting an answer" read model,
    seen from the receiving side (two queries)."""
    if not member.can_act_for_side:
        return []
    other = (
        Side.objects.filter(office_id=member.office_id)
        .exclude(pk=member.side_id)
        .values_list("pk", flat=True)
        .first()
    )
    if other is None:
        return []
    return [
        Item(
            kind="message",
            title=f"{w.message.get_kind_display()} from {w.message.side.name}: {w.message.subject}",
            since=w.message.sent_at,
            link=reverse("office-message", args=[member.office_id, w.message.key]),
            about=w.message,
        )
        for w in channel_overview.awaiting(member.office, other, now)
    ]


def commitments_due(member: Member, now: dt.datetime) -> list[Item]:
    """For a head or deputy: commitments their side owns, open or in progress, due
    within ``LIAISON_DUE_SOON_DAYS`` days (office time) or overdue (one query)."""
    side = member.side
    if side is None or not member.can_act_for_side:
        return []
    today = now.astimezone(member.office.zone).date()
    horizon = today + dt.timedelta(days=settings.LIAISON_DUE_SOON_DAYS)
    rows = Commitment.objects.filter(
        office_id=member.office_id,
        status__in=(CommitmentStatus.OPEN, CommitmentStatus.IN_PROGRESS),
        due_on__lte=horizon,
    ).order_by("due_on", "key")
    # ``owners`` is a JSON list, which SQLite cannot search: filtered here, on the few
    # commitments due.
    return [
        Item(
            kind="commitment",
            title=f"Commitment {c.key}: {c.text}",
            since=c.made_at,
            link=reverse("office-commitments", args=[member.office_id]) + f"#commitment-{c.key}",
            due=c.due_on,
            about=c,
        )
        for c in rows
        if side.key in c.owners
    ]


def refused_checkpoints(member: Member, now: dt.datetime) -> list[Item]:
    """For a head or deputy: in the last ``REFUSALS_SHOWN_DAYS`` days, the checkpoints of
    their side's log the other side refused, and those their side refused (one query)."""
    side = member.side
    if side is None or not member.can_act_for_side:
        return []
    rows = (
        Refusal.objects.filter(
            office_id=member.office_id, at__gte=now - dt.timedelta(days=REFUSALS_SHOWN_DAYS)
        )
        .filter(Q(witness_id=side.pk) | Q(side=side.key))
        .select_related("witness")
        .order_by("at", "pk")
    )
    link = reverse("office-checkpoints", args=[member.office_id]) + "#refusals-heading"
    items = []
    for r in rows:
        whose = "the other side's" if r.witness_id == side.pk else f"{side.name}'s"
        what = f"{whose} checkpoint (log size {r.size})"
        items.append(
            Item(
                kind="checkpoint",
                title=f"{r.witness.name} refused {what}: {r.reason}",
                since=r.at,
                link=link,
                about=r,
            )
        )
    return items


SOURCES: list[Source] = [
    proposals_to_answer,
    minutes_to_sign,
    messages_to_answer,
    commitments_due,
    refused_checkpoints,
]


def needs_for(member: Member, now: dt.datetime) -> Needs:
    """Everything that waits on ``member`` at ``now``, oldest first."""
    items = [item for source in SOURCES for item in source(member, now)]
    items.sort(key=_order)
    return Needs(items=items, now=now, zone=member.office.zone)
