"""What was said and signed: meeting records, readouts, minutes, frameworks, commitments.

Everything here is a projection of the sides' logs except ``ReadoutDraft``: a side's
draft is private to it, so it never enters a shared log. Publishing is what puts a
readout's text in the side's log.
"""

from __future__ import annotations

from django.db import models

from liaison.ledger.projection import Projection
from liaison.offices.models import Member, Office, Side


class OutcomeKind(models.TextChoices):
    REAFFIRMATION = "reaffirmation", "Reaffirmation"
    AGREEMENT = "agreement", "Agreement"
    NEXT_STEP = "next_step", "Next step"
    DISAGREEMENT = "disagreement", "Disagreement"


class MeetingRecord(Projection):
    """What happened at a held session. Either side writes it; every revision is kept."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="records")
    session_key = models.SlugField(max_length=100)
    revision = models.PositiveIntegerField()
    place = models.CharField(max_length=200)
    started_at = models.DateTimeField()
    duration_minutes = models.PositiveIntegerField()
    topics = models.JSONField(default=list)
    written_by = models.CharField(max_length=150)
    side = models.ForeignKey(Side, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["office", "started_at"]
        constraints = [
            models.UniqueConstraint(fields=["office", "session_key"], name="record_per_session"),
        ]

    def __str__(self) -> str:
        return f"record of {self.session_key}"

    @staticmethod
    def make_id(office: str, session_key: str) -> str:
        return f"{office}:{session_key}"


class RecordRevision(Projection):
    """Who saved each revision of a record, when, and what it said then."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    record = models.ForeignKey(MeetingRecord, on_delete=models.PROTECT, related_name="revisions")
    revision = models.PositiveIntegerField()
    side = models.ForeignKey(Side, on_delete=models.PROTECT, related_name="+")
    written_by = models.CharField(max_length=150)
    at = models.DateTimeField()
    event = models.CharField(max_length=200)
    content = models.JSONField()

    class Meta:
        ordering = ["record", "revision"]


class Participant(Projection):
    """Someone at the meeting: a member of the office, or another person by name."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    record = models.ForeignKey(MeetingRecord, on_delete=models.PROTECT, related_name="participants")
    position = models.PositiveSmallIntegerField()
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(max_length=200)
    affiliation = models.CharField(max_length=200, blank=True)
    side = models.ForeignKey(
        Side, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["record", "position"]


class Outcome(Projection):
    """One outcome of a meeting. Its key stays the same across the record's revisions,
    so a commitment can cite it as ``<session>/<key>``."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    record = models.ForeignKey(MeetingRecord, on_delete=models.PROTECT, related_name="outcomes")
    key = models.SlugField(max_length=64)
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=16, choices=OutcomeKind.choices)
    text = models.TextField()

    class Meta:
        ordering = ["record", "position"]

    @staticmethod
    def make_id(office: str, session_key: str, key: str) -> str:
        return f"{office}:{session_key}:{key}"

    @property
    def reference(self) -> str:
        return f"{self.record.session_key}/{self.key}"


class ReadoutDraft(models.Model):
    """A side's unpublished readout: private to the side, outside the logs.

    ``revision`` counts saves, so two members editing at once cannot overwrite each
    other: a save names the revision it started from and is refused if another landed.
    """

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    session_key = models.SlugField(max_length=100)
    side = models.ForeignKey(Side, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    source = models.CharField(max_length=200)
    body = models.TextField()
    revision = models.PositiveIntegerField()
    updated_by = models.CharField(max_length=150)
    updated_at = models.DateTimeField()
    # The draft revision last published, so a page can say "changed since published".
    published_revision = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["office", "session_key", "side"], name="readout_draft_per_side"
            ),
        ]

    def __str__(self) -> str:
        return f"draft readout of {self.session_key} ({self.side_id})"


class Readout(Projection):
    """A published version of one side's readout. Published text never changes; a
    revision is published as the next version."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="readouts")
    session_key = models.SlugField(max_length=100)
    side = models.ForeignKey(Side, on_delete=models.PROTECT, related_name="readouts")
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    source = models.CharField(max_length=200)
    body = models.TextField()
    published_by = models.CharField(max_length=150)
    published_at = models.DateTimeField()
    event = models.CharField(max_length=200)

    class Meta:
        ordering = ["office", "session_key", "side__position", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "session_key", "side", "version"], name="readout_version"
            ),
        ]

    @staticmethod
    def make_id(office: str, session_key: str, side: str, version: int) -> str:
        return f"{office}:{session_key}:{side}:{version}"


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PROPOSED = "proposed", "Proposed for signature"
    AGREED = "agreed", "Agreed"


class Minutes(Projection):
    """The joint account of a session. Binding only in a version both heads signed."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="minutes")
    session_key = models.SlugField(max_length=100)
    latest_version = models.PositiveIntegerField()
    proposed_version = models.PositiveIntegerField(null=True, blank=True)
    # The latest version both heads signed; it stays binding while a correction is drafted.
    agreed_version = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["office", "session_key"]
        constraints = [
            models.UniqueConstraint(fields=["office", "session_key"], name="minutes_per_session"),
        ]

    @staticmethod
    def make_id(office: str, session_key: str) -> str:
        return f"{office}:{session_key}"

    @property
    def status(self) -> MinutesStatus:
        if self.agreed_version == self.latest_version:
            return MinutesStatus.AGREED
        if self.proposed_version == self.latest_version:
            return MinutesStatus.PROPOSED
        return MinutesStatus.DRAFT


class MinutesVersion(Projection):
    """One version of the minutes, as saved: never changed once saved.

    ``event_side``, ``event_seq`` and ``event_hash`` name the event that saved it; a
    signature refers to that event, across the two logs when the other side drafted it.
    """

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    minutes = models.ForeignKey(Minutes, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField()
    based_on = models.PositiveIntegerField(null=True, blank=True)
    correction_reason = models.TextField(blank=True)
    text = models.TextField()
    content_hash = models.CharField(max_length=64)
    side = models.ForeignKey(Side, on_delete=models.PROTECT, related_name="+")
    saved_by = models.CharField(max_length=150)
    saved_at = models.DateTimeField()
    event_side = models.CharField(max_length=64)
    event_seq = models.PositiveBigIntegerField()
    event_hash = models.CharField(max_length=64)
    proposed_by = models.CharField(max_length=150, blank=True)
    proposed_at = models.DateTimeField(null=True, blank=True)
    agreed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["minutes", "version"]
        constraints = [
            models.UniqueConstraint(fields=["minutes", "version"], name="minutes_version"),
        ]

    @staticmethod
    def make_id(office: str, session_key: str, version: int) -> str:
        return f"{office}:{session_key}:{version}"

    @property
    def agreed(self) -> bool:
        return self.agreed_at is not None


class MinutesSignature(Projection):
    """A head's signature on one version, naming the saving event's hash."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(MinutesVersion, on_delete=models.PROTECT, related_name="signatures")
    side = models.ForeignKey(Side, on_delete=models.PROTECT, related_name="+")
    signed_by = models.CharField(max_length=150)
    signed_at = models.DateTimeField()
    content_hash = models.CharField(max_length=64)
    event = models.CharField(max_length=200)

    class Meta:
        ordering = ["version", "signed_at"]
        constraints = [
            models.UniqueConstraint(fields=["version", "side"], name="signature_per_side"),
        ]

    @staticmethod
    def make_id(office: str, session_key: str, version: int, side: str) -> str:
        return f"{office}:{session_key}:{version}:{side}"


class Framework(Projection):
    """A document both sides committed to (a declaration), split into clauses."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="frameworks")
    key = models.SlugField(max_length=64)
    revision = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    adopted_on = models.DateField()
    summary = models.TextField(blank=True)
    recorded_by = models.CharField(max_length=150)
    side = models.ForeignKey(Side, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["office", "adopted_on", "key"]
        constraints = [
            models.UniqueConstraint(fields=["office", "key"], name="framework_unique_key"),
        ]

    @staticmethod
    def make_id(office: str, key: str) -> str:
        return f"{office}:{key}"


class Clause(Projection):
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="clauses")
    number = models.CharField(max_length=32)
    position = models.PositiveSmallIntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["framework", "position"]

    @staticmethod
    def make_id(office: str, framework: str, number: str) -> str:
        return f"{office}:{framework}:{number}"

    @property
    def reference(self) -> str:
        return f"{self.framework.key}/{self.number}"


class CommitmentStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    LAPSED = "lapsed", "Lapsed"
    DISPUTED = "disputed", "Disputed"


class Commitment(Projection):
    """Something promised: by which side(s), from which outcome or clause, by when."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="commitments")
    key = models.SlugField(max_length=64)
    text = models.TextField()
    owners = models.JSONField(default=list, help_text="side keys")
    source_outcome = models.ForeignKey(
        Outcome, on_delete=models.PROTECT, null=True, blank=True, related_name="commitments"
    )
    source_clause = models.ForeignKey(
        Clause, on_delete=models.PROTECT, null=True, blank=True, related_name="commitments"
    )
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=CommitmentStatus.choices)
    made_by = models.CharField(max_length=150)
    side = models.ForeignKey(Side, on_delete=models.PROTECT, related_name="+")
    made_at = models.DateTimeField()

    class Meta:
        ordering = ["office", "made_at", "key"]
        constraints = [
            models.UniqueConstraint(fields=["office", "key"], name="commitment_unique_key"),
        ]

    @staticmethod
    def make_id(office: str, key: str) -> str:
        return f"{office}:{key}"


class CommitmentChange(Projection):
    """One entry of a commitment's status history, with the side that stated it."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="changes")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=CommitmentStatus.choices)
    reason = models.TextField(blank=True)
    side = models.ForeignKey(Side, on_delete=models.PROTECT, related_name="+")
    changed_by = models.CharField(max_length=150)
    at = models.DateTimeField()
    event = models.CharField(max_length=200)

    class Meta:
        ordering = ["commitment", "number"]

    @staticmethod
    def make_id(office: str, key: str, number: int) -> str:
        return f"{office}:{key}:{number}"
