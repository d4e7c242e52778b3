"""``needs_for``: what waits on each member, oldest first, in a fixed number of queries."""

from __future__ import annotations

import ast
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from liaison.attention.needs import KINDS, REFUSALS_SHOWN_DAYS, needs_for
from liaison.channel import messages, receipts
from liaison.channel.commands import Acknowledge, SendMessage
from liaison.meetings import answering
from liaison.meetings.commands import DeclineProposal
from liaison.records import commitments, minutes
from liaison.records.commands import (
    ChangeCommitmentStatus,
    ProposeMinutes,
    SaveMinutes,
    SignMinutes,
)
from liaison.testing import FIRST_SESSION, FIRST_START, World, weekly

from .helpers import commitment, minutes_proposed, notice, proposal, refused

pytestmark = pytest.mark.django_db

AFTER = FIRST_START + dt.timedelta(days=3)  # Monday 8 Jan 2024, 10:00 in Seoul


@pytest.fixture
def cadenced(world: World) -> World:
    weekly(world)
    return world


def _kinds(world: World, who: str, now: dt.datetime = AFTER) -> list[str]:
    return [item.kind for item in needs_for(world.members[who], now).items]


def test_a_head_sees_the_minutes_awaiting_his_signature_until_he_signs(cadenced):
    world = cadenced
    minutes_proposed(world, 0)
    needs = needs_for(world.south_head, AFTER)
    assert needs.total == 1 and needs.counts["minutes"] == 1
    (item,) = needs.items
    assert item.title == "Version 1 of the minutes of the meeting of 5 Jan 2024"
    assert item.since == FIRST_START + dt.timedelta(hours=1)  # when it was proposed
    assert item.link == f"/offices/testoffice/sessions/{FIRST_SESSION}/minutes/"
    assert item.due is None

    minutes.sign_minutes(
        member=world.south_head, command=SignMinutes(session=FIRST_SESSION, version=1), now=AFTER
    )
    assert needs_for(world.south_head, AFTER).total == 0
    # The other head still has to sign it; once he has, it waits on nobody.
    assert _kinds(world, "north_head") == ["minutes"]
    minutes.sign_minutes(
        member=world.north_head, command=SignMinutes(session=FIRST_SESSION, version=1), now=AFTER
    )
    assert _kinds(world, "north_head") == []


def test_minutes_superseded_by_a_new_version_wait_on_nobody_until_proposed_again(cadenced):
    world = cadenced
    minutes_proposed(world, 0)
    minutes.save_minutes(
        member=world.south_staff,
        command=SaveMinutes(session=FIRST_SESSION, base_version=1, text="V2."),
        now=AFTER,
    )
    assert _kinds(world, "south_head") == _kinds(world, "north_head") == []
    minutes.propose_minutes(
        member=world.north_deputy,
        command=ProposeMinutes(session=FIRST_SESSION, version=2),
        now=AFTER,
    )
    (item,) = needs_for(world.south_head, AFTER).items
    assert item.title.startswith("Version 2 of the minutes")


def test_only_heads_sign_so_minutes_wait_on_no_deputy_staff_or_observer(cadenced):
    minutes_proposed(cadenced, 0)
    for who in ("south_deputy", "south_staff", "north_deputy", "north_staff", "observer"):
        assert _kinds(cadenced, who) == [], who


def test_the_other_sides_proposal_waits_on_its_heads_and_deputies_until_answered(world):
    offered = proposal(world, "north_head", FIRST_START)
    soon = FIRST_START + dt.timedelta(days=1)
    for who in ("south_head", "south_deputy"):
        (row,) = needs_for(world.members[who], soon).rows
        assert row.need.kind == "proposal"
        assert row.need.title == "Ad hoc session proposed by The North: Extra talks"
        assert row.need.since == FIRST_START
        assert row.need.link == f"/offices/testoffice/proposals/{offered.key}/"
        # It may be answered until the session it proposes starts.
        assert row.need.due == FIRST_START + dt.timedelta(days=3)
        assert (row.timed, row.overdue, row.days_left) == (True, False, 2)
    for who in ("north_head", "north_deputy", "south_staff", "observer"):
        assert _kinds(world, who, soon) == [], who
    # Once it lapses it waits on nobody; answered, neither.
    lapsed = FIRST_START + dt.timedelta(days=3)
    assert needs_for(world.south_head, lapsed).total == 0
    answering.decline_proposal(
        member=world.south_deputy,
        command=DeclineProposal(key=offered.key, reason="Too soon."),
        now=soon,
    )
    assert _kinds(world, "south_head", soon) == []


def test_the_other_sides_notice_waits_on_its_heads_and_deputies_until_acknowledged(world):
    sent = notice(world, "south_head", "Talks on Friday", FIRST_START)
    for who in ("north_head", "north_deputy"):
        (item,) = needs_for(world.members[who], AFTER).items
        assert item.kind == "message"
        assert item.title == "Notice from The South: Talks on Friday"
        assert item.since == FIRST_START
        assert item.link == f"/offices/testoffice/messages/{sent.key}/"
    # The sender's side waits on nobody for it; staff and the observer answer nothing.
    for who in ("south_head", "south_deputy", "south_staff", "north_staff", "observer"):
        assert _kinds(world, who) == [], who
    receipts.acknowledge(
        member=world.north_deputy, command=Acknowledge(message=sent.key), now=AFTER
    )
    assert _kinds(world, "north_head") == []


def test_a_reply_answers_the_notice(world):
    sent = notice(world, "north_head", "Rail survey", FIRST_START)
    assert _kinds(world, "south_head") == ["message"]
    messages.send_message(
        member=world.south_deputy,
        command=SendMessage(
            kind="reply", subject="Re: Rail survey", body="Agreed.", in_reply_to=sent.key
        ),
        now=AFTER,
    )
    assert _kinds(world, "south_head") == []
    assert _kinds(world, "north_head") == []  # a reply expects no answer


DUE = dt.date(2024, 1, 20)  # a Saturday


def _seoul(day: dt.date, hour: int = 0, minute: int = 30) -> dt.datetime:
    return dt.datetime.combine(
        day, dt.time(hour, minute), tzinfo=dt.timezone(dt.timedelta(hours=9))
    )


def test_a_commitment_is_due_from_seven_days_before_its_day_office_time_and_overdue_after(world):
    commitment(world, "survey", DUE, ["south"], FIRST_START)
    head = world.south_head
    # 00:30 in Seoul on the 13th is still the 12th in UTC: the office's day counts.
    assert needs_for(head, _seoul(DUE - dt.timedelta(days=8), 23, 59)).total == 0
    first = needs_for(head, _seoul(DUE - dt.timedelta(days=7)))
    (row,) = first.rows
    assert row.need.kind == "commitment" and row.need.due == DUE
    assert row.need.title == "Commitment survey: Do survey"
    assert row.need.link == "/offices/testoffice/commitments/#commitment-survey"
    assert (row.days_left, row.overdue) == (7, False)
    (row,) = needs_for(head, _seoul(DUE, 23, 59)).rows
    assert (row.days_left, row.overdue) == (0, False)
    (row,) = needs_for(head, _seoul(DUE + dt.timedelta(days=1))).rows
    assert (row.days_left, row.overdue) == (-1, True)
    # Months later it still waits, overdue, until its status changes.
    late = _seoul(DUE + dt.timedelta(days=90))
    assert needs_for(head, late).rows[0].overdue
    commitments.change_commitment_status(
        member=head, command=ChangeCommitmentStatus(key="survey", status="done"), now=late
    )
    assert needs_for(head, late).total == 0


def test_the_due_soon_window_is_a_setting(world, settings):
    commitment(world, "survey", DUE, ["south"], FIRST_START)
    settings.LIAISON_DUE_SOON_DAYS = 0
    assert needs_for(world.south_head, _seoul(DUE - dt.timedelta(days=1))).total == 0
    assert needs_for(world.south_head, _seoul(DUE)).total == 1


def test_only_the_owning_sides_open_commitments_wait_on_it(world):
    commitment(world, "ours", DUE, ["south"], FIRST_START)
    commitment(world, "theirs", DUE, ["north"], FIRST_START)
    commitment(world, "joint", DUE, ["south", "north"], FIRST_START)
    commitment(world, "undated", None, ["south", "north"], FIRST_START)
    commitment(world, "going", DUE, ["south"], FIRST_START)
    commitments.change_commitment_status(
        member=world.south_deputy,
        command=ChangeCommitmentStatus(key="going", status="in_progress"),
        now=FIRST_START,
    )
    commitment(world, "disputed", DUE, ["south"], FIRST_START)
    commitments.change_commitment_status(
        member=world.north_head,
        command=ChangeCommitmentStatus(key="disputed", status="disputed", reason="No."),
        now=FIRST_START,
    )
    at = _seoul(DUE)

    def keys(who: str) -> list[str]:
        return [i.title.split(":")[0] for i in needs_for(world.members[who], at).items]

    assert keys("south_head") == keys("south_deputy")
    assert sorted(keys("south_head")) == [
        "Commitment going",
        "Commitment joint",
        "Commitment ours",
    ]
    assert sorted(keys("north_head")) == ["Commitment joint", "Commitment theirs"]
    assert keys("south_staff") == keys("observer") == []


def test_refused_checkpoints_of_or_by_the_side_wait_on_its_heads_and_deputies_for_30_days(
    world,
):
    notice(world, "north_head", "Something to sign", FIRST_START)  # the logs are not empty
    notice(world, "south_head", "Something else", FIRST_START)
    refused(world, "south", FIRST_START)  # the North refused the South's checkpoint

    (item,) = needs_for(world.south_deputy, AFTER).of_kind("checkpoint")
    assert item.title.startswith(
        "The North refused The South's checkpoint (log size 1): the signature does not verify"
    )
    assert item.link == "/offices/testoffice/checkpoints/#refusals-heading"
    (item,) = needs_for(world.north_head, AFTER).of_kind("checkpoint")
    assert item.title.startswith("The North refused the other side's checkpoint")
    assert needs_for(world.south_staff, AFTER).total == 0

    last = FIRST_START + dt.timedelta(days=REFUSALS_SHOWN_DAYS)
    assert needs_for(world.south_head, last).of_kind("checkpoint") != []
    gone = last + dt.timedelta(microseconds=1)
    assert needs_for(world.south_head, gone).of_kind("checkpoint") == []


def test_items_are_grouped_by_kind_and_oldest_first(cadenced):
    world = cadenced
    notice(world, "north_head", "Early", FIRST_START - dt.timedelta(days=1))
    minutes_proposed(world, 0)
    notice(world, "north_head", "Late", AFTER - dt.timedelta(hours=1))
    commitment(world, "rails", AFTER.date(), ["south"], FIRST_START - dt.timedelta(hours=1))
    needs = needs_for(world.south_head, AFTER)
    assert [(i.kind, i.since) for i in needs.items] == sorted(
        [(i.kind, i.since) for i in needs.items], key=lambda pair: pair[1]
    )
    assert [i.kind for i in needs.items] == ["message", "commitment", "minutes", "message"]
    assert [g.kind for g in needs.groups] == ["minutes", "message", "commitment"]
    assert [r.need.title for r in needs.groups[1].rows] == [
        "Notice from The North: Early",
        "Notice from The North: Late",
    ]
    assert needs.counts == dict.fromkeys(KINDS, 0) | {"minutes": 1, "message": 2, "commitment": 1}
    assert needs.total == 4


def _large_office(world: World, size: int) -> None:
    for week in range(size):
        minutes_proposed(world, week)
    last = FIRST_START + dt.timedelta(weeks=size)
    for number in range(size * 2):
        notice(world, "north_head", f"Notice {number}", last)
        notice(world, "south_head", f"Ours {number}", last)
    for number in range(size):
        due = (last + dt.timedelta(days=number % 20)).date()
        commitment(world, f"c{number}", due, ["south"], last)
    for _ in range(max(1, size // 5)):
        refused(world, "south", last)
        refused(world, "north", last)
    for number in range(size):
        proposal(world, "north_head", last, f"Talks {number}")


@pytest.mark.parametrize("size", [1, 25])
def test_a_head_s_needs_take_seven_queries_whatever_the_office_s_size(
    cadenced, django_assert_num_queries, size
):
    _large_office(cadenced, size)
    now = FIRST_START + dt.timedelta(weeks=size, days=1)
    head = cadenced.member(cadenced.south_head.username)
    # Proposals and their sides (2), minutes (1), the other side (1), its messages
    # awaiting an answer (1), commitments due (1), refusals (1).
    with django_assert_num_queries(7):
        needs = needs_for(head, now)
    assert needs.counts["proposal"] == size
    assert needs.counts["minutes"] == size
    assert needs.counts["message"] == size * 2
    assert needs.counts["checkpoint"] == 2 * max(1, size // 5)
    # Due from the day before ``now`` (overdue) to 7 days after it.
    assert needs.counts["commitment"] == sum(1 for n in range(size) if n % 20 <= 8)


def test_staff_and_observers_cost_no_query(cadenced, django_assert_num_queries):
    _large_office(cadenced, 1)
    for who in ("south_staff", "observer"):
        member = cadenced.member(cadenced.members[who].username)
        with django_assert_num_queries(0):
            assert needs_for(member, AFTER).total == 0


def test_no_domain_app_imports_the_attention_read_model():
    root = Path(__file__).resolve().parents[2]
    readers = {"attention", "web", "api"}
    offenders = []
    for path in root.rglob("*.py"):
        if path.relative_to(root).parts[0] in readers:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            if any(name.startswith("liaison.attention") for name in names):
                offenders.append(str(path.relative_to(root)))
    assert offenders == []


def test_a_negative_due_soon_window_stops_the_settings_from_loading():
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=Path(__file__).resolve().parents[3],
        env={**os.environ, "LIAISON_DUE_SOON_DAYS": "-1"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "LIAISON_DUE_SOON_DAYS must be 0 or more days, not -1" in result.stderr
