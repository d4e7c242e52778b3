from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings
from django.db import models

from liaison.ledger.projection import Projection, ProjectionQuerySet
from liaison.lib.timezones import get_zone


class Office(Projection):
    """One standing channel between exactly two sides. ``id`` is its slug."""

    name = models.CharField(max_length=200)
    place = models.CharField(max_length=200)
    time_zone = models.CharField(max_length=64)
    launched_on = models.DateField()
    chartered_at = models.DateTimeField()
    # From the charter: proposals of sessions and cadences are held to these.
    min_notice_minutes = models.PositiveIntegerField(default=24 * 60)
    min_grace_minutes = models.PositiveIntegerField(default=5)

    office_field = "id"

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def slug(self) -> str:
        return self.id

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return get_zone(self.time_zone)

    @property
    def min_notice(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.min_notice_minutes)


class Side(Projection):
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="sides")
    key = models.SlugField(max_length=64)
    name = models.CharField(max_length=200)
    language = models.CharField(max_length=35)
    time_zone = models.CharField(max_length=64)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["office", "position"]
        constraints = [
            models.UniqueConstraint(fields=["office", "key"], name="side_unique_key"),
        ]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def make_id(office: str, key: str) -> str:
        return f"{office}:{key}"


class Role(models.TextChoices):
    HEAD = "head", "Head"
    DEPUTY = "deputy", "Deputy"
    STAFF = "staff", "Staff"
    OBSERVER = "observer", "Observer"


class MemberQuerySet(ProjectionQuerySet):
    def active_on(self, day: dt.date) -> MemberQuerySet:
        return self.filter(active_from__lte=day).filter(
            models.Q(active_until__isnull=True) | models.Q(active_until__gte=day)
        )


class Member(Projection):
    """A person in an office. Observers may belong to no side (an oversight body)."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="members")
    side = models.ForeignKey(
        Side, on_delete=models.PROTECT, related_name="members", null=True, blank=True
    )
    # Accounts are not part of the record; the username is. No database constraint, so a
    # rebuild of the projections needs no copy of the accounts table.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="memberships",
    )
    username = models.CharField(max_length=150)
    full_name = models.CharField(max_length=200)
    title = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=16, choices=Role.choices)
    time_zone = models.CharField(max_length=64, blank=True)
    active_from = models.DateField()
    active_until = models.DateField(null=True, blank=True)

    objects = MemberQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        ordering = ["office", "side__position", "role", "full_name"]
        constraints = [
            models.UniqueConstraint(fields=["office", "username"], name="member_unique_username"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.get_role_display()})"

    @staticmethod
    def make_id(office: str, username: str) -> str:
        return f"{office}:{username}"

    @property
    def side_key(self) -> str | None:
        return self.side.key if self.side_id else None  # type: ignore[union-attr]

    @property
    def can_act_for_side(self) -> bool:
        """Heads and deputies speak for their side: check-ins, notices, schedule changes."""
        return self.side_id is not None and self.role in {Role.HEAD, Role.DEPUTY}

    def is_active_on(self, day: dt.date) -> bool:
        return self.active_from <= day and (self.active_until is None or day <= self.active_until)

    def zone_name(self) -> str:
        if self.time_zone:
            return self.time_zone
        if self.side_id:
            return self.side.time_zone  # type: ignore[union-attr]
        return self.office.time_zone
