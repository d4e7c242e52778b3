"""Time zones as field types: an IANA name (``TimeZone``), or that or nothing
(``ZoneOrEmpty``); an unknown name is refused in words that name it."""

from __future__ import annotations

import pytest

from liaison.lib.commands import Command, Invalid
from liaison.lib.fields import TimeZone, ZoneOrEmpty


class Zones(Command):
    time_zone: TimeZone
    own_zone: ZoneOrEmpty = ""


def test_known_zones_pass_and_an_empty_choice_is_none():
    found = Zones(time_zone=" Asia/Seoul ", own_zone="")
    assert (found.time_zone, found.own_zone) == ("Asia/Seoul", "")


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        (
            {"time_zone": "Mars/Olympus"},
            "time_zone",
            "unknown time zone 'Mars/Olympus'; use an IANA name such as Asia/Seoul",
        ),
        ({"time_zone": ""}, "time_zone", "the time zone is empty"),
        (
            {"time_zone": "UTC", "own_zone": "Asia/Kaesong"},
            "own_zone",
            "unknown time zone 'Asia/Kaesong'; use an IANA name such as Asia/Seoul",
        ),
        ({"time_zone": "x" * 65}, "time_zone", "the time zone is longer than 64 characters"),
    ],
)
def test_an_unknown_zone_is_refused_naming_it(values, field, message):
    with pytest.raises(Invalid) as raised:
        Zones(**values)
    assert raised.value.errors == {field: [message]}
