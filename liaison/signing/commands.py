"""The input contract of each write a person makes to the signing (see ``lib/commands``):
a checkpoint signed on demand and a side's key rotated. Witnessing (cosigning or
refusing) is the other side's answer to a checkpoint, written by the checkpoint itself,
not by a person."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from liaison.lib.commands import Command
from liaison.lib.fields import Text
from liaison.signing.formats import ROTATION_REASON_MAX

RotationReason = Annotated[Text, Field(min_length=1, max_length=ROTATION_REASON_MAX)]


class SignCheckpoint(Command):
    """The member's side signs a checkpoint of its log now: the side and the moment are
    the member's and the clock's, so it names nothing else."""


class RotateKey(Command):
    """The member's side replaces its key, saying why (both sides read it)."""

    empty = {"reason": "say why your side rotates its key"}

    reason: RotationReason
