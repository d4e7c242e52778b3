"""The logs themselves. Everything else in the database is a projection of these rows."""

from __future__ import annotations

from django.db import models

from liaison.ledger.canonical import GENESIS


class Log(models.Model):
    """One single-writer log of an office.

    ``side`` is a side's key for the two sides' logs and ``""`` for the office's charter
    log, written by the operator (the office itself, its sides and members). ``size`` and
    ``head`` cache the last appended event; ``verify`` checks them against the events.
    """

    office = models.SlugField(max_length=64)
    side = models.SlugField(max_length=64, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    head = models.CharField(max_length=64, default=GENESIS)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["office", "side"], name="log_unique")]

    def __str__(self) -> str:
        return f"{self.office}/{self.side or 'charter'}"

    @property
    def label(self) -> str:
        return f"{self.office}/{self.side or 'charter'}"


class Event(models.Model):
    """One recorded change. ``data`` holds its canonical bytes; the other columns are
    copies of fields inside them, kept for querying and checked by ``verify``.

    The primary key is the server's commit order across all logs of an office; the
    projections are rebuilt by applying events in that order.
    """

    log = models.ForeignKey(Log, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveBigIntegerField()
    hash = models.CharField(max_length=64, unique=True)
    prev = models.CharField(max_length=64)
    at = models.DateTimeField()
    actor = models.CharField(max_length=150)
    type = models.CharField(max_length=64)
    data = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["log", "seq"], name="event_unique_seq"),
        ]
        indexes = [models.Index(fields=["log", "type"])]

    def __str__(self) -> str:
        return f"{self.log_id}#{self.seq} {self.type}"
