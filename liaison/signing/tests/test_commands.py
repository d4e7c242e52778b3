"""``liaison checkpoint`` and ``liaison keys``: what an operator runs, and its errors."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
import time_machine
from django.core.management import CommandError, call_command

from liaison.ledger.models import Event
from liaison.meetings import attending
from liaison.meetings.commands import CheckInTo
from liaison.signing.models import Cosignature, SideKey
from liaison.testing import T0, weekly

FRIDAY = dt.datetime(2024, 1, 5, 1, 0, tzinfo=dt.UTC)
LATER = T0 + dt.timedelta(days=10)


def _run(*args: str) -> str:
    out = io.StringIO()
    with time_machine.travel(LATER, tick=False):
        call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def busy(world):
    weekly(world)
    attending.check_in(
        member=world.south_head, command=CheckInTo(key="weekly-20240105T1000"), now=FRIDAY
    )
    return world


def test_a_round_signs_each_side_with_news_and_says_the_witness_cosigned(busy):
    first = _run("checkpoint", "testoffice")
    # The South proposed a cadence and checked in; the North accepted the cadence and
    # holds its witness of the South's checkpoint.
    assert first.splitlines() == [
        f"testoffice/south: size 2, root {_root('south', 2)}…, cosigned",
        f"testoffice/north: size 2, root {_root('north', 2)}…, cosigned",
    ]
    assert _run("checkpoint") == "nothing new to sign\n"
    assert Cosignature.objects.count() == 2


def _root(side: str, size: int) -> str:
    from liaison.signing.models import Checkpoint

    return Checkpoint.objects.get(side=side, size=size).root[:16]


def test_the_json_round_lists_what_was_signed(busy):
    data = json.loads(_run("checkpoint", "testoffice", "--json"))
    assert [(c["side"], c["size"], c["cosigned"]) for c in data] == [
        ("south", 2, True),
        ("north", 2, True),
    ]


def test_keys_lists_and_a_deputy_rotates(busy):
    assert _run("keys", "testoffice") == "no keys yet: the first checkpoint makes them\n"
    _run("checkpoint", "testoffice")
    listed = _run("keys", "testoffice")
    assert listed.count("(log sizes 0 to now)") == 2
    rotated = _run(
        "keys",
        "testoffice",
        "--rotate",
        "--as",
        busy.north_deputy.username,
        "--reason",
        "  The laptop holding the backup was stolen. ",
    )
    new = SideKey.objects.get(side__key="north", valid_until_size=None)
    assert rotated == f"north: new key {new.fingerprint}\n"
    event = Event.objects.get(type="key.rotated", actor=busy.north_deputy.username)
    assert json.loads(bytes(event.data))["body"]["reason"] == (
        "The laptop holding the backup was stolen."
    )
    # The list says why the side rotated to its key.
    assert (
        f"north: {new.fingerprint} (log sizes {new.valid_from_size} to now): "
        "The laptop holding the backup was stolen.\n"
    ) in _run("keys", "testoffice")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("checkpoint", "nowhere"), "unknown office 'nowhere'"),
        (("checkpoint", "testoffice", "--every", "0"), "--every must be a positive number"),
        (("keys", "nowhere"), "unknown office 'nowhere'"),
        (("keys", "testoffice", "--rotate"), "--rotate needs --as USER"),
        (
            ("keys", "testoffice", "--rotate", "--as", "testoffice-south-head"),
            "^--rotate needs --reason TEXT: why the side replaces its key$",
        ),
        (
            ("keys", "testoffice", "--rotate", "--as", "testoffice-south-head", "--reason", " "),
            "--rotate needs --reason TEXT",
        ),
        (
            (
                "keys",
                "testoffice",
                "--rotate",
                "--as",
                "testoffice-south-head",
                "--reason",
                "x" * 501,
            ),
            "^the reason is longer than 500 characters$",
        ),
        (("keys", "testoffice", "--rotate", "--as", "nobody", "--reason", "x"), "'nobody' is not"),
        (
            ("keys", "testoffice", "--rotate", "--as", "testoffice-south-staff", "--reason", "x"),
            "head or deputy",
        ),
    ],
)
def test_bad_input_is_one_clear_line(busy, args, message):
    before = Event.objects.count()
    with pytest.raises(CommandError, match=message):
        _run(*args)
    assert Event.objects.count() == before
