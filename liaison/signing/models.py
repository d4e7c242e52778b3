"""Each side's signing keys, the checkpoints it signs over its log, and the other side's
witness of them.

``SideKey``, ``Cosignature`` and ``Refusal`` are projections of events (the charter's
``key.registered``, a side's ``key.rotated``, the witness's ``checkpoint.cosigned`` and
``checkpoint.refused``). ``Checkpoint`` rows are signed statements kept beside the logs
(a checkpoint names a log's size, so it cannot be an event in that log); like the
events they are append-only. ``KeySecret`` holds a private key sealed under
``LIAISON_KEY_SECRET``: credentials, never projected, exported or shown.
"""

from __future__ import annotations

from django.db import models

from liaison.ledger.projection import Projection
from liaison.offices.models import Office, Side
from liaison.signing.formats import ROTATION_REASON_MAX


class SideKey(Projection):
    """A side's Ed25519 public key and the stretch of its log it signs for: checkpoints
    of sizes ``valid_from_size`` up to (not including) ``valid_until_size``. ``reason``
    is why the side rotated to it (none for the key the charter named)."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="keys")
    side = models.ForeignKey(Side, on_delete=models.PROTECT, related_name="keys")
    fingerprint = models.CharField(max_length=64)
    public_key = models.CharField(max_length=64, help_text="32 raw bytes, hex")
    valid_from_size = models.PositiveBigIntegerField()
    valid_until_size = models.PositiveBigIntegerField(null=True, blank=True)
    registered_at = models.DateTimeField()
    retired_at = models.DateTimeField(null=True, blank=True)
    event = models.CharField(max_length=200)
    reason = models.CharField(max_length=ROTATION_REASON_MAX, blank=True, default="")

    class Meta:
        ordering = ["side", "valid_from_size"]

    def __str__(self) -> str:
        return f"{self.side_id} {self.fingerprint[:16]}"

    @staticmethod
    def make_id(office: str, side: str, fingerprint: str) -> str:
        return f"{office}:{side}:{fingerprint}"

    def valid_at(self, size: int) -> bool:
        return self.valid_from_size <= size and (
            self.valid_until_size is None or size < self.valid_until_size
        )


class KeySecret(models.Model):
    office = models.SlugField(max_length=64)
    side = models.SlugField(max_length=64)
    fingerprint = models.CharField(max_length=64, unique=True)
    sealed = models.BinaryField()
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.office}/{self.side} {self.fingerprint[:16]}"


class Checkpoint(models.Model):
    """A side's signature over its log's size and Merkle root. ``statement`` holds the
    exact signed bytes (``formats.checkpoint_statement``); the other columns copy it."""

    office = models.SlugField(max_length=64)
    side = models.SlugField(max_length=64)
    size = models.PositiveBigIntegerField()
    root = models.CharField(max_length=64)
    at = models.DateTimeField()
    key = models.CharField(max_length=64)
    statement = models.BinaryField()
    signature = models.CharField(max_length=128)
    reason = models.CharField(max_length=16)  # schedule, minutes, demand, rotation

    class Meta:
        ordering = ["office", "side", "size", "pk"]
        indexes = [models.Index(fields=["office", "side", "size"])]

    def __str__(self) -> str:
        return f"{self.office}/{self.side} size {self.size}"


class Witnessed(Projection):
    """What the witness side recorded of one of the other side's checkpoints: the
    checkpoint as signed (enough to rebuild its statement), when, and by which event."""

    # Each subclass declares ``office`` and ``witness`` (foreign keys) itself.
    side = models.SlugField(max_length=64)
    size = models.PositiveBigIntegerField()
    root = models.CharField(max_length=64)
    checkpoint_at = models.DateTimeField()
    key = models.CharField(max_length=64)
    signature = models.CharField(max_length=128)
    at = models.DateTimeField()
    event = models.CharField(max_length=200)

    class Meta:
        abstract = True
        ordering = ["side", "size", "at"]


class Cosignature(Witnessed):
    """The witness side checked a checkpoint of the other side's log against the last one
    it had seen, found them consistent, and signed the same statement."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="cosignatures")
    witness = models.ForeignKey(Side, on_delete=models.PROTECT, related_name="cosignatures")
    witness_key = models.CharField(max_length=64)
    cosignature = models.CharField(max_length=128)

    def __str__(self) -> str:
        return f"{self.witness_id} cosigned {self.side} size {self.size}"


class Refusal(Witnessed):
    """A checkpoint the witness refused (not consistent with what it saw before, or a bad
    signature), kept with its statement as evidence."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="refusals")
    witness = models.ForeignKey(Side, on_delete=models.PROTECT, related_name="refusals")
    reason = models.TextField()
    last_size = models.PositiveBigIntegerField()
    last_root = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"{self.witness_id} refused {self.side} size {self.size}"
