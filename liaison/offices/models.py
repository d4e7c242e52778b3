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


class OperatorActQuerySet(ProjectionQuerySet):
    def newest_first(self) -> OperatorActQuerySet:
        return self.order_by("-at", "-seq")


class OperatorAct(Projection):
    """One act of the operator on an office's membership or on a member's account, as the
    office's charter log states it (``kind`` is the event's type; ``seq`` its place in the
    charter log). The member and their side's heads and deputies see these on their
    dashboards: on one server the operator could otherwise reset a password and act as
    the member unseen."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="operator_acts")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="operator_acts")
    seq = models.PositiveBigIntegerField()
    at = models.DateTimeField()
    actor = models.CharField(max_length=150)
    kind = models.CharField(max_length=64)
    # The role after a membership was added or changed; empty for other acts.
    role = models.CharField(max_length=16, blank=True)
    # What else the act names: the fields a change touched ("role, title"), a token's
    # prefix; empty when there is nothing more to say.
    detail = models.CharField(max_length=200, blank=True)

    objects = OperatorActQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        ordering = ["office", "seq"]
        indexes = [models.Index(fields=["office", "at"])]

    def __str__(self) -> str:
        return f"{self.office_id} charter #{self.seq} {self.kind} {self.member_id}"

    @staticmethod
    def make_id(office: str, seq: int) -> str:
        return f"{office}:charter:{seq}"


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    KOREAN = "ko", "한국어"


class AccountSettings(models.Model):
    """A person's own choices, and what the operator did to their password.

    Not a projection: like the account itself it is not part of any office's record.
    ``operator_password_since`` is set when the operator sets the password and cleared
    when the person sets one of their own; until then their sign-ins are marked (and
    recorded in each of their offices' charter logs)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="liaison_settings",
    )
    language = models.CharField(max_length=8, choices=Language.choices, default=Language.ENGLISH)
    # An IANA name; empty: each office shows its times in the membership's zone.
    time_zone = models.CharField(max_length=64, blank=True)
    operator_password_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "account settings"

    def __str__(self) -> str:
        return f"settings of account {self.user_id}"


class ActNotice(models.Model):
    """An email owed to a head or deputy about an operator's act on their side: queued in
    the act's transaction, sent by ``liaison notify`` as message notifications are (the
    same preference, the same retries). Not a projection: the outbox is not the record."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        SKIPPED = "skipped", "Skipped"

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    username = models.CharField(max_length=150)
    act = models.ForeignKey(
        OperatorAct, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
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
        return f"{self.username} ← {self.act_id} ({self.status})"
