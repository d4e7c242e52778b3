"""Event types for keys and the witnessing of checkpoints."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from liaison.ledger.events import Applied, Body, event_type
from liaison.lib.fields import Instant, Key, Text
from liaison.lib.timezones import parse_utc
from liaison.offices.models import Side
from liaison.signing.formats import ROTATION_REASON_MAX
from liaison.signing.models import Cosignature, Refusal, SideKey

Hex32 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
Hex64 = Annotated[str, Field(pattern=r"^[0-9a-f]{128}$")]


@event_type("key.registered")
class KeyRegistered(Body):
    """The charter names a side's first public key (the operator's log)."""

    side: Key
    public_key: Hex32
    fingerprint: Hex32

    def apply(self, event: Applied) -> None:
        SideKey.objects.create(
            id=SideKey.make_id(event.office, self.side, self.fingerprint),
            office_id=event.office,
            side_id=Side.make_id(event.office, self.side),
            fingerprint=self.fingerprint,
            public_key=self.public_key,
            valid_from_size=0,
            registered_at=event.at,
            event=event.ref,
        )


@event_type("key.rotated")
class KeyRotated(Body):
    """A side replaces its key, in its own log; the old and the new key both sign
    ``formats.rotation_message``. Checkpoints from this event's seq on use the new key.
    ``reason`` says why, for both sides to read; the event's hash and the checkpoints
    over the log bind it (the keys' signatures cover the keys only)."""

    old: Hex32
    new: Hex32
    public_key: Hex32
    old_signature: Hex64
    new_signature: Hex64
    reason: Text = Field(min_length=1, max_length=ROTATION_REASON_MAX)

    def apply(self, event: Applied) -> None:
        SideKey.objects.filter(pk=SideKey.make_id(event.office, event.side, self.old)).update(
            valid_until_size=event.seq, retired_at=event.at
        )
        SideKey.objects.create(
            id=SideKey.make_id(event.office, event.side, self.new),
            office_id=event.office,
            side_id=Side.make_id(event.office, event.side),
            fingerprint=self.new,
            public_key=self.public_key,
            valid_from_size=event.seq,
            registered_at=event.at,
            event=event.ref,
            reason=self.reason,
        )


class _Witnessed(Body):
    """The other side's checkpoint as signed: enough to rebuild its statement."""

    side: Key
    size: int = Field(ge=1, le=2**53 - 1)
    root: Hex32
    checkpoint_at: Instant
    key: Hex32
    signature: Hex64

    def witnessed(self, event: Applied) -> dict[str, Any]:
        """The fields every witness record shares (``models.Witnessed``)."""
        return {
            "id": f"{event.office}:{event.side}:{event.seq}",
            "office_id": event.office,
            "witness_id": Side.make_id(event.office, event.side),
            "side": self.side,
            "size": self.size,
            "root": self.root,
            "checkpoint_at": parse_utc(self.checkpoint_at),
            "key": self.key,
            "signature": self.signature,
            "at": event.at,
            "event": event.ref,
        }


@event_type("checkpoint.cosigned")
class CheckpointCosigned(_Witnessed):
    """The witness (this log's side) found the checkpoint consistent and signed its
    statement with its own key."""

    witness_key: Hex32
    cosignature: Hex64

    def apply(self, event: Applied) -> None:
        Cosignature.objects.create(
            **self.witnessed(event),
            witness_key=self.witness_key,
            cosignature=self.cosignature,
        )


@event_type("checkpoint.refused")
class CheckpointRefused(_Witnessed):
    """The witness refused the checkpoint and keeps it, with the last one it had
    cosigned, as evidence."""

    reason: Text = Field(min_length=1, max_length=2000)
    last_size: int = Field(ge=0, le=2**53 - 1)
    last_root: Hex32

    def apply(self, event: Applied) -> None:
        Refusal.objects.create(
            **self.witnessed(event),
            reason=self.reason,
            last_size=self.last_size,
            last_root=self.last_root,
        )
