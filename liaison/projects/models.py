"""Joint projects with their plans, status statements, blockers and dependencies; third
parties with their actors, positions and events.

All projections of the sides' logs except ``ProjectDraft``, a side's private draft of a
project it has not yet proposed: it never enters a shared log.
"""

from __future__ import annotations

import datetime as dt

from django.db import models

from liaison.ledger.projection import Projection
from liaison.offices.models import Office, Side


class Kind(models.TextChoices):
    EVENT = "event", "Event"
    VISIT = "visit", "Visit"
    STUDY = "study", "Study"
    CEREMONY = "ceremony", "Ceremony"
    WORKS = "works", "Works"
    OTHER = "other", "Other"


class Status(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    AGREED = "agreed", "Agreed"
    SCHEDULED = "scheduled", "Scheduled"
    IN_PROGRESS = "in_progress", "In progress"
    POSTPONED = "postponed", "Postponed"
    PENDING = "pending", "Pending"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class ThirdParty(Projection):
    """An outside actor whose positions and events bear on the office (a state, a body)."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="third_parties")
    key = models.SlugField(max_length=64)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    recorded_by = models.CharField(max_length=150)

    class Meta:
        ordering = ["office", "name"]
        constraints = [
            models.UniqueConstraint(fields=["office", "key"], name="third_party_unique_key"),
        ]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def make_id(office: str, key: str) -> str:
        return f"{office}:{key}"


class Actor(Projection):
    """A person acting for a third party (an envoy, a minister)."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    party = models.ForeignKey(ThirdParty, on_delete=models.PROTECT, related_name="actors")
    key = models.SlugField(max_length=64)
    name = models.CharField(max_length=200)
    title = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["party", "name"]
        constraints = [
            models.UniqueConstraint(fields=["party", "key"], name="actor_unique_key"),
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.title}" if self.title else self.name

    @staticmethod
    def make_id(office: str, party: str, key: str) -> str:
        return f"{office}:{party}:{key}"


class Position(Projection):
    """What a third party (or one of its actors) said it wants, on a day, per a source."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    party = models.ForeignKey(ThirdParty, on_delete=models.PROTECT, related_name="positions")
    key = models.SlugField(max_length=64)
    actor = models.ForeignKey(
        Actor, on_delete=models.PROTECT, null=True, blank=True, related_name="positions"
    )
    stated_on = models.DateField()
    summary = models.TextField()
    source = models.CharField(max_length=300)
    recorded_by = models.CharField(max_length=150)
    side = models.ForeignKey(Side, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["party", "stated_on", "key"]
        constraints = [
            models.UniqueConstraint(fields=["party", "key"], name="position_unique_key"),
        ]

    @staticmethod
    def make_id(office: str, party: str, key: str) -> str:
        return f"{office}:{party}:position:{key}"


class EventStatus(models.TextChoices):
    EXPECTED = "expected", "Expected"
    HAPPENED = "happened", "Happened"
    CALLED_OFF = "called_off", "Called off"


class ExternalEvent(Projection):
    """Something a third party does or is expected to do (a summit, a visit)."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    party = models.ForeignKey(ThirdParty, on_delete=models.PROTECT, related_name="events")
    key = models.SlugField(max_length=64)
    actor = models.ForeignKey(
        Actor, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    title = models.CharField(max_length=300)
    on = models.DateField()
    status = models.CharField(max_length=16, choices=EventStatus.choices)
    source = models.CharField(max_length=300)
    recorded_by = models.CharField(max_length=150)
    side = models.ForeignKey(Side, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["party", "on", "key"]
        constraints = [
            models.UniqueConstraint(fields=["party", "key"], name="external_event_unique_key"),
        ]

    @staticmethod
    def make_id(office: str, party: str, key: str) -> str:
        return f"{office}:{party}:event:{key}"


class Project(Projection):
    """A joint project. The original plan is the first planned window and never changes;
    the current plan is the latest. ``status`` is the latest statement by either side;
    each side's own latest statement is in ``changes``."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="projects")
    key = models.SlugField(max_length=64)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    leads = models.JSONField(default=list, help_text="side keys")
    original_start = models.DateField(null=True, blank=True)
    original_end = models.DateField(null=True, blank=True)
    current_start = models.DateField(null=True, blank=True)
    current_end = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices)
    proposed_by = models.CharField(max_length=150)
    side = models.ForeignKey(Side, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField()

    class Meta:
        ordering = ["office", "key"]
        constraints = [
            models.UniqueConstraint(fields=["office", "key"], name="project_unique_key"),
        ]

    def __str__(self) -> str:
        return self.title

    @staticmethod
    def make_id(office: str, key: str) -> str:
        return f"{office}:{key}"

    @property
    def has_plan(self) -> bool:
        return self.current_start is not None

    @property
    def slip_days(self) -> int | None:
        """How many days the current plan's start lies after the original's."""
        if self.original_start is None or self.current_start is None:
            return None
        return (self.current_start - self.original_start).days

    @property
    def end_slip_days(self) -> int | None:
        if self.original_end is None or self.current_end is None:
            return None
        return (self.current_end - self.original_end).days


class StatusChange(Projection):
    """One side's statement of a project's status: who, when, why, which blockers."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="changes")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices)
    reason = models.TextField(blank=True)
    blockers = models.JSONField(default=list, help_text="blocker keys")
    side = models.ForeignKey(Side, on_delete=models.PROTECT, related_name="+")
    changed_by = models.CharField(max_length=150)
    at = models.DateTimeField()
    event = models.CharField(max_length=200)

    class Meta:
        ordering = ["project", "number"]

    @staticmethod
    def make_id(office: str, project: str, number: int) -> str:
        return f"{office}:{project}:status:{number}"


class PlanChange(Projection):
    """One planned window of a project, in order: the first is the original plan."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="plans")
    number = models.PositiveIntegerField()
    start = models.DateField()
    end = models.DateField()
    reason = models.TextField(blank=True)
    side = models.ForeignKey(Side, on_delete=models.PROTECT, related_name="+")
    changed_by = models.CharField(max_length=150)
    at = models.DateTimeField()

    class Meta:
        ordering = ["project", "number"]

    @staticmethod
    def make_id(office: str, project: str, number: int) -> str:
        return f"{office}:{project}:plan:{number}"


class BlockerKind(models.TextChoices):
    SANCTIONS = "sanctions", "Sanctions"
    THIRD_PARTY = "third_party", "A third party's position"
    COUNTERPART = "counterpart", "No answer from the counterpart"
    LOGISTICS = "logistics", "Logistics"
    FUNDING = "funding", "Funding"
    OTHER = "other", "Other"


class Blocker(Projection):
    """Why a project cannot move, from ``opened_on`` until ``resolved_on``."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="blockers")
    key = models.SlugField(max_length=64)
    kind = models.CharField(max_length=16, choices=BlockerKind.choices)
    description = models.TextField()
    opened_on = models.DateField()
    resolved_on = models.DateField(null=True, blank=True)
    resolution = models.TextField(blank=True)
    position = models.ForeignKey(
        Position, on_delete=models.PROTECT, null=True, blank=True, related_name="blockers"
    )
    side = models.ForeignKey(Side, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.CharField(max_length=150)

    class Meta:
        ordering = ["project", "opened_on", "key"]
        constraints = [
            models.UniqueConstraint(fields=["project", "key"], name="blocker_unique_key"),
        ]

    @staticmethod
    def make_id(office: str, project: str, key: str) -> str:
        return f"{office}:{project}:blocker:{key}"

    def is_open_on(self, day: dt.date) -> bool:
        return self.opened_on <= day and (self.resolved_on is None or day < self.resolved_on)


class Dependency(Projection):
    """``project`` cannot go ahead before ``depends_on`` is completed."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="dependencies")
    depends_on = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="dependents")

    class Meta:
        ordering = ["project", "depends_on"]
        constraints = [
            models.UniqueConstraint(fields=["project", "depends_on"], name="dependency_once"),
        ]

    @staticmethod
    def make_id(office: str, project: str, depends_on: str) -> str:
        return f"{office}:{project}:needs:{depends_on}"


class Condition(Projection):
    """A third party's position that a project is conditioned on (not a blocker: the
    position sets terms rather than stopping it)."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="conditions")
    position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="conditions")
    side = models.ForeignKey(Side, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["project", "position"]
        constraints = [
            models.UniqueConstraint(fields=["project", "position"], name="condition_once"),
        ]

    @staticmethod
    def make_id(office: str, project: str, position: str) -> str:
        return f"{office}:{project}:condition:{position}"


class ProjectDraft(models.Model):
    """A project one side is preparing and has not proposed: private to that side."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    side = models.ForeignKey(Side, on_delete=models.PROTECT, related_name="+")
    key = models.SlugField(max_length=64)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    leads = models.JSONField(default=list)
    start = models.DateField(null=True, blank=True)
    end = models.DateField(null=True, blank=True)
    revision = models.PositiveIntegerField()
    updated_by = models.CharField(max_length=150)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["office", "side", "key"], name="project_draft_key"),
        ]

    def __str__(self) -> str:
        return f"draft project {self.key} ({self.side_id})"
