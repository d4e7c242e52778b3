"""Tampering with the live database of an office of more than 1,000 events: ``liaison
verify`` catches every case and names its place (issue 6, test 2).

``test_tamper.py`` edits an exported bundle; this edits the database itself, the way an
operator holding the owner's role could (``tampering()`` lifts the append-only
triggers): byte edits of stored events, deleted and swapped event rows, changed and
deleted projection rows, a truncated log, an event rewritten and re-chained with every
later hash, reference and projection fixed up so that only the signed checkpoints catch
it, and changed checkpoint rows. The office is built once; each case runs in a savepoint
rolled back afterwards, so no case sees another's edits.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.db import models, transaction

from liaison.bundle.audit import Problem, verify
from liaison.bundle.tests.conftest import busy_office
from liaison.channel.models import Message
from liaison.ledger.canonical import digest, encode
from liaison.ledger.models import Event, Log
from liaison.ledger.projection import Projection, applying, projection_models
from liaison.ledger.tests.tampering import tampering
from liaison.meetings.models import CheckIn
from liaison.offices.models import Member
from liaison.records.models import MinutesSignature
from liaison.signing.models import Checkpoint, Cosignature, SideKey
from liaison.testing import World

OFFICE = "testoffice"
LABELS = {"": f"{OFFICE}/charter", "south": f"{OFFICE}/south", "north": f"{OFFICE}/north"}


@dataclass(frozen=True)
class Expected:
    """Where verify must report the edit: a problem of ``kind`` (any kind if empty) at
    ``where``; or any of ``alternatives``. ``only``: it must be the one problem found."""

    kind: str
    where: str
    alternatives: tuple[tuple[str, str], ...] = ()
    only: bool = False

    def found_in(self, problems: list[Problem]) -> bool:
        wanted = [(self.kind, self.where), *self.alternatives]
        hits = [
            p for p in problems if any(p.where == w and kind in ("", p.kind) for kind, w in wanted)
        ]
        return bool(hits) and (not self.only or len(problems) == 1)

    def __str__(self) -> str:
        wanted = [(self.kind, self.where), *self.alternatives]
        return " or ".join(f"{kind or 'any problem'} at {where}" for kind, where in wanted) + (
            ", alone" if self.only else ""
        )


@dataclass
class Case:
    name: str
    edit: Callable[[World], Expected]


# Editing the database behind the application's back ----------------------------------


def _write(model: type[Projection], pk: str, **values: object) -> None:
    """Change a projection row directly. (Its guard against writes outside an event's
    application is the app's; whoever holds the database goes around it.)"""
    with applying():
        model.objects.filter(pk=pk).update(**values)


def _remove(model: type[Projection], pk: str) -> None:
    with applying():
        model.objects.filter(pk=pk).delete()


def _event(side: str, seq: int) -> Event:
    return Event.objects.get(log__office=OFFICE, log__side=side, seq=seq)


def _size(side: str) -> int:
    return Log.objects.get(office=OFFICE, side=side).size


def _byte_edit(seed: int, *, rehash: bool) -> Callable[[World], Expected]:
    """One random byte of one random event's stored bytes changed; with ``rehash`` the
    forger also puts the new bytes' hash in the row."""

    def edit(world: World) -> Expected:
        rng = random.Random(seed)
        side = rng.choice(["", "south", "north"])
        seq = rng.randint(1, _size(side))
        event = _event(side, seq)
        data = bytearray(bytes(event.data))
        spot = rng.randrange(len(data))
        data[spot] = (data[spot] + rng.randrange(1, 256)) % 256
        Event.objects.filter(pk=event.pk).update(
            data=bytes(data), **({"hash": digest(bytes(data))} if rehash else {})
        )
        where = f"{LABELS[side]}#{seq}"
        if not rehash:
            return Expected("BAD_HASH", where)
        # The event itself no longer holds (not canonical, a column or the body wrong),
        # or it does and the next event's prev no longer names it (the head, if last).
        return Expected("", where, (("BROKEN_CHAIN", f"{LABELS[side]}#{seq + 1}"),))

    return edit


def _edited_and_rehashed(side: str, seq: int) -> Callable[[World], Expected]:
    """A message's text changed with care (canonical bytes, their hash in the row), the
    next event left alone: its prev no longer names the event before it."""

    def edit(world: World) -> Expected:
        event = _event(side, seq)
        value = json.loads(bytes(event.data))
        value["body"]["body"] = "Not routine at all."
        data = encode(value)
        Event.objects.filter(pk=event.pk).update(data=data, hash=digest(data))
        return Expected("BROKEN_CHAIN", f"{LABELS[side]}#{seq + 1}")

    return edit


def _delete_event(side: str, seq: int | None) -> Callable[[World], Expected]:
    def edit(world: World) -> Expected:
        last = _size(side)
        Event.objects.filter(pk=_event(side, seq or last).pk).delete()
        if seq is None:  # the last event gone, the log's size left as it was
            return Expected("TRUNCATED", f"{LABELS[side]}#{last - 1}")
        return Expected("SEQ_GAP", f"{LABELS[side]}#{seq}")

    return edit


def _swap_data(side: str, seq: int) -> Callable[[World], Expected]:
    def edit(world: World) -> Expected:
        first, second = _event(side, seq), _event(side, seq + 1)
        Event.objects.filter(pk=first.pk).update(data=bytes(second.data))
        Event.objects.filter(pk=second.pk).update(data=bytes(first.data))
        return Expected("BAD_HASH", f"{LABELS[side]}#{seq}")

    return edit


def _swap_rows(side: str, seq: int) -> Callable[[World], Expected]:
    """Two whole events trade places (every column but seq): each is self-consistent,
    the chain is not."""

    def edit(world: World) -> Expected:
        first, second = _event(side, seq), _event(side, seq + 1)
        fields = ("hash", "prev", "at", "actor", "type", "data")
        Event.objects.filter(pk=first.pk).update(hash="swapping")  # hash is unique
        Event.objects.filter(pk=second.pk).update(**{f: getattr(first, f) for f in fields})
        Event.objects.filter(pk=first.pk).update(**{f: getattr(second, f) for f in fields})
        return Expected("BROKEN_CHAIN", f"{LABELS[side]}#{seq}")

    return edit


def _message_subject_changed(world: World) -> Expected:
    message = Message.objects.filter(office=world.office, side__key="north").order_by("pk")[7]
    _write(Message, message.pk, subject="Ultimatum")
    return Expected("PROJECTION_MISMATCH", f"channel.Message {message.pk}")


def _check_in_changed(world: World) -> Expected:
    check_in = CheckIn.objects.get(office=world.office, side__key="south")
    _write(CheckIn, check_in.pk, attendee=world.south_staff)
    return Expected("PROJECTION_MISMATCH", f"meetings.CheckIn {check_in.pk}")


def _member_promoted(world: World) -> Expected:
    _write(Member, world.north_staff.pk, role="head")
    return Expected("PROJECTION_MISMATCH", f"offices.Member {world.north_staff.pk}")


def _signature_deleted(world: World) -> Expected:
    signature = MinutesSignature.objects.get(office=world.office, side__key="north")
    _remove(MinutesSignature, signature.pk)
    return Expected("PROJECTION_MISMATCH", f"records.MinutesSignature {signature.pk}")


def _check_in_deleted(world: World) -> Expected:
    check_in = CheckIn.objects.get(office=world.office, side__key="north")
    _remove(CheckIn, check_in.pk)
    return Expected("PROJECTION_MISMATCH", f"meetings.CheckIn {check_in.pk}")


def _truncate(side: str, keep: int) -> Callable[[World], Expected]:
    """The log cut back to ``keep`` events, its size and head lowered to match: every
    chain check passes; the checkpoint over the longer log does not."""

    def edit(world: World) -> Expected:
        Event.objects.filter(log__office=OFFICE, log__side=side, seq__gt=keep).delete()
        Log.objects.filter(office=OFFICE, side=side).update(size=keep, head=_event(side, keep).hash)
        largest = Checkpoint.objects.filter(office=OFFICE, side=side).order_by("-size")[0]
        return Expected("TRUNCATED", f"{OFFICE}/{side} checkpoint of size {largest.size}")

    return edit


def _rewrite_and_rechain(side: str, seq: int) -> Callable[[World], Expected]:
    """A careful forger rewrites a message, then fixes every later event's prev and
    hash, the log's head and every projection column holding one of the old hashes, and
    the message's projection: the chains, references and projections all verify; the
    checkpoint signed over the log does not."""

    def edit(world: World) -> Expected:
        events = Event.objects.filter(log__office=OFFICE, log__side=side, seq__gte=seq)
        renamed: dict[str, str] = {}
        prev = ""
        for number, event in enumerate(events.order_by("seq")):
            value = json.loads(bytes(event.data))
            if number == 0:
                assert value["type"] == "message.sent"
                value["body"]["subject"] = "We withdraw from the office"
                prev = event.prev
            value["prev"] = prev
            data = encode(value)
            renamed[event.hash] = prev = digest(data)
            Event.objects.filter(pk=event.pk).update(data=data, hash=prev, prev=value["prev"])
        Log.objects.filter(office=OFFICE, side=side).update(head=prev)
        for model in projection_models():
            for field in model._meta.concrete_fields:
                if not isinstance(field, models.CharField) or field.primary_key:
                    continue
                holding = model.objects.filter(**{f"{field.attname}__in": list(renamed)})
                for pk, old in holding.values_list("pk", field.attname):
                    _write(model, pk, **{field.attname: renamed[old]})
        message = Message.objects.get(office=world.office, side__key=side, event_seq=seq)
        _write(Message, message.pk, subject="We withdraw from the office")
        covering = Checkpoint.objects.filter(office=OFFICE, side=side, size__gte=seq)
        smallest = covering.order_by("size")[0]
        return Expected(
            "ROOT_MISMATCH", f"{OFFICE}/{side} checkpoint of size {smallest.size}", only=True
        )

    return edit


def _checkpoint_edit(
    side: str, column: str, kind: str, *, largest: bool
) -> Callable[[World], Expected]:
    def edit(world: World) -> Expected:
        checkpoint = Checkpoint.objects.filter(office=OFFICE, side=side).order_by(
            "-size" if largest else "size"
        )[0]
        value = getattr(checkpoint, column)
        Checkpoint.objects.filter(pk=checkpoint.pk).update(
            **{column: ("0" if value[0] != "0" else "1") + value[1:]}
        )
        return Expected(kind, f"{OFFICE}/{side} checkpoint of size {checkpoint.size}")

    return edit


def _checkpoint_deleted(world: World) -> Expected:
    """The stored checkpoint goes; the North's log still holds its cosignature of it."""
    checkpoint = Checkpoint.objects.filter(office=OFFICE, side="south").order_by("size")[0]
    Checkpoint.objects.filter(pk=checkpoint.pk).delete()
    cosigned = Cosignature.objects.get(side="south", size=checkpoint.size, root=checkpoint.root)
    where = f"{cosigned.event} (cosigned south at size {checkpoint.size})"
    return Expected("CHECKPOINT_MISSING", where, only=True)


def _checkpoint_signatures_swapped(world: World) -> Expected:
    first, second = Checkpoint.objects.filter(office=OFFICE, side="south").order_by("size")[:2]
    Checkpoint.objects.filter(pk=first.pk).update(signature=second.signature)
    Checkpoint.objects.filter(pk=second.pk).update(signature=first.signature)
    return Expected("BAD_SIGNATURE", f"{OFFICE}/south checkpoint of size {first.size}")


def _side_key_replaced(world: World) -> Expected:
    """The operator puts a key of its own in place of the North's: the checkpoints signed
    with the real key no longer verify."""
    key = SideKey.objects.get(office=world.office, side__key="north")
    _write(SideKey, key.pk, public_key="ab" * 32)
    smallest = Checkpoint.objects.filter(office=OFFICE, side="north").order_by("size")[0]
    return Expected("BAD_SIGNATURE", f"{OFFICE}/north checkpoint of size {smallest.size}")


def _head_changed(world: World) -> Expected:
    Log.objects.filter(office=OFFICE, side="").update(head="f" * 64)
    return Expected("HEAD_MISMATCH", f"{LABELS['']}#{_size('')}")


CASES = [
    *[Case(f"random byte edit {n}", _byte_edit(n, rehash=False)) for n in range(12)],
    *[Case(f"random byte edit {n}, hash re-stored", _byte_edit(n, rehash=True)) for n in range(6)],
    Case("a North message edited and re-hashed", _edited_and_rehashed("north", 150)),
    Case("a South event deleted", _delete_event("south", 120)),
    Case("a charter event deleted", _delete_event("", 300)),
    Case("the North's last event deleted", _delete_event("north", None)),
    Case("two South events' bytes swapped", _swap_data("south", 60)),
    Case("two whole North events swapped", _swap_rows("north", 30)),
    Case("a message's subject changed", _message_subject_changed),
    Case("a check-in's attendee changed", _check_in_changed),
    Case("a member promoted to head", _member_promoted),
    Case("a minutes signature's row deleted", _signature_deleted),
    Case("a check-in's row deleted", _check_in_deleted),
    Case("the South log truncated, size and head lowered", _truncate("south", 200)),
    Case("the North log truncated, size and head lowered", _truncate("north", 100)),
    Case("a South message rewritten and re-chained", _rewrite_and_rechain("south", 100)),
    Case(
        "a checkpoint's root column changed",
        _checkpoint_edit("south", "root", "COLUMN_MISMATCH", largest=False),
    ),
    Case("a checkpoint row deleted", _checkpoint_deleted),
    Case(
        "a checkpoint's signature changed",
        _checkpoint_edit("north", "signature", "BAD_SIGNATURE", largest=True),
    ),
    Case("two checkpoints' signatures swapped", _checkpoint_signatures_swapped),
    Case("the North's public key replaced", _side_key_replaced),
    Case("the charter log's head changed", _head_changed),
]


def test_every_tampering_with_the_database_is_caught_and_located(
    world: World, scratch_allowed: None
) -> None:
    busy_office(world, messages=250, changes=500)
    assert Event.objects.filter(log__office=OFFICE).count() > 1000
    assert verify(OFFICE) == []
    missed = []
    for case in CASES:
        with transaction.atomic():
            with tampering():
                expected = case.edit(world)
            problems = verify(OFFICE)
            transaction.set_rollback(True)
        if not expected.found_in(problems):
            missed.append(f"{case.name}: expected {expected}, got {problems}")
    assert verify(OFFICE) == [], "a case's edit outlived its savepoint"
    print(f"database tamper cases: {len(CASES)}, caught and located: {len(CASES) - len(missed)}")
    assert missed == []
    assert len(CASES) >= 30
