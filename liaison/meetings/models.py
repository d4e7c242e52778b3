from __future__ import annotations

import datetime as dt

from django.db import models

from liaison.ledger.projection import Projection, ProjectionQuerySet
from liaison.meetings.cadence import CadenceSpec
from liaison.offices.models import Member, Office, Side


class Level(models.TextChoices):
    """Who must attend for a side: its head; its head or deputy; or any of its members."""

    HEAD = "head", "Head"
    DEPUTY = "deputy", "Head or deputy"
    STAFF = "staff", "Any member of the side"


class CadenceQuerySet(ProjectionQuerySet):
    def running_after(self, instant: dt.datetime) -> CadenceQuerySet:
        """Versions still in force after ``instant``, or agreed to start later: those a
        change or an end taking effect at ``instant`` cuts short."""
        return self.filter(models.Q(valid_until__isnull=True) | models.Q(valid_until__gt=instant))


class Cadence(Projection):
    """One version of an agreed recurrence. A change ends the version in force and
    starts a new one; sessions before the change keep the version they had."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="cadences")
    key = models.SlugField(max_length=64)
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    rule = models.CharField(max_length=500)
    # The rule's DTSTART, a wall-clock time in the office's zone.
    starts_on = models.DateField()
    start_time = models.TimeField()
    duration_minutes = models.PositiveIntegerField()
    grace_minutes = models.PositiveIntegerField()
    required_level = models.CharField(max_length=16, choices=Level.choices)
    valid_from = models.DateTimeField()
    valid_until = models.DateTimeField(null=True, blank=True)
    # Who proposed this version, and who on the other side accepted it when: from
    # that acceptance on, its sessions bind both sides.
    set_by = models.CharField(max_length=150)
    proposed_by = models.ForeignKey(
        Side, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    accepted_by = models.CharField(max_length=150, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)
    # Set when the cadence was ended (not when a change replaced this version): who
    # proposed the end and who accepted it.
    ended_by = models.CharField(max_length=150, blank=True)
    end_accepted_by = models.CharField(max_length=150, blank=True)
    end_reason = models.TextField(blank=True)

    objects = CadenceQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        ordering = ["office", "key", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "key", "version"], name="cadence_unique_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    @staticmethod
    def make_id(office: str, key: str, version: int) -> str:
        return f"{office}:{key}:{version}"

    def spec(self) -> CadenceSpec:
        return CadenceSpec(
            key=self.key,
            version=self.version,
            title=self.title,
            rule=self.rule,
            dtstart=dt.datetime.combine(self.starts_on, self.start_time),
            duration=dt.timedelta(minutes=self.duration_minutes),
            grace=dt.timedelta(minutes=self.grace_minutes),
            required_level=self.required_level,
            valid_from=self.valid_from,
            valid_until=self.valid_until,
            proposed_by=self.proposed_by_id.partition(":")[2] if self.proposed_by_id else None,
            agreed_at=self.accepted_at,
        )


class Status(models.TextChoices):
    """A session's state. Only ``scheduled`` sessions are due; an ad hoc session is
    ``proposed`` until the other side accepts it (or declines it, or the proposer
    withdraws it)."""

    SCHEDULED = "scheduled", "Scheduled"
    POSTPONED = "postponed", "Postponed"
    CANCELLED = "cancelled", "Cancelled"
    PROPOSED = "proposed", "Proposed"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Session(Projection):
    """A session that was scheduled ad hoc or changed (moved, postponed, cancelled).

    Occurrences of a cadence that nobody changed have no row: they are computed from the
    cadence (``meetings.schedule``), and their key names the cadence and local start.
    """

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="sessions")
    key = models.SlugField(max_length=100)
    cadence = models.ForeignKey(Cadence, on_delete=models.PROTECT, null=True, blank=True)
    title = models.CharField(max_length=200)
    original_start = models.DateTimeField()
    start = models.DateTimeField()
    duration_minutes = models.PositiveIntegerField()
    grace_minutes = models.PositiveIntegerField()
    required_level = models.CharField(max_length=16, choices=Level.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SCHEDULED)
    status_reason = models.TextField(blank=True)
    changed_by = models.ForeignKey(
        Side, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The agreement that set the session's current time: which side proposed it and
    # when the other side accepted (null while it is only proposed).
    proposed_by = models.ForeignKey(
        Side, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    agreed_at = models.DateTimeField(null=True, blank=True)
    answer_by = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["start"]
        constraints = [
            models.UniqueConstraint(fields=["office", "key"], name="session_unique_key"),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.key}"

    @staticmethod
    def make_id(office: str, key: str) -> str:
        return f"{office}:{key}"


class CheckIn(Projection):
    """A side's statement that its required attendee is present at a session."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="check_ins")
    session_key = models.SlugField(max_length=100)
    side = models.ForeignKey(Side, on_delete=models.PROTECT, related_name="check_ins")
    attendee = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    checked_in_by = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    event = models.CharField(max_length=200, help_text="office/side/seq of the event")

    class Meta:
        ordering = ["at"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "session_key", "side"], name="checkin_once_per_side"
            ),
        ]

    @staticmethod
    def make_id(office: str, session_key: str, side: str) -> str:
        return f"{office}:{session_key}:{side}"


class AbsenceNotice(Projection):
    """Notice, given before the start, that a side will not attend: ``excused``."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="absence_notices")
    session_key = models.SlugField(max_length=100)
    side = models.ForeignKey(Side, on_delete=models.PROTECT, related_name="absence_notices")
    given_by = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    at = models.DateTimeField()
    event = models.CharField(max_length=200)

    class Meta:
        ordering = ["at"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "session_key", "side"], name="notice_once_per_side"
            ),
        ]

    @staticmethod
    def make_id(office: str, session_key: str, side: str) -> str:
        return f"{office}:{session_key}:{side}"


class ProposalKind(models.TextChoices):
    CADENCE = "cadence", "Cadence"
    CADENCE_END = "cadence_end", "End of a cadence"
    SESSION = "session", "Ad hoc session"
    MOVE = "move", "New time for a session"


class ProposalState(models.TextChoices):
    """Stored states; ``lapsed`` is derived (open when its deadline passed)."""

    OPEN = "open", "Awaiting an answer"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


PROPOSAL_TYPES = {
    "cadence.proposed": ProposalKind.CADENCE,
    "cadence.end_proposed": ProposalKind.CADENCE_END,
    "session.proposed": ProposalKind.SESSION,
    "session.move_proposed": ProposalKind.MOVE,
}


class ProposalQuerySet(ProjectionQuerySet):
    def open_at(self, now: dt.datetime) -> ProposalQuerySet:
        """Awaiting an answer and not lapsed at ``now``."""
        return self.filter(state=ProposalState.OPEN, answer_by__gt=now)

    def awaiting(self, side: Side, now: dt.datetime) -> ProposalQuerySet:
        """Open proposals that ``side`` is to answer (the other side's)."""
        return self.open_at(now).filter(office_id=side.office_id).exclude(side=side)


class Proposal(Projection):
    """One side's offer (a cadence, its end, an ad hoc session, a new time for a
    session) and, once given, the other side's answer. Nothing in it binds until the
    other side accepts it in its own log, referring to the offer by (side, seq, hash)."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="proposals")
    side = models.ForeignKey(Side, on_delete=models.PROTECT, related_name="proposals")
    seq = models.PositiveBigIntegerField()
    hash = models.CharField(max_length=64)
    kind = models.CharField(max_length=16, choices=ProposalKind.choices)
    # The cadence key (cadence, cadence_end) or the session key (session, move).
    subject = models.CharField(max_length=100)
    title = models.CharField(max_length=200)
    details = models.JSONField()
    proposed_by = models.CharField(max_length=150)
    proposed_at = models.DateTimeField()
    answer_by = models.DateTimeField()
    state = models.CharField(
        max_length=16, choices=ProposalState.choices, default=ProposalState.OPEN
    )
    answered_by = models.CharField(max_length=150, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answer_reason = models.TextField(blank=True)

    objects = ProposalQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        ordering = ["proposed_at", "side", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["office", "side", "seq"], name="proposal_once"),
        ]
        indexes = [models.Index(fields=["office", "state", "answer_by"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.subject} ({self.key})"

    @staticmethod
    def make_id(office: str, side: str, seq: int) -> str:
        return f"{office}:{side}:{seq}"

    @property
    def side_key(self) -> str:
        return self.side_id.partition(":")[2]

    @property
    def key(self) -> str:
        """How pages and the API name it: the proposing side and the event's seq."""
        return f"{self.side_key}-{self.seq}"

    def state_at(self, now: dt.datetime) -> str:
        if self.state == ProposalState.OPEN and now >= self.answer_by:
            return "lapsed"
        return self.state

    def is_open_at(self, now: dt.datetime) -> bool:
        return self.state_at(now) == ProposalState.OPEN


class ScheduleNotice(models.Model):
    """An email owed to a member about the schedule: a proposal, its answer, a session
    one side postponed or cancelled (``meetings.notices``). Written in the transaction
    that appends the event, worded then in the office's time and the member's own, so
    neither the event nor the email is lost without the other and a later change does not
    reword what was told; ``liaison notify`` sends it as it sends the notifications of
    messages (the same preference, digest and retries). Not a projection: the outbox is
    not the record."""

    class What(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"
        POSTPONED = "postponed", "Postponed"
        CANCELLED = "cancelled", "Cancelled"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        SKIPPED = "skipped", "Skipped"

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    username = models.CharField(max_length=150)
    what = models.CharField(max_length=16, choices=What.choices)
    # The event told of: its place in the acting side's log.
    event_side = models.SlugField(max_length=64)
    event_seq = models.PositiveBigIntegerField()
    subject = models.CharField(max_length=300)
    body = models.TextField()
    link = models.CharField(max_length=500)
    created_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.username} ← {self.event_side}-{self.event_seq} {self.what} ({self.status})"
