"""Keys, checkpoints and the other side's witness: what a side can prove, and what a
rewritten log can no longer hide."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from liaison.bundle.audit import verify
from liaison.ledger import merkle
from liaison.ledger.models import Event
from liaison.ledger.tests.tampering import tampering
from liaison.lib.errors import NotAllowed, Refused
from liaison.meetings import attending
from liaison.meetings.commands import CheckInTo
from liaison.signing import checkpoints, formats, keys
from liaison.signing.commands import RotateKey, SignCheckpoint
from liaison.signing.models import Checkpoint, Cosignature, KeySecret, Refusal, SideKey
from liaison.testing import T0, weekly

NOW = T0 + dt.timedelta(days=10)
FRIDAY = dt.datetime(2024, 1, 5, 1, 0, tzinfo=dt.UTC)


@pytest.fixture
def busy(world):
    weekly(world)
    attending.check_in(
        member=world.south_head, command=CheckInTo(key="weekly-20240105T1000"), now=FRIDAY
    )
    attending.check_in(
        member=world.north_head, command=CheckInTo(key="weekly-20240105T1000"), now=FRIDAY
    )
    return world


def _types(side: str) -> list[str]:
    return list(
        Event.objects.filter(log__office="testoffice", log__side=side)
        .order_by("seq")
        .values_list("type", flat=True)
    )


def _rewrite(side: str, seq: int, find: bytes, put: bytes) -> None:
    """An operator with database rights edits an event's bytes behind the app's back."""
    event = Event.objects.get(log__office="testoffice", log__side=side, seq=seq)
    data = bytes(event.data).replace(find, put)
    assert data != bytes(event.data)
    with tampering(), connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_event SET data = %s WHERE id = %s", [data, event.pk])


def test_each_side_gets_one_key_named_in_the_charter_and_sealed_at_rest(busy):
    keys.ensure_keys(busy.office, NOW)
    keys.ensure_keys(busy.office, NOW)  # nothing more the second time
    assert _types("").count("key.registered") == 2
    for side in ("south", "north"):
        key = keys.current_key(busy.office, side)
        assert key.fingerprint == formats.fingerprint(bytes.fromhex(key.public_key))
        secret = KeySecret.objects.get(fingerprint=key.fingerprint)
        # The private key is not stored in the clear: 12-byte nonce, 32 bytes, 16-byte tag.
        private = keys.private_key(key)
        raw = private.private_bytes_raw()
        assert raw not in bytes(secret.sealed) and len(bytes(secret.sealed)) == 60


def test_a_key_sealed_under_another_secret_does_not_open(busy, settings):
    keys.ensure_keys(busy.office, NOW)
    key = keys.current_key(busy.office, "south")
    settings.LIAISON_KEY_SECRET = "a different secret"
    with pytest.raises(ImproperlyConfigured, match="LIAISON_KEY_SECRET differs"):
        keys.private_key(key)


def test_a_sealed_key_moved_to_the_other_sides_row_does_not_open(busy):
    keys.ensure_keys(busy.office, NOW)
    south = KeySecret.objects.get(side="south")
    north = KeySecret.objects.get(side="north")
    KeySecret.objects.filter(pk=north.pk).update(sealed=bytes(south.sealed))
    with pytest.raises(ImproperlyConfigured, match="does not open"):
        keys.private_key(keys.current_key(busy.office, "north"))


def test_a_checkpoint_signs_the_logs_size_and_merkle_root_and_the_other_side_cosigns(
    busy, scratch_allowed
):
    checkpoint = checkpoints.sign_checkpoint(busy.office, "south", now=NOW, reason="demand")
    assert checkpoint is not None
    data = Event.objects.filter(log__office="testoffice", log__side="south").order_by("seq")
    leaves = [merkle.leaf_hash(bytes(e.data)) for e in data]
    assert checkpoint.size == len(leaves) == 2
    assert checkpoint.root == merkle.root(leaves).hex()
    statement = formats.parse_checkpoint_statement(bytes(checkpoint.statement))
    assert statement["size"] == 2 and statement["side"] == "south"
    key = keys.current_key(busy.office, "south")
    assert formats.signature_valid(key.public_key, checkpoint.signature, checkpoint.statement)
    cosigned = Cosignature.objects.get()
    assert (cosigned.witness.key, cosigned.side, cosigned.size) == ("north", "south", 2)
    witness_key = keys.current_key(busy.office, "north")
    assert formats.signature_valid(
        witness_key.public_key, cosigned.cosignature, bytes(checkpoint.statement)
    )
    assert _types("north")[-1] == "checkpoint.cosigned"
    assert verify("testoffice") == []


def test_the_schedule_signs_only_logs_with_news_and_does_not_ping_pong(busy):
    first = checkpoints.sign_scheduled(NOW)
    # The North's log: its acceptance of the cadence, its check-in, its cosignature.
    assert [(c.side, c.size) for c in first] == [("south", 2), ("north", 3)]
    # Each side's log now holds the other's cosignature, and nothing else new.
    assert checkpoints.sign_scheduled(NOW + dt.timedelta(hours=1)) == []
    attending.check_in(
        member=busy.south_head,
        command=CheckInTo(key="weekly-20240112T1000"),
        now=FRIDAY.replace(day=12),
    )
    again = checkpoints.sign_scheduled(NOW + dt.timedelta(hours=2))
    assert [(c.side, c.size) for c in again] == [("south", 4)]


def test_a_rewritten_log_is_refused_by_the_witness_and_kept_as_evidence(busy):
    checkpoints.sign_checkpoint(busy.office, "south", now=NOW, reason="demand")
    attending.check_in(
        member=busy.south_head,
        command=CheckInTo(key="weekly-20240112T1000"),
        now=FRIDAY.replace(day=12),
    )
    _rewrite("south", 2, b"2024-01-05T01:00:00", b"2024-01-05T00:59:00")
    refused = checkpoints.sign_checkpoint(busy.office, "south", now=NOW, reason="demand")
    assert refused is not None and Checkpoint.objects.count() == 2
    evidence = Refusal.objects.get()
    assert (evidence.witness.key, evidence.side, evidence.size) == ("north", "south", 3)
    assert "not consistent with the checkpoint of size 2" in evidence.reason
    assert evidence.root == refused.root and evidence.signature == refused.signature
    assert _types("north")[-1] == "checkpoint.refused"
    assert Cosignature.objects.filter(size=3).count() == 0


def test_a_truncated_log_is_refused(busy):
    attending.check_in(
        member=busy.south_head,
        command=CheckInTo(key="weekly-20240112T1000"),
        now=FRIDAY.replace(day=12),
    )
    checkpoints.sign_checkpoint(busy.office, "south", now=NOW, reason="demand")
    last = Event.objects.filter(log__office="testoffice", log__side="south").order_by("-seq")[0]
    with tampering(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM ledger_event WHERE id = %s", [last.pk])
        cursor.execute(
            "UPDATE ledger_log SET size = size - 1, head = %s WHERE office = %s AND side = %s",
            [last.prev, "testoffice", "south"],
        )
    checkpoints.sign_checkpoint(busy.office, "south", now=NOW, reason="demand", force=True)
    assert "it was truncated" in Refusal.objects.get().reason


def test_rotating_a_key_is_signed_by_the_old_and_the_new_key(busy):
    checkpoints.sign_checkpoint(busy.office, "south", now=NOW, reason="demand")
    old = keys.current_key(busy.office, "south")
    new = keys.rotate(
        member=busy.south_deputy, command=RotateKey(reason="Yearly renewal."), now=NOW
    )
    event = Event.objects.get(log__office="testoffice", log__side="south", type="key.rotated")
    body = json.loads(bytes(event.data))["body"]
    assert body["reason"] == new.reason == "Yearly renewal."
    message = formats.rotation_message(
        office="testoffice",
        side="south",
        old=old.fingerprint,
        new=new.fingerprint,
        public_key=new.public_key,
    )
    assert formats.signature_valid(old.public_key, body["old_signature"], message)
    assert formats.signature_valid(new.public_key, body["new_signature"], message)
    old.refresh_from_db()
    assert (old.valid_until_size, new.valid_from_size) == (event.seq, event.seq)
    # The rotation is checkpointed at once, under the new key; the witness accepts it.
    latest = checkpoints.latest("testoffice", "south")
    assert latest is not None and (latest.key, latest.reason) == (new.fingerprint, "rotation")
    assert Cosignature.objects.filter(side="south", size=latest.size).exists()


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "say why your side rotates its key"),
        (" \n ", "say why your side rotates its key"),
        ("x" * 501, "the reason is longer than 500 characters"),
        ("stolen\u202e", "reason"),
    ],
)
def test_a_rotation_without_a_fit_reason_is_refused_and_writes_nothing(busy, reason, message):
    checkpoints.sign_checkpoint(busy.office, "south", now=NOW, reason="demand")
    before = (Event.objects.count(), SideKey.objects.count())
    with pytest.raises(Refused, match=message) as refused:
        keys.rotate(member=busy.south_head, command=RotateKey(reason=reason), now=NOW)
    assert refused.value.field == "reason"
    assert (Event.objects.count(), SideKey.objects.count()) == before


def test_a_reason_of_500_characters_is_kept_whole(busy):
    key = keys.rotate(member=busy.south_head, command=RotateKey(reason="r" * 500), now=NOW)
    assert key.reason == "r" * 500


def test_only_a_head_or_deputy_rotates_a_key_or_asks_for_a_checkpoint(busy):
    before = Event.objects.count()
    for member in (busy.south_staff, busy.observer):
        with pytest.raises(NotAllowed):
            keys.rotate(member=member, command=RotateKey(reason="Yearly renewal."), now=NOW)
        with pytest.raises(NotAllowed):
            checkpoints.sign_on_demand(member=member, command=SignCheckpoint(), now=NOW)
    assert Event.objects.count() == before and not SideKey.objects.exists()


def test_an_empty_log_has_nothing_to_sign(world):
    with pytest.raises(Refused, match="log is empty"):
        checkpoints.sign_on_demand(member=world.south_head, command=SignCheckpoint(), now=NOW)


def test_verify_reports_a_log_that_no_longer_matches_its_checkpoint(busy, scratch_allowed):
    checkpoints.sign_checkpoint(busy.office, "south", now=NOW, reason="demand")
    assert verify("testoffice") == []
    # Rewritten and re-chained so carefully that every chain check passes.
    _rewrite("south", 2, b"2024-01-05T01:00:00", b"2024-01-05T00:59:00")
    event = Event.objects.get(log__office="testoffice", log__side="south", seq=2)
    from liaison.ledger.canonical import digest

    with tampering(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ledger_event SET hash = %s, at = %s WHERE id = %s",
            [digest(bytes(event.data)), FRIDAY - dt.timedelta(minutes=1), event.pk],
        )
        cursor.execute(
            "UPDATE ledger_log SET head = %s WHERE office = %s AND side = %s",
            [digest(bytes(event.data)), "testoffice", "south"],
        )
    problems = verify("testoffice", projections=False)
    assert [(p.kind, p.where) for p in problems] == [
        ("ROOT_MISMATCH", "testoffice/south checkpoint of size 2")
    ]
