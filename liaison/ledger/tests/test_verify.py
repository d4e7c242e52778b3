"""``verify`` finds every edit made behind the application's back, and where it starts."""

from __future__ import annotations

import datetime as dt
import gc
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from liaison.bundle.audit import Problem, verify
from liaison.ledger.canonical import digest, encode
from liaison.ledger.models import Event
from liaison.ledger.tests.tampering import tampering
from liaison.meetings import attending
from liaison.meetings.commands import CheckInTo
from liaison.offices import actions as offices
from liaison.offices.commands import AddMember
from liaison.testing import OPERATOR, T0, make_user, make_world, weekly

OFFICE = "testoffice"
FRIDAYS = ["20240105", "20240112", "20240119"]


def _friday(stamp: str) -> dt.datetime:
    day = dt.datetime.strptime(stamp, "%Y%m%d").replace(tzinfo=dt.UTC)
    return day.replace(hour=1)  # 10:00 in Seoul


@pytest.fixture
def busy(world, scratch_allowed):
    """South log: the weekly cadence proposed, then check-ins on three Fridays (#2, #3,
    #4). North log: its acceptance (#1) and one check-in (#2)."""
    weekly(world)
    for stamp in FRIDAYS:
        attending.check_in(
            member=world.south_head,
            command=CheckInTo(key=f"weekly-{stamp}T1000"),
            now=_friday(stamp),
        )
    attending.check_in(
        member=world.north_head,
        command=CheckInTo(key="weekly-20240105T1000"),
        now=_friday(FRIDAYS[0]),
    )
    return world


def _event(side: str, seq: int) -> Event:
    return Event.objects.get(log__office=OFFICE, log__side=side, seq=seq)


def _sql(statement: str, params: list) -> None:
    """Change the database behind the app's back, with the owner's rights (events are
    append-only to everyone else)."""
    with tampering(), connection.cursor() as cursor:
        cursor.execute(statement, params)


def _only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, problems
    return problems[0]


def test_an_untouched_office_verifies(busy):
    assert verify() == []
    assert verify(OFFICE) == []


def test_it_finds_a_check_in_changed_behind_the_apps_back(busy):
    _sql(
        "UPDATE meetings_checkin SET attendee_id = %s WHERE id = %s",
        [busy.south_deputy.pk, f"{OFFICE}:weekly-20240112T1000:south"],
    )
    problem = _only(verify(OFFICE))
    assert problem.kind == "PROJECTION_MISMATCH"
    assert problem.where == f"meetings.CheckIn {OFFICE}:weekly-20240112T1000:south"
    assert "attendee_id" in problem.detail
    assert busy.south_deputy.pk in problem.detail


def test_it_finds_a_member_promoted_behind_the_apps_back(busy):
    _sql("UPDATE offices_member SET role = 'head' WHERE id = %s", [busy.south_staff.pk])
    problem = _only(verify(OFFICE))
    assert problem.kind == "PROJECTION_MISMATCH"
    assert problem.where == f"offices.Member {busy.south_staff.pk}"
    assert problem.detail == "role is 'head' live but 'staff' from the log"


def test_it_finds_a_check_in_deleted_behind_the_apps_back(busy):
    _sql("DELETE FROM meetings_checkin WHERE id = %s", [f"{OFFICE}:weekly-20240105T1000:north"])
    problem = _only(verify(OFFICE))
    assert problem.kind == "PROJECTION_MISMATCH"
    assert problem.where == f"meetings.CheckIn {OFFICE}:weekly-20240105T1000:north"
    assert "missing from the live database" in problem.detail


def test_it_finds_a_member_inserted_behind_the_apps_back(busy):
    _sql(
        "INSERT INTO offices_member (id, office_id, side_id, user_id, username, full_name, "
        "title, role, time_zone, active_from) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        [
            f"{OFFICE}:mole",
            OFFICE,
            f"{OFFICE}:north",
            busy.outsider.pk,
            "mole",
            "A Mole",
            "",
            "head",
            "",
            "2024-01-01",
        ],
    )
    problem = _only(verify(OFFICE))
    assert problem.kind == "PROJECTION_MISMATCH"
    assert problem.where == f"offices.Member {OFFICE}:mole"
    assert "no event in the log produced" in problem.detail


def test_it_finds_an_event_deleted_from_the_middle_of_a_chain(busy):
    _sql("DELETE FROM ledger_event WHERE id = %s", [_event("south", 2).pk])
    problem = _only(verify(OFFICE))
    assert problem.kind == "SEQ_GAP"
    assert problem.where == f"{OFFICE}/south#2"
    assert problem.detail == "expected event 2, found 3"


def test_it_finds_a_byte_edited_in_an_event(busy):
    event = _event("south", 2)
    data = bytes(event.data)
    forged = data.replace(
        b'"attendee":"testoffice-south-head"', b'"attendee":"testoffice-south-dep"'
    )
    assert forged != data
    _sql("UPDATE ledger_event SET data = %s WHERE id = %s", [forged, event.pk])
    problem = _only(verify(OFFICE))
    assert problem.kind == "BAD_HASH"
    assert problem.where == f"{OFFICE}/south#2"


def test_it_finds_an_edited_event_that_was_rehashed_at_the_next_event(busy):
    event = _event("south", 2)
    parsed = json.loads(bytes(event.data))
    parsed["body"]["attendee"] = busy.south_deputy.username
    forged = encode(parsed)
    _sql(
        "UPDATE ledger_event SET data = %s, hash = %s WHERE id = %s",
        [forged, digest(forged), event.pk],
    )
    problem = _only(verify(OFFICE))
    assert problem.kind == "BROKEN_CHAIN"
    assert problem.where == f"{OFFICE}/south#3"


def test_it_finds_bytes_that_are_not_canonical(busy):
    event = _event("south", 2)
    pretty = json.dumps(json.loads(bytes(event.data)), indent=1).encode()
    _sql(
        "UPDATE ledger_event SET data = %s, hash = %s WHERE id = %s",
        [pretty, digest(pretty), event.pk],
    )
    problem = _only(verify(OFFICE))
    assert problem.kind == "NOT_CANONICAL"
    assert problem.where == f"{OFFICE}/south#2"


def test_it_finds_a_column_that_disagrees_with_the_bytes(busy):
    _sql("UPDATE ledger_event SET actor = %s WHERE id = %s", ["mole", _event("south", 3).pk])
    problem = _only(verify(OFFICE))
    assert problem.kind == "COLUMN_MISMATCH"
    assert problem.where == f"{OFFICE}/south#3"
    assert "'actor'" in problem.detail


def test_it_finds_a_log_whose_last_event_was_deleted(busy):
    _sql("DELETE FROM ledger_event WHERE id = %s", [_event("south", 4).pk])
    problem = _only(verify(OFFICE))
    assert problem.kind == "TRUNCATED"
    assert problem.where == f"{OFFICE}/south#3"
    assert "records 4 events" in problem.detail
    assert "run to 3" in problem.detail


def test_it_finds_a_truncated_log_whose_size_was_lowered(busy):
    _sql("DELETE FROM ledger_event WHERE id = %s", [_event("south", 4).pk])
    _sql("UPDATE ledger_log SET size = 3 WHERE office = %s AND side = 'south'", [OFFICE])
    problem = _only(verify(OFFICE))
    assert problem.kind == "HEAD_MISMATCH"
    assert problem.where == f"{OFFICE}/south#3"


def test_a_cleanly_truncated_log_still_shows_in_the_projections(busy):
    # Event, size and head all made consistent: the chain alone cannot tell (that is
    # what checkpoints are for), but the check-in it produced is still live.
    _sql("DELETE FROM ledger_event WHERE id = %s", [_event("south", 4).pk])
    _sql(
        "UPDATE ledger_log SET size = 3, head = %s WHERE office = %s AND side = 'south'",
        [_event("south", 3).hash, OFFICE],
    )
    problem = _only(verify(OFFICE))
    assert problem.kind == "PROJECTION_MISMATCH"
    assert problem.where == f"meetings.CheckIn {OFFICE}:weekly-20240119T1000:south"


def test_it_reports_the_first_break_of_each_log(busy):
    _sql("DELETE FROM ledger_event WHERE id = %s", [_event("south", 3).pk])
    _sql("UPDATE ledger_event SET actor = %s WHERE id = %s", ["mole", _event("north", 1).pk])
    _sql("UPDATE ledger_event SET actor = %s WHERE id = %s", ["mole", _event("south", 4).pk])
    problems = verify(OFFICE)
    assert [(p.kind, p.where) for p in problems] == [
        ("COLUMN_MISMATCH", f"{OFFICE}/north#1"),
        ("SEQ_GAP", f"{OFFICE}/south#3"),
    ]


def test_a_broken_office_does_not_taint_another(busy):
    make_world("other")
    _sql("DELETE FROM ledger_event WHERE id = %s", [_event("south", 2).pk])
    assert verify("other") == []
    assert [p.where for p in verify()] == [f"{OFFICE}/south#2"]


def test_the_command_says_intact_when_nothing_was_touched(busy):
    out = io.StringIO()
    call_command("verify", "--office", OFFICE, stdout=out)
    assert out.getvalue().strip() == f"intact: {OFFICE}"
    out = io.StringIO()
    call_command("verify", stdout=out)
    assert out.getvalue().strip() == "intact: all offices"


def test_the_command_fails_naming_the_first_problem(busy):
    _sql("DELETE FROM ledger_event WHERE id = %s", [_event("south", 2).pk])
    err = io.StringIO()
    with pytest.raises(CommandError, match=r"the first is SEQ_GAP at testoffice/south#2"):
        call_command("verify", "--office", OFFICE, stdout=io.StringIO(), stderr=err)
    assert "SEQ_GAP at testoffice/south#2: expected event 2, found 3" in err.getvalue()


def test_the_command_with_chains_only_skips_the_projections(busy):
    _sql("UPDATE offices_member SET role = 'head' WHERE id = %s", [busy.south_staff.pk])
    out = io.StringIO()
    call_command("verify", "--office", OFFICE, "--chains-only", stdout=out)
    assert "intact" in out.getvalue()
    with pytest.raises(CommandError, match=r"PROJECTION_MISMATCH at offices\.Member"):
        call_command("verify", "--office", OFFICE, stdout=io.StringIO(), stderr=io.StringIO())


def test_the_command_refuses_an_unknown_office(scratch_allowed):
    with pytest.raises(CommandError, match=r"^unknown office 'nowhere'$"):
        call_command("verify", "--office", "nowhere")


def test_the_command_given_a_file_checks_it_as_a_bundle_offline(db, tmp_path, capsys):
    missing = tmp_path / "bundle.json"
    with pytest.raises(CommandError, match="unreadable input"):
        call_command("verify", str(missing))
    assert f"error: cannot read {missing}" in capsys.readouterr().err
    with pytest.raises(CommandError, match="--against compares a bundle FILE"):
        call_command("verify", "--against", str(missing))


def test_a_cleanly_truncated_charter_log_is_reported_not_a_crash(busy):
    # The operator's last charter event (a member added) is removed and the log's size
    # and head are made to match; a check-in in the south's log still names that member.
    make_user("late-deputy")
    offices.add_member(
        office=busy.office,
        command=AddMember(
            username="late-deputy", full_name="Late Deputy", role="deputy", side="south"
        ),
        actor=OPERATOR,
        now=T0,
    )
    deputy = busy.member("late-deputy")
    attending.check_in(
        member=deputy,
        command=CheckInTo(attendee=busy.south_head.username, key="weekly-20240126T1000"),
        now=_friday("20240126"),
    )
    last = _event("", 9)
    assert last.type == "member.added"
    _sql("DELETE FROM ledger_event WHERE id = %s", [last.pk])
    _sql(
        "UPDATE ledger_log SET size = 8, head = %s WHERE office = %s AND side = ''",
        [_event("", 8).hash, OFFICE],
    )
    crash = ""
    try:
        problems = verify(OFFICE)
    except Exception as exc:
        # Let go of the traceback here: it holds verify's open server-side cursor,
        # which would otherwise be closed later inside another test's transaction.
        crash = f"{type(exc).__name__}: {exc}"
        problems = []
    gc.collect()
    assert not crash, f"verify crashed instead of reporting the break: {crash}"
    problem = _only(problems)
    assert problem.kind in {"PROJECTION_MISMATCH", "REBUILD_FAILED"}
    assert OFFICE in problem.where
