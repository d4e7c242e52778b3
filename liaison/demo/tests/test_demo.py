"""The demo office tells the report's story: met on 28 Sep 2018, the North's head did not
turn up for a month, they met again on 2 Nov."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from liaison.bundle.audit import verify
from liaison.demo import build as demo
from liaison.ledger.models import Event
from liaison.lib.errors import Refused
from liaison.meetings.attendance import Attendance
from liaison.meetings.standing import compute
from liaison.offices.models import Office

OCTOBER = ["20181005", "20181012", "20181019", "20181026"]


@pytest.fixture
def kaesong(db):
    return demo.build("demo-password")


def status(*args: str) -> dict:
    out = io.StringIO()
    call_command("status", "kaesong", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def _side(data: dict, name_start: str) -> dict:
    return next(s for s in data["sides"] if s["name"].startswith(name_start))


def test_before_2_november_the_last_meeting_was_28_september(kaesong):
    data = status("--as-of", "2018-11-01")
    assert data["office"] == "kaesong"
    assert data["as_of"] == "2018-11-01T23:59:59.999999+09:00"
    assert data["last_held_meeting"] == "2018-09-28"
    assert data["days_since_last_held"] == 34
    north, south = _side(data, "North"), _side(data, "South")
    assert (north["current_no_show_streak"], north["longest_no_show_streak"]) == (4, 4)
    assert (south["current_no_show_streak"], south["longest_no_show_streak"]) == (0, 0)
    assert north["attendance_rate"] == 0.2
    assert south["attendance_rate"] == 1.0
    assert data["cadence_compliance"] == {"expected": 5, "held": 1, "rate": 0.2}


def test_on_2_november_they_met_again(kaesong):
    data = status("--as-of", "2018-11-02")
    assert data["last_held_meeting"] == "2018-11-02"
    assert data["days_since_last_held"] == 0
    north = _side(data, "North")
    assert (north["current_no_show_streak"], north["longest_no_show_streak"]) == (0, 4)
    assert north["attendance_rate"] == pytest.approx(2 / 6, abs=1e-4)


def test_the_north_was_a_no_show_on_every_october_friday(kaesong):
    as_of = dt.datetime(2018, 11, 3, tzinfo=dt.UTC)
    outcomes = {o.session.key: o.by_side for o in compute(kaesong, as_of).outcomes}
    for day in OCTOBER:
        assert outcomes[f"weekly-{day}T1000"] == {
            "south": Attendance.PRESENT,
            "north": Attendance.NO_SHOW,
        }
    assert outcomes["weekly-20180928T1000"] == {
        "south": Attendance.PRESENT,
        "north": Attendance.PRESENT,
    }
    assert len(outcomes) == 6


def test_the_status_text_reads_like_the_report(kaesong):
    out = io.StringIO()
    call_command("status", "kaesong", "--as-of", "2018-11-01", stdout=out)
    text = out.getvalue()
    assert "Last held meeting: 2018-09-28 (34 days ago)" in text
    assert "North Korea (DPRK): attendance 20%, no-show streak 4 (longest 4)" in text
    assert "Cadence kept: 1 of 5 sessions held" in text


def test_status_without_as_of_uses_the_clock(kaesong):
    with time_machine.travel(dt.datetime(2018, 11, 2, 10, 0, tzinfo=dt.UTC), tick=False):
        data = status()  # 19:00 in Kaesong, the evening of the report
    assert data["as_of"] == "2018-11-02T19:00:00+09:00"
    assert data["last_held_meeting"] == "2018-11-02"


def test_the_demo_record_verifies(kaesong, scratch_allowed):
    assert verify() == []
    assert verify("kaesong") == []


def test_the_demo_is_built_once(kaesong):
    with pytest.raises(Refused, match="already exists"):
        demo.build("other")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["pyongyang"], r"^unknown office 'pyongyang'$"),
        (["kaesong", "--as-of", "2018-13-01"], r"^--as-of '2018-13-01' is not a date like"),
        (["kaesong", "--as-of", "yesterday"], r"^--as-of 'yesterday' is not a date like"),
        (["kaesong", "--window", "0"], r"^--window must be at least 1 day$"),
    ],
)
def test_status_errors_are_one_line(kaesong, args, message):
    with pytest.raises(CommandError, match=message) as error:
        call_command("status", *args, stdout=io.StringIO())
    assert "\n" not in str(error.value)


def _demo() -> str:
    out = io.StringIO()
    call_command("demo", "--no-serve", stdout=out)
    return out.getvalue()


def _signs_in(username: str, password: str) -> bool:
    return get_user_model().objects.get(username=username).check_password(password)


def test_the_demo_command_twice_builds_then_resets_passwords(db, monkeypatch):
    monkeypatch.setenv("LIAISON_DEMO_PASSWORD", "first-secret")
    first = _demo()
    assert "Built the demo office 'kaesong'." in first
    assert "Password: the value of $LIAISON_DEMO_PASSWORD" in first
    assert "first-secret" not in first
    for username in ("chun", "jon", "south-staff", "north-staff", "observer", "operator"):
        assert _signs_in(username, "first-secret")
    events = Event.objects.count()

    monkeypatch.setenv("LIAISON_DEMO_PASSWORD", "second-secret")
    second = _demo()
    assert "already built; its accounts have a new password" in second
    assert _signs_in("jon", "second-secret")
    assert not _signs_in("jon", "first-secret")
    # The new passwords are the operator's act on each member's account, and told so.
    new = Event.objects.order_by("pk")[events:]
    assert sorted((e.type, e.log.side) for e in new) == [("account.password_set", "")] * 5
    assert Office.objects.filter(id="kaesong").count() == 1


def test_the_demo_command_prints_a_generated_password_once(db, monkeypatch):
    monkeypatch.delenv("LIAISON_DEMO_PASSWORD", raising=False)
    output = _demo()
    match = re.search(r"^Password \(shown once\): (\S+)$", output, re.MULTILINE)
    assert match is not None, output
    assert _signs_in("chun", match.group(1))
    for username in ("chun", "jon", "south-staff", "north-staff", "observer"):
        assert re.search(rf"^  {re.escape(username)}\s", output, re.MULTILINE)


def test_the_demo_command_refuses_a_bad_clock(db):
    with pytest.raises(CommandError, match="--clock"):
        call_command("demo", "--no-serve", "--clock", "2018-11-02T19:00", stdout=io.StringIO())
